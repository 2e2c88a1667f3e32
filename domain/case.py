"""The case: what every procedure's workflow holds, answers and guards.

The `status` query, the events of the history, the decisions that arrive as updates
and the guards that refuse a decision are the same for every procedure; a procedure
brings its stages, its decision table and its rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, Field, ValidationError, field_validator

from domain.beijing import District
from domain.errors import (
    CaseClosedError,
    DuplicateRequestError,
    InvalidInputError,
    UnknownDecisionError,
    WrongRoleError,
    WrongStageError,
)
from domain.inputs import RequestId, TextRule, boundary_context, check_plausible
from domain.labels import PLATFORM, Vocabulary, vocabulary
from domain.models import Record

ClockState = Literal["running", "paused", "met", "breached"]

OPENING = "opening"
"""The stage a client sees until the case has finished opening."""
ATTENTION = "attention"
"""The stage a client sees while a step that failed for good waits for an operator."""
CLOSED = "closed"
CANCELLED = "cancelled"
"""The outcome of a case an operator cancelled (the `cancel` update, or Temporal's own cancel)."""
TERMINATED = "terminated"
"""The outcome of a case whose workflow was terminated (recorded by `govflow reconcile`)."""


class Actor(Record):
    """Who takes a step: a role of the procedure (clerk, reviewer, ...) and an internal id.

    Checked always, not only at the boundary: the command line and the SDK refuse a bad actor
    before anything is contacted (they validate without a case's today), and `role:id` is what
    every event records as its actor."""

    role: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z-]*$")
    id: str = Field(min_length=1, max_length=128)

    @field_validator("id")
    @classmethod
    def _an_identifier(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value):
            raise ValueError("an id holds no control character (tab and newline included)")
        return value


SYSTEM = Actor(role="system", id="govflow")


class CaseEvent(Record):
    """A domain event: what happened in the case, when, and by whose act.

    `seq` numbers the events of a case from 1 without gaps; PostgreSQL keeps
    (case_no, seq) unique, so an append that is retried never duplicates.
    """

    seq: int = Field(ge=1)
    at: AwareDatetime
    type: str = Field(min_length=1)
    actor: str
    data: dict[str, Any] = Field(default_factory=dict)


class Deadline(Record):
    """A statutory clock as the status query shows it, or another wait of the case with a known
    end: a publicity window (公示), the next evaluation a designation brings."""

    name: str
    article: str
    due: date
    state: ClockState
    provisional: bool = False
    kind: Literal["clock", "publicity", "period"] = Field(
        default="clock", description="a statutory clock, a publicity window, or another wait"
    )
    acts: str | None = Field(default=None, description="who must act within it, in the gazette's words")
    completed_late_on: date | None = Field(
        default=None, description="a breached clock's act done after all: no longer overdue"
    )


WaitingFor = Literal["decision", "party", "period", "operator", "opening", "idle"]


class NextStep(Record):
    """What an open case waits for, who must act and by when: the first thing a person reads.

    `waiting_for`: a decision by one of `roles`; a party (the applicant, a department: the
    period is theirs); a period to pass (a publicity window, during which `roles` may object);
    an operator (the case is held); the case's opening; nothing (`idle`: a record that lives on,
    acted on only when something happens). `decisions` are those the case waits for, not the
    occasional ones every stage allows (a fraud reported, an extension). `due` is the earliest
    deadline still to be acted on, with its `article` and `clock`; `who` the party or department
    awaited (the complainant, the department a letter went to); `persons` the people named for the
    act, where the case knows them (the experts drawn, the inspectors of an open check)."""

    waiting_for: WaitingFor
    decisions: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    who: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    due: date | None = None
    article: str | None = None
    clock: str | None = None
    deadline_kind: Literal["clock", "publicity", "period"] | None = None


class Attention(Record):
    """Why a case waits for an operator: the step that failed for good, and how."""

    step: str
    error_type: str
    message: str
    since: AwareDatetime
    stage: str = Field(description="the stage the case was in, and returns to once resumed")


class CaseStatus(Record):
    """The answer of every case workflow's `status` query.

    `stage` is `opening` until the case has finished opening (its clocks planned, its gates
    asked), and `attention` while a step that failed for good waits for an operator.
    """

    case_no: str
    procedure: str
    stage: str
    applicant_id: str
    district: District | None
    opened_at: AwareDatetime
    deadlines: tuple[Deadline, ...] = ()
    history: tuple[CaseEvent, ...] = ()
    outcome: str | None = None
    attention: Attention | None = None
    next_step: NextStep | None = None


class ResumeOrder(Record):
    """An operator's order to try again the step that put a case in `attention`, once its
    cause is corrected (a fixed worker deployed, a record repaired)."""

    actor: Actor
    note: str = Field(min_length=1, max_length=2000)


class CancelOrder(Record):
    """An operator's order to end a case before its procedure does: recorded as CaseCancelled
    (who, why), its clocks stopped, the case closed with the outcome `cancelled`.

    `actor` is the operator (the identity check compares it with the caller's token);
    `reason` is checked like every text input at the boundary (not blank, at most 2,000
    characters: domain.inputs); `request_id` makes a repeat safe."""

    actor: Actor
    reason: Annotated[str, AfterValidator(TextRule(2000))]
    request_id: RequestId


class CancelAccepted(Record):
    """The answer to a cancellation once it is recorded and the case closed."""

    case_no: str
    request_id: str
    outcome: str
    stage: str


class CaseResumeResult(Record):
    """What became of a resumed case: whether the step went through this time."""

    case_no: str
    step: str
    recovered: bool
    stage: str


class DecisionRequest(Record):
    """A human decision, sent as the `decide` update.

    `request_id` makes the decision idempotent: the same id twice is refused, so a
    client that retries after a lost answer cannot take the decision twice.
    """

    request_id: RequestId
    decision: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9-]*$")
    actor: Actor
    payload: dict[str, Any] = Field(default_factory=dict)
    effective_on: date | None = Field(
        default=None,
        description=(
            "the legal date of the act or receipt, when it is entered later than it happened "
            "(a paper decided or received yesterday); never in the future, never before the "
            "case's previous act. Clocks count from it; the history records it beside the day "
            "it was entered."
        ),
    )

    @field_validator("request_id", "decision", "actor", mode="after")
    @classmethod
    def _plausible(cls, value: Any) -> Any:
        """Record's check, on every field but the payload (a new field is to be named here):
        the decision's own payload model checks each of the payload's fields (check_decision)
        and names the one that fails (payload.reason), where a check of the whole dict could
        only say `payload`. Nothing of the raw dict is ever recorded."""
        check_plausible(value)
        return value


class DecisionAccepted(Record):
    """The answer to an accepted decision."""

    case_no: str
    request_id: str
    decision: str
    stage: str


class CaseOpening(Record):
    """What starts a case: its number and when the application was received.

    Each procedure extends it with its own `application` model.
    """

    case_no: str
    received_at: AwareDatetime | None = None


class CarriedCase(Record):
    """A case's identity and numbering, handed to the next run by continue-as-new."""

    applicant_id: str
    opened_at: AwareDatetime
    stage: str
    events_before: int = Field(ge=0)
    request_ids: tuple[str, ...] = ()
    last_act_on: date | None = None


@dataclass(frozen=True)
class DecisionRule:
    """Who may take a decision, in which stages, with which payload."""

    stages: frozenset[str]
    roles: frozenset[str]
    payload: type[BaseModel]


def _words(procedure: str | None) -> Vocabulary:
    """The procedure's words for a refusal, or the platform's when the caller does not know it."""
    return vocabulary(procedure) if procedure else PLATFORM


def check_case_open(outcome: str | None, procedure: str | None = None) -> None:
    """A case that has an outcome takes no further decision. Each refusal here reads Chinese
    first (with the codes beside), then the English a program may match, unchanged."""
    if outcome is not None:
        ended = _words(procedure).zh("outcome", outcome) or outcome
        raise CaseClosedError(
            f"案件已办结（{ended}），不再作出决定; "
            f"the case has ended ({outcome}); it takes no further decision"
        )


def check_known_decision(
    rules: Mapping[str, DecisionRule], decision: str, procedure: str | None = None
) -> DecisionRule:
    if decision not in rules:
        words = _words(procedure)
        known = ", ".join(sorted(rules)) or "none"
        known_zh = "、".join(words.label("decision", d) for d in sorted(rules)) or "无"
        raise UnknownDecisionError(
            f"本事项没有决定 {decision!r}（可作出的决定：{known_zh}）; "
            f"unknown decision {decision!r}; this procedure knows: {known}"
        )
    return rules[decision]


def check_new_request(seen_request_ids: Set[str], request_id: str) -> None:
    if request_id in seen_request_ids:
        raise DuplicateRequestError(
            f"请求 {request_id!r} 已在本案办理，未作任何变更; "
            f"request {request_id!r} was already taken on this case; nothing was changed"
        )


def check_stage(rule: DecisionRule, decision: str, stage: str, procedure: str | None = None) -> None:
    if stage not in rule.stages:
        words = _words(procedure)
        allowed = ", ".join(sorted(rule.stages))
        allowed_zh = "、".join(words.label("stage", s) for s in sorted(rule.stages))
        raise WrongStageError(
            f"决定 {words.label('decision', decision)} 不能在当前环节 {words.label('stage', stage)} 作出"
            f"（可作出的环节：{allowed_zh}）; "
            f"decision {decision!r} is not allowed in stage {stage!r} (allowed in: {allowed})"
        )


def check_role(rule: DecisionRule, decision: str, role: str, procedure: str | None = None) -> None:
    if role not in rule.roles:
        words = _words(procedure)
        allowed = ", ".join(sorted(rule.roles))
        allowed_zh = "、".join(words.label("role", r) for r in sorted(rule.roles))
        raise WrongRoleError(
            f"角色 {words.label('role', role)} 不能作出决定 {words.label('decision', decision)}"
            f"（仅限：{allowed_zh}）; "
            f"role {role!r} may not take decision {decision!r} (only: {allowed})"
        )


def parse_payload(
    rule: DecisionRule, decision: str, payload: Mapping[str, Any], today: date | None = None
) -> BaseModel:
    """The typed payload; with `today`, the boundary rules of domain.inputs apply too
    (the update validator), without it not (the handler on replay)."""
    try:
        context = boundary_context(today) if today is not None else None
        return rule.payload.model_validate(dict(payload), context=context)
    except ValidationError as error:
        raise InvalidInputError(
            f"decision {decision!r}: {describe_validation_error(error, 'payload')}"
        ) from None


def check_decision(
    rules: Mapping[str, DecisionRule],
    *,
    stage: str,
    outcome: str | None,
    seen_request_ids: Set[str],
    request: DecisionRequest,
    today: date | None = None,
    procedure: str | None = None,
) -> BaseModel:
    """Every guard a decision passes before anything is recorded; returns the typed payload.
    `procedure` names the case's procedure, whose words the refusals use.

    The order matters: a retried request that was already taken is told so, not that
    the case has since moved to another stage.
    """
    check_case_open(outcome, procedure)
    rule = check_known_decision(rules, request.decision, procedure)
    check_new_request(seen_request_ids, request.request_id)
    check_stage(rule, request.decision, stage, procedure)
    check_role(rule, request.decision, request.actor.role, procedure)
    return parse_payload(rule, request.decision, request.payload, today)


def check_effective_on(effective_on: date | None, today: date, previous_act_on: date | None) -> None:
    """An act entered after the day it happened is dated that day (`effective_on`), but never
    in the future and never before the case's previous act (the order of the file is the order
    of the acts)."""
    if effective_on is None:
        return
    if effective_on > today:
        raise InvalidInputError(
            f"effective_on: 行为日期{effective_on.isoformat()}晚于今天{today.isoformat()}"
            "（an act cannot be dated in the future）"
        )
    if previous_act_on is not None and effective_on < previous_act_on:
        raise InvalidInputError(
            f"effective_on: 行为日期{effective_on.isoformat()}早于本案上一行为日期"
            f"{previous_act_on.isoformat()}（an act cannot be dated before the case's previous act）"
        )


def _printable(text: str) -> str:
    """A field name as it can be printed on one line: a control character in a key is escaped."""
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def describe_validation_error(error: ValidationError, root: str = "") -> str:
    """One line naming the first field that failed and why, e.g. `applicant.id: Field required`."""
    first = error.errors()[0]
    location = ".".join(_printable(str(part)) for part in (root, *first["loc"]) if part != "")
    count = error.error_count()
    more = f" (and {count - 1} more)" if count > 1 else ""
    message = first["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"{location or '(root)'}: {message}{more}"
