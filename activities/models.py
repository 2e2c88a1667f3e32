"""Inputs of the core activities. The workflow reserves each event's `seq` before it calls,
so a retried activity writes the same event again and the log's key makes that a no-op."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import AwareDatetime, Field

from domain.case import Actor, CaseEvent
from domain.clocks import Clock
from domain.models import Record


class AppendEvents(Record):
    case_no: str
    events: tuple[CaseEvent, ...] = Field(min_length=1)


BEFORE = Field(
    default=(),
    description="events the case recorded just before and had not yet appended (a decision's, "
    "see CaseWorkflow.batched): appended first, in the same transaction",
)


class IssueNotice(Record):
    case_no: str
    before: tuple[CaseEvent, ...] = BEFORE
    seq: int = Field(ge=1)
    at: AwareDatetime
    actor: Actor
    step: str = Field(min_length=1, description="unique per case: a notice is issued once a step")
    template: str
    recipient: str
    context: dict[str, Any]


class Escalate(Record):
    """Record a breached clock and report it to the supervising body (uses seq and seq + 1)."""

    case_no: str
    before: tuple[CaseEvent, ...] = BEFORE
    seq: int = Field(ge=1)
    at: AwareDatetime
    clock: str
    article: str
    due: date
    supervising_body: str
    reason: str


class RecordVerification(Record):
    case_no: str
    before: tuple[CaseEvent, ...] = BEFORE
    seq: int = Field(ge=1)
    at: AwareDatetime
    actor: Actor
    step: str
    result: str
    evidence: str


class PlanClocks(Record):
    """Derive the due dates of clocks with the calendar in force (recorded in history, so a
    replay never recomputes a date with a calendar that has since changed)."""

    clocks: tuple[Clock, ...] = Field(min_length=1)
    today: date
