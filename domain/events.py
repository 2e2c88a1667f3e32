"""The core's domain events: the `type` of a CaseEvent and the model of its `data`.

Procedures add their own events; these are the ones the shared projections read.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from domain.case import Actor, CaseEvent, Deadline
from domain.models import Record


class CaseOpened(Record):
    procedure: str
    applicant_id: str
    district: str | None
    stage: str
    received_at: AwareDatetime
    application: dict[str, Any]


class StageChanged(Record):
    from_stage: str
    to_stage: str


class ClockChanged(Record):
    """What every clock event carries: the clock as it now stands, and the case's deadlines
    after the change (which the `cases` projection follows)."""

    clock: str
    due: date
    state: str
    provisional: bool
    calendar_version: str
    deadlines: tuple[Deadline, ...]
    next_deadline: AwareDatetime | None


class ClockStarted(ClockChanged):
    article: str
    started_on: date
    length: int
    unit: str
    kind: str = "body"
    last_day_rule: str | None = Field(
        default=None, description="the article that moves the last day off a holiday, if one does"
    )


class ClockPaused(ClockChanged):
    reason: str
    paused_on: date


class ClockResumed(ClockChanged):
    resumed_on: date


class ClockExtended(ClockChanged):
    new_length: int
    reason: str
    approver: str


class ClockMet(ClockChanged):
    breach_withdrawn: bool = Field(
        default=False,
        description="the act was done by the due date but entered after the breach was recorded",
    )


class ClockBreached(ClockChanged):
    pass


class ClockCompletedLate(ClockChanged):
    completed_on: date


class ClockReminded(ClockChanged):
    recipient: str


class ClockReplanned(ClockChanged):
    previous_due: date
    previous_provisional: bool
    previous_calendar_version: str


CLOCK_EVENTS = (
    ClockStarted,
    ClockPaused,
    ClockResumed,
    ClockExtended,
    ClockMet,
    ClockBreached,
    ClockCompletedLate,
    ClockReminded,
    ClockReplanned,
)


class DecisionTaken(Record):
    """A decision as it was entered (the event's `at`) and, when it was entered later than the
    act or receipt happened, the legal date of the act (`effective_on`)."""

    request_id: str
    decision: str
    role: str
    payload: dict[str, Any]
    effective_on: date | None = None


class NoticeIssued(Record):
    step: str
    template: str
    recipient: str
    title: str
    body: str


class Escalated(Record):
    clock: str
    article: str
    supervising_body: str
    reason: str


class VerificationRecorded(Record):
    step: str
    result: str
    verifier: str
    evidence: str


class CaseNeedsAttention(Record):
    """A step of the case failed in a way no retry can mend; the case waits for an operator,
    who corrects the cause and resumes it (the step is then tried again)."""

    step: str
    error_type: str
    message: str
    stage: str
    supervising_body: str


class CaseResumed(Record):
    """An operator resumed a case that needed attention; the failed step is tried again."""

    step: str
    note: str
    stage: str


class CaseClosed(Record):
    outcome: str
    stage: str


class CaseCancelled(Record):
    """An operator ended the case before its procedure did: by the `cancel` update (with its
    request id), or by Temporal's own cancellation (`temporal workflow cancel`, no request id).
    The clocks still open were stopped; CaseClosed (outcome `cancelled`) follows."""

    reason: str
    stage: str
    request_id: str | None = None
    clocks_stopped: tuple[str, ...] = ()


class CaseTerminated(Record):
    """The case's workflow was terminated (`temporal workflow terminate`): it ran no more code,
    so `govflow reconcile` recorded this from the termination in Temporal's history. It closes
    the case (outcome `terminated`); no CaseClosed follows."""

    reason: str
    identity: str
    run_id: str
    stage: str | None = None


CLOSING_EVENTS = frozenset({"CaseClosed", "CaseTerminated"})
"""The event types after which a case's log takes no more events of its own."""


def event_type(data: BaseModel) -> str:
    """An event's type is the name of its data model: `StageChanged`, `NoticeIssued`, ..."""
    return type(data).__name__


def make_event(seq: int, at: datetime, actor: Actor, data: BaseModel) -> CaseEvent:
    return CaseEvent(
        seq=seq,
        at=at,
        type=event_type(data),
        actor=f"{actor.role}:{actor.id}",
        data=data.model_dump(mode="json"),
    )
