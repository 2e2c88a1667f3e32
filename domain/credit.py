"""Credit supervision of the auction-permit commitment route: 京商流通字〔2021〕9号, 四.

Pure rules; the credit-record workflow (to come) holds an applicant's entries for years
and lets their publicity end on time.

- 四(一): grades of breach; within 1 year, 3 or more minor breaches are handled as general,
  and 2 or more general ones as severe.
- 四(二): minor entries are recorded, not published; general ones published for at least
  1 and at most 6 months; severe ones for at least 6 months and at most 1 year.
- 四(三): credit repair (a credit commitment, completed rectification) may shorten the
  publicity by 1 to 6 months, and a repaired entry is no longer published; the repair is
  recorded. National practice admits repair only once the minimum period has passed:
  `RepairPolicy.after_minimum_only`, off by default as the gazette does not say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import Field, ValidationInfo, model_validator

from domain.calendar import add_months
from domain.case import CarriedCase, CaseOpening, DecisionRule
from domain.errors import DecisionRefusedError, InvalidInputError
from domain.identifiers import is_valid_uscc
from domain.inputs import FactDate, Identifier, Name, Text, Uscc, boundary_today
from domain.models import Record

ESCALATION_WINDOW_MONTHS = 12
"""四(一): breaches count together within 1 year."""
MINOR_TO_GENERAL = 3
"""四(一): 3 or more minor breaches within a year are handled as general."""
GENERAL_TO_SEVERE = 2
"""四(一): 2 or more general breaches within a year are handled as severe."""


class Grade(StrEnum):
    MINOR = "minor"  # 轻微违诺失信: materials incomplete or information inaccurate, without good reason
    GENERAL = "general"  # 一般违诺失信: materials differ from the facts, or cannot be given accurately
    SEVERE = "severe"  # 严重违诺失信: false materials, no rectification in time, still short after it

    @property
    def chinese(self) -> str:
        return {"minor": "轻微违诺失信", "general": "一般违诺失信", "severe": "严重违诺失信"}[self.value]


PUBLICITY_MONTHS: dict[Grade, tuple[int, int] | None] = {
    Grade.MINOR: None,  # 四(二): recorded only
    Grade.GENERAL: (1, 6),
    Grade.SEVERE: (6, 12),
}
REPAIR_SHORTENING_MONTHS = (1, 6)
"""四(三): a completed repair shortens the publicity by 1 to 6 months."""
MAX_PUBLICITY_MONTHS = 12
"""四(二): no grade is published longer than a year."""


class Breach(Record):
    """A finding that a commitment was not kept, as graded by the spot check."""

    breach_id: str = Field(min_length=1)
    found_on: date
    grade: Grade
    matter: str = Field(min_length=1, description="the permit matter the commitment was for")


def effective_grade(breach: Breach, earlier: Sequence[tuple[date, Grade]]) -> Grade:
    """四(一): the grade a breach is handled as, given the applicant's earlier breaches
    (their dates and the grades they were handled as).

    "Within 1 year" counts an earlier breach whose year, counted from the day after it,
    has not ended on the day of this one (so one exactly a year earlier still counts).
    """
    within = [
        grade
        for found_on, grade in earlier
        if found_on <= breach.found_on <= add_months(found_on, ESCALATION_WINDOW_MONTHS)
    ]
    grade = breach.grade
    if grade is Grade.MINOR and within.count(Grade.MINOR) + 1 >= MINOR_TO_GENERAL:
        grade = Grade.GENERAL
    if grade is Grade.GENERAL and within.count(Grade.GENERAL) + 1 >= GENERAL_TO_SEVERE:
        grade = Grade.SEVERE
    return grade


def check_publicity_months(grade: Grade, months: int | None) -> int | None:
    """四(二): the months of publicity the bureau decided must fit the grade."""
    bounds = PUBLICITY_MONTHS[grade]
    if bounds is None:
        if months:
            raise InvalidInputError("publicity_months: a minor breach is recorded, not published")
        return None
    low, high = bounds
    if months is None or not low <= months <= high:
        raise InvalidInputError(
            f"publicity_months: a {grade.value} breach is published {low} to {high} months"
        )
    return months


@dataclass(frozen=True)
class RepairPolicy:
    after_minimum_only: bool = False


class CreditEntry(Record):
    """An entry on the public credit platform (北京市公共信用信息服务平台)."""

    breach: Breach
    grade: Grade = Field(description="the grade it is handled as, after 四(一) escalation")
    publicity_months: int | None = None
    repaired_on: date | None = None
    repair_shortening_months: int | None = None
    repair_means: str | None = None

    @model_validator(mode="after")
    def _publicity_fits_grade(self) -> CreditEntry:
        check_publicity_months(self.grade, self.publicity_months)
        return self

    @property
    def published(self) -> bool:
        return self.publicity_months is not None

    @property
    def publicity_starts(self) -> date:
        return self.breach.found_on

    @property
    def decided_end(self) -> date | None:
        """The last day of publicity as decided: start plus the decided months."""
        if self.publicity_months is None:
            return None
        return add_months(self.publicity_starts, self.publicity_months)

    @property
    def shortened_end(self) -> date | None:
        """四(三): the decided period less the months a repair took off (the record's period)."""
        if self.decided_end is None or self.repair_shortening_months is None:
            return self.decided_end
        months = max(0, (self.publicity_months or 0) - self.repair_shortening_months)
        return add_months(self.publicity_starts, months)

    @property
    def publicity_ends(self) -> date | None:
        """The day publication stops: the end of the decided period, or, once repaired, the
        day of the repair if that comes first (四(三): a repaired entry is no longer published).
        The spec reads the gazette's two sentences so: the repair shortens the period and
        stops publication."""
        end = self.decided_end
        if end is None or self.repaired_on is None:
            return end
        return min(end, max(self.repaired_on, self.publicity_starts))

    def is_public_on(self, day: date) -> bool:
        ends = self.publicity_ends
        return ends is not None and self.publicity_starts <= day < ends

    def repair(self, on: date, shortening_months: int, means: str, policy: RepairPolicy) -> CreditEntry:
        """四(三): record a completed repair; it shortens publicity and stops publication."""
        if self.repaired_on is not None:
            raise DecisionRefusedError(f"entry {self.breach.breach_id} was already repaired")
        low, high = REPAIR_SHORTENING_MONTHS
        if not low <= shortening_months <= high:
            raise InvalidInputError(
                f"shortening_months: a repair shortens publicity by {low} to {high} months"
            )
        if policy.after_minimum_only and self.published:
            bounds = PUBLICITY_MONTHS[self.grade]
            minimum_end = add_months(self.publicity_starts, bounds[0] if bounds else 0)
            if on < minimum_end:
                raise DecisionRefusedError(
                    f"repair is admitted from {minimum_end}, once the minimum publicity has passed"
                )
        return self.model_copy(
            update={
                "repaired_on": on,
                "repair_shortening_months": shortening_months,
                "repair_means": means,
            }
        )


COMMITMENT_BAR_BASIS = (
    "国务院办公厅《关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）"
)
"""一 leaves the route to the applicant ("申请人可选择告知承诺方式办理，也可选择一般方式办理").
The national rule for commitment approvals bars the commitment route only for an applicant with
a serious bad credit record (严重失信) or an earlier false commitment (曾作出虚假承诺), until
repaired (信用修复). The measure grades 提供虚假材料 (a false commitment) as 严重违诺失信 (四(一)),
so on this record both are severe entries."""


def bars_commitment(grade: Grade, repaired: bool, public: bool) -> bool:
    """国办发〔2020〕42号: a severe entry (which includes a false commitment, 四(一)) bars the
    commitment route while it stands: not repaired (四(三)) and still published (四(二)). A
    minor or general breach never bars: the applicant's choice (一) stands."""
    return grade is Grade.SEVERE and not repaired and public


def commitment_bar_reason(breach_id: str, grade: Grade, found_on: date) -> str:
    """Why the route changed, for the applicant: the basis and the entry (for the notice)."""
    return (
        f"你单位在北京市公共信用信息服务平台有{grade.chinese}信息（编号：{breach_id}，认定日期：{found_on}），"
        f"公示期内且未完成信用修复。依据{COMMITMENT_BAR_BASIS}，对存在严重失信记录或曾作出虚假承诺的申请人，"
        "在信用修复前不适用告知承诺制，本申请按一般方式办理"
    )


def bars_commitment_route(entries: Sequence[CreditEntry], today: date) -> str | None:
    """国办发〔2020〕42号 (see `bars_commitment`): the reason naming the first entry that sends
    the applicant to the general route, or None."""
    for entry in entries:
        if bars_commitment(entry.grade, entry.repaired_on is not None, entry.is_public_on(today)):
            return commitment_bar_reason(entry.breach.breach_id, entry.grade, entry.breach.found_on)
    return None


# -- the credit record as a case ---------------------------------------------------------------------

PROCEDURE = "credit-record"
BUREAU = "北京市商务局"  # 四, 五: keeps the applicants' commitment credit records
OPEN = "open"  # a credit record never closes: it lives as long as the applicant
CREDIT_OFFICER = frozenset({"credit-officer"})
APPLICANT = frozenset({"applicant"})
ECONOMY_BUREAU = frozenset({"economy-bureau"})
"""五: "向市经济信息化部门书面提出异议申请" — objections to an entry are decided by 市经济信息化部门."""
ECONOMY_BUREAU_NAME = "北京市经济和信息化局"
"""市经济信息化部门, by the name it signs with."""


def credit_record_case_no(uscc: str) -> str:
    """One record per applicant, found by its unified social credit code."""
    return f"CRED-{uscc}"


class CreditSubject(Record):
    uscc: Uscc = Field(min_length=18, max_length=18)
    name: Name = Field(min_length=1)

    @model_validator(mode="after")
    def _valid_code(self) -> CreditSubject:
        # Checked always, not only at the boundary: the case number CRED-<uscc> is made of it,
        # and a spot check's activity opens a record without the boundary's context.
        if not is_valid_uscc(self.uscc):
            raise ValueError("uscc: not a valid unified social credit code (GB 32100-2015)")
        return self

    @property
    def applicant_id(self) -> str:
        return self.uscc


class Objection(Record):
    lodged_on: date
    reasons: str
    evidence: str | None = None
    upheld: bool | None = None
    decided_on: date | None = None
    decision_evidence: str | None = None


class RecordEntry(Record):
    """An entry as the record holds it: the platform entry, its objection, its status."""

    entry: CreditEntry
    reported_grade: Grade
    objection: Objection | None = None
    withdrawn_on: date | None = None
    publicity_ended: bool = False

    @property
    def ends_on(self) -> date | None:
        """When publication stops: the entry's end, or the day an objection was upheld."""
        ends = self.entry.publicity_ends
        if ends is None or self.withdrawn_on is None:
            return ends
        return min(ends, self.withdrawn_on)


class CarriedRecord(Record):
    entries: tuple[RecordEntry, ...] = ()


class CreditRecordOpening(CaseOpening):
    application: CreditSubject
    carried_case: CarriedCase | None = None
    carried_record: CarriedRecord | None = None
    continue_after_events: int = Field(default=1000, ge=5, description="then continue-as-new")


class RecordBreach(Record):
    """四(一), 四(二): a breach found by a spot check, with the publicity the bureau decided
    (none for a breach handled as minor; left out, the shortest its grade allows).

    `publicity_by_grade` is the bureau's policy for each grade, for a reporter who cannot know
    the grade the record will handle the breach as (四(一): a second general breach within a
    year is severe); the months of the grade the record finds are then applied."""

    breach_id: Identifier = Field(min_length=1)
    found_on: FactDate
    grade: Grade
    matter: Text = Field(min_length=1)
    publicity_months: int | None = Field(default=None, ge=0, le=MAX_PUBLICITY_MONTHS)
    publicity_by_grade: Mapping[Grade, Annotated[int, Field(ge=0, le=MAX_PUBLICITY_MONTHS)]] | None = None


class RepairCredit(Record):
    """四(三): a completed repair by credit commitment or rectification."""

    breach_id: Identifier
    shortening_months: int = Field(ge=REPAIR_SHORTENING_MONTHS[0], le=REPAIR_SHORTENING_MONTHS[1])
    means: Text = Field(min_length=1)


def _evidence_stated(evidence: str, info: ValidationInfo, what: str) -> None:
    """Required of every new request (at the boundary); a request taken before the field
    existed is replayed without it."""
    if boundary_today(info) is not None and not evidence.strip():
        raise ValueError(f"evidence: {what}")


class LodgeObjection(Record):
    """五: the applicant holds the entry wrong or not to be published: "书面提出异议申请，并提供
    相关证明材料" — a written objection with the evidence."""

    breach_id: Identifier
    reasons: Text = Field(min_length=1)
    evidence: Text = ""

    @model_validator(mode="after")
    def _with_evidence(self, info: ValidationInfo) -> LodgeObjection:
        _evidence_stated(self.evidence, info, "五: 异议申请须提供相关证明材料 (name the evidence)")
        return self


class DecideObjection(Record):
    """五: 市经济信息化部门 decides the objection and states the evidence its decision rests on."""

    breach_id: Identifier
    upheld: bool
    reason: Text = Field(min_length=1)
    evidence: Text = ""

    @model_validator(mode="after")
    def _with_evidence(self, info: ValidationInfo) -> DecideObjection:
        _evidence_stated(self.evidence, info, "五: 异议处理须载明所依据的证据 (state the evidence)")
        return self


CREDIT_DECISIONS: dict[str, DecisionRule] = {
    "record-breach": DecisionRule(frozenset({OPEN}), CREDIT_OFFICER, RecordBreach),
    "repair": DecisionRule(frozenset({OPEN}), CREDIT_OFFICER, RepairCredit),
    "object": DecisionRule(frozenset({OPEN}), APPLICANT, LodgeObjection),
    # The credit officer stays in the table for the records that took objections before 五's
    # reading was built (their runs replay it); a record under the reading admits only the
    # economy bureau (CreditRecordWorkflow._objection_awaits).
    "decide-objection": DecisionRule(frozenset({OPEN}), ECONOMY_BUREAU | CREDIT_OFFICER, DecideObjection),
}


class BreachRecorded(Record):
    breach_id: str
    found_on: date
    reported_grade: str
    grade: str
    publicity_months: int | None
    publicity_ends: date | None


class CreditRepaired(Record):
    breach_id: str
    repaired_on: date
    shortening_months: int
    means: str
    publicity_ends: date | None


class ObjectionLodged(Record):
    breach_id: str
    reasons: str
    evidence: str | None = None


class ObjectionDecided(Record):
    breach_id: str
    upheld: bool
    reason: str
    evidence: str | None = None
    decided_by: str | None = None


class PublicityEnded(Record):
    breach_id: str
    ended_on: date


class RecordContinued(Record):
    """The record goes on in a new run (continue-as-new) with its entries."""

    entries: int
