"""Intellectual-property professional titles: 《北京市知识产权专业职称评价试行办法》,
京人社事业发〔2021〕32号: the committee vote, the random drawing of experts, the review route as a
case (五(二)), integrity (六(一)) and the certificate number. Eligibility is in
domain.title_eligibility; the exam route in domain.title_exam.

五(二)5: the committee votes by secret ballot. "评审结果需由全体评审委员会委员三分之二以上
出席并参加投票方为有效，通过人选需获得出席委员三分之二以上同意票数": the vote is valid only if
at least two thirds of all members attend and vote, and an applicant passes with at least
two thirds of those voting. "以上" includes the number itself (民法典 第一千二百五十九条), so
the rules are `3 * voting >= 2 * members` and `3 * yes >= 2 * voting`, in integers.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence, Set
from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from domain.case import CaseOpening, DecisionRule
from domain.clocks import Period, PeriodKind, Unit
from domain.draws import seeded_rng
from domain.errors import BallotRefusedError, InvalidInputError
from domain.inputs import FactDate, Identifier, Name, Text, TextRule
from domain.models import Record, Verdict
from domain.publicity import Objection, ObjectionRuling
from domain.title_eligibility import Applicant, Direction, Level, Refusal


def quorum_met(members: int, voting: int) -> bool:
    """五(二)5: at least two thirds of all members attended and voted."""
    check_counts(members, voting)
    return 3 * voting >= 2 * members


def passes(voting: int, yes: int) -> bool:
    """五(二)5: at least two thirds of those voting approved."""
    if not 0 <= yes <= voting:
        raise InvalidInputError(f"yes: {yes} approvals cannot come from {voting} ballots")
    return 3 * yes >= 2 * voting


def check_counts(members: int, voting: int) -> None:
    if members < 1:
        raise InvalidInputError("members: a committee has at least one member")
    if not 0 <= voting <= members:
        raise InvalidInputError(f"voting: {voting} ballots cannot come from {members} members")


def check_ballot(voter: str, members: Collection[str], voted: Set[str]) -> None:
    """A member votes once per applicant; nobody else votes."""
    if voter not in members:
        raise BallotRefusedError(f"{voter} is not a member of this committee")
    if voter in voted:
        raise BallotRefusedError(f"{voter} has already voted on this applicant")


# -- ballots ---------------------------------------------------------------------------------------


class Choice(StrEnum):
    APPROVE = "approve"  # 同意
    REJECT = "reject"  # 不同意
    ABSTAIN = "abstain"  # 弃权


class Tally(Record):
    """The audit record of one ballot: who voted (the attendance list) and how many chose
    what; never who chose what."""

    ballot_no: int = Field(ge=1)
    members: tuple[str, ...]
    attendance: tuple[str, ...]
    approve: int = Field(ge=0)
    reject: int = Field(ge=0)
    abstain: int = Field(ge=0)

    @model_validator(mode="after")
    def _consistent(self) -> Tally:
        if not set(self.attendance) <= set(self.members):
            raise ValueError("attendance: only members vote")
        if self.approve + self.reject + self.abstain != len(self.attendance):
            raise ValueError("the ballots counted are not the ballots of the members who voted")
        return self

    @property
    def voting(self) -> int:
        return len(self.attendance)

    @property
    def valid(self) -> bool:
        return quorum_met(len(self.members), self.voting)

    @property
    def passed(self) -> bool:
        return self.valid and passes(self.voting, self.approve)


# -- experts: the panel and the committee are drawn at random (四(二)) -----------------------------

PANEL_SIZE = (3, 5)
"""四(二): a professional panel of 3–5 peer experts."""


class Expert(Record):
    id: Identifier = Field(min_length=1)
    name: Name = Field(min_length=1)
    unit: Name = Field(min_length=1)


MAX_POOL = 1000
"""No expert pool is larger (the municipal pool of IP experts holds some hundreds)."""


class ExpertDraw(Record):
    """A drawing from the expert pool; `seed` None: the workflow makes one and records it."""

    pool: tuple[Expert, ...] = Field(min_length=3, max_length=MAX_POOL)
    size: int = Field(ge=3, le=MAX_POOL)
    seed: Identifier | None = Field(default=None, min_length=8)

    @model_validator(mode="after")
    def _distinct(self) -> ExpertDraw:
        if len({e.id for e in self.pool}) != len(self.pool):
            raise ValueError("pool: an expert is listed twice")
        return self


class PanelDraw(ExpertDraw):
    size: int = Field(ge=PANEL_SIZE[0], le=PANEL_SIZE[1])


class CommitteeDraw(ExpertDraw):
    """The committee of a yearly round: every applicant of the round is voted on by the same
    committee, so the round's seed is given (the same seed and pool draw the same members)."""

    seed: Identifier = Field(min_length=8)


def draw_experts(
    pool: Sequence[Expert], size: int, seed: str, purpose: str, stand_aside_unit: str | None = None
) -> tuple[Expert, ...]:
    """Draw `size` experts, none from `stand_aside_unit` (回避: the applicant's employer).
    The same pool, size, seed and purpose always draw the same experts."""
    chosen = seeded_rng(seed, purpose).sample(eligible_experts(pool, size, stand_aside_unit), size)
    return tuple(sorted(chosen, key=lambda e: e.id))


def eligible_experts(pool: Sequence[Expert], size: int, stand_aside_unit: str | None) -> list[Expert]:
    """The experts a drawing of `size` may choose from; refused if they are too few."""
    eligible = sorted((e for e in pool if e.unit != stand_aside_unit), key=lambda e: e.id)
    if len(eligible) < size:
        raise InvalidInputError(
            f"the pool has {len(eligible)} experts who need not stand aside; {size} are to be drawn"
        )
    return eligible


# -- the certificate number ----------------------------------------------------------------------

CERTIFICATE_PREFIX = "BJIP"


def _check_char(digits: str) -> str:
    """ISO 7064 MOD 11-2, the check character of China's identity numbers."""
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2 % 11
    value = (12 - total) % 11
    return "X" if value == 10 else str(value)


def certificate_number(year: int, level: Level, serial: int) -> str:
    """北京市电子职称证书 number: BJIP-<year><level 1–4><serial, 6 digits><check>."""
    body = f"{year:04d}{list(Level).index(level) + 1}{serial:06d}"
    return f"{CERTIFICATE_PREFIX}-{body}{_check_char(body)}"


NATIONAL_CERTIFICATE = re.compile(r"[0-9A-Z]{6,32}")
"""三: the exam route's certificate is the ministry's (人力资源社会保障部颁发的…经济专业技术资格证书);
its number is kept as the exam office enters it: 6–32 digits or capital letters, no hyphen, so
that it can never be taken for one of the bureau's BJIP-… numbers."""


def national_certificate_number_valid(number: str) -> bool:
    """The exam route's certificate number (三, 五(一)4), in the code's shape."""
    return NATIONAL_CERTIFICATE.fullmatch(number) is not None


def certificate_number_valid(number: str) -> bool:
    """Whether `number` is well formed — a bureau's BJIP-… number with its check character right,
    or the ministry's exam certificate number (三) — not whether it was issued: the register
    says that."""
    if national_certificate_number_valid(number):
        return True
    prefix, _, body = number.partition("-")
    digits, check = body[:-1], body[-1:]
    return (
        prefix == CERTIFICATE_PREFIX
        and len(digits) == 11
        and digits.isdigit()
        and digits[4] in "1234"
        and _check_char(digits) == check.upper()
    )


# -- the review route (五(二)) as a case ---------------------------------------------------------

REVIEW = "title-review"
BUREAU = "北京市人力资源和社会保障局"
AGENCY = "北京市知识产权专业高级职称评审委员会办公室"
PUBLICITY = Period("publicity", "五(二)6", 15, Unit.CALENDAR_DAYS, "对公示对象有异议者", PeriodKind.PUBLICITY)
"""五(二)6: the names of those who passed are published for 15 days."""

(RECOMMENDATION, AGENCY_CHECK, PANEL, EVALUATION, COMMITTEE, VOTING, ACCEPTANCE, PUBLICITY_STAGE) = (
    "recommendation",
    "agency-check",
    "panel",
    "evaluation",
    "committee",
    "voting",
    "acceptance",
    "publicity",
)
BEFORE_CERTIFICATE = frozenset(
    {RECOMMENDATION, AGENCY_CHECK, PANEL, EVALUATION, COMMITTEE, VOTING, ACCEPTANCE, PUBLICITY_STAGE}
)


RoundYear = Annotated[str, AfterValidator(TextRule(4, r"20\d\d", "a year (the round's), e.g. 2026"))]
"""A review round is a year's (五(二)); checked at the boundary."""


class ReviewApplication(Record):
    """五(二)1: an application for senior or full senior, in a yearly round."""

    applicant: Applicant
    level: Level
    direction: Direction
    review_round: RoundYear = Field(description="the yearly round: its year, e.g. 2026")
    filed_on: FactDate

    @model_validator(mode="after")
    def _by_review(self) -> ReviewApplication:
        if self.level.by_exam:
            raise ValueError(f"level: {self.level.chinese} is obtained by examination (三), not review")
        return self

    @property
    def applicant_id(self) -> str:
        return self.applicant.id_number


class ReviewOpening(CaseOpening):
    application: ReviewApplication


class Recommend(Record):
    """五(二)2: the employer's HR checks, publishes inside the unit and recommends."""

    recommended: bool
    published_from: FactDate
    # A fact too: the workflow takes the recommendation only once the publication is over.
    published_until: FactDate
    opinion: Text = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> Recommend:
        if self.published_until < self.published_from:
            raise ValueError("published_until: the unit's publication ends after it starts")
        return self


class AgencyCheck(Verdict):
    """五(二)3: the agency checks against the conditions."""

    passed: bool
    reasons: Text = ""  # Verdict's, as free text at the boundary


class Evaluate(Record):
    """五(二)4: the panel's quantitative and qualitative evaluation after the defence."""

    score: int = Field(ge=0, le=100)
    opinion: Text = Field(min_length=1)
    defence_held_on: FactDate


class CloseBallot(Record):
    """五(二)5: the secretary closes the ballot box; the tally is taken from it."""


class Accept(Record):
    """五(二)6: the HR bureau's acceptance of the review."""

    accepted: bool
    remarks: Text = Field(min_length=1)


class EmployerFault(StrEnum):
    """六(一): “工作单位没有认真履行审核责任，或出具虚假证明的，依法依规追究单位主要负责人和经办人员的责任”
    (the unit answers for it)."""

    UNCHECKED = "unchecked"  # 没有认真履行审核责任
    FALSE_PROOF = "false-proof"  # 出具虚假证明

    @property
    def chinese(self) -> str:
        return {"unchecked": "没有认真履行审核责任", "false-proof": "出具虚假证明"}[self.value]


class RuleObjection(ObjectionRuling):
    # ObjectionRuling's fields, with the boundary's types
    objection_id: Identifier
    findings: Text = Field(min_length=1)
    fraud: bool = Field(default=False, description="六(一): the objection proved fraud")
    employer_fault: EmployerFault | None = Field(
        default=None, description="六(一): the employer vouched for the false materials"
    )

    @model_validator(mode="after")
    def _fraud_upheld(self) -> RuleObjection:
        if self.fraud and not self.upheld:
            raise ValueError("fraud: only an upheld objection can find fraud")
        if self.employer_fault is not None and not self.fraud:
            raise ValueError("employer_fault: only a finding of fraud holds the employer responsible")
        return self


class ReportFraud(Record):
    """六(一): fraud or misconduct found while recommending or checking; where the employer's
    check failed or its proof was false, `employer_fault` records it against the employer."""

    findings: Text = Field(min_length=1)
    employer_fault: EmployerFault | None = None


EMPLOYER = frozenset({"employer-hr"})
AGENCY_STAFF = frozenset({"review-agency"})
PANEL_EXPERT = frozenset({"panel-expert"})
HR_BUREAU = frozenset({"hr-bureau"})
SECRETARY = frozenset({"committee-secretary"})
PUBLIC = frozenset({"public"})

REVIEW_DECISIONS: dict[str, DecisionRule] = {
    "recommend": DecisionRule(frozenset({RECOMMENDATION}), EMPLOYER, Recommend),
    "agency-check": DecisionRule(frozenset({AGENCY_CHECK}), AGENCY_STAFF, AgencyCheck),
    "draw-panel": DecisionRule(frozenset({PANEL}), AGENCY_STAFF, PanelDraw),
    "evaluate": DecisionRule(frozenset({EVALUATION}), PANEL_EXPERT, Evaluate),
    "convene-committee": DecisionRule(frozenset({COMMITTEE}), HR_BUREAU, CommitteeDraw),
    "close-ballot": DecisionRule(frozenset({VOTING}), SECRETARY, CloseBallot),
    "accept": DecisionRule(frozenset({ACCEPTANCE}), HR_BUREAU, Accept),
    "object": DecisionRule(frozenset({PUBLICITY_STAGE}), PUBLIC, Objection),  # 五(二)6
    "rule-objection": DecisionRule(frozenset({PUBLICITY_STAGE}), HR_BUREAU, RuleObjection),
    "report-fraud": DecisionRule(BEFORE_CERTIFICATE, EMPLOYER | AGENCY_STAFF | HR_BUREAU, ReportFraud),
}


# -- events -------------------------------------------------------------------------------------


class EligibilityAssessed(Record):
    level: str
    direction: str
    on: date
    eligible: bool
    basis: str | None
    refusals: tuple[Refusal, ...]


class ApplicationRefused(Record):
    """六(一): a blacklisted person is refused at application."""

    reason: str


class ExpertsDrawn(Record):
    body: str  # panel or committee
    seed: str
    pool_size: int
    stand_aside_unit: str | None
    members: tuple[Expert, ...]


class BallotOpened(Record):
    ballot_no: int
    members: tuple[str, ...]


class BallotClosed(Record):
    tally: Tally
    valid: bool
    passed: bool | None  # None: the ballot was invalid, no result


class PublicityStarted(Record):
    """五(二)6: published on the bureau's website for 15 days."""

    published_on: date
    ends_on: date


class TitleObjectionLodged(Record):
    objection_id: str
    objector: str
    grounds: str


class TitleObjectionRuled(Record):
    objection_id: str
    upheld: bool
    findings: str


class EmployerHeldResponsible(Record):
    """六(一): the applicant's employer did not check, or gave false proof: recorded against it
    (its principal and the staff who handled it answer for it under the law)."""

    employer: str
    fault: str
    fault_chinese: str
    findings: str
    article: str = "六(一)"


class PersonBlacklisted(Record):
    """六(一): on the dishonesty blacklist."""

    id_number: str
    name: str
    findings: str


class TitleCertified(Record):
    """五(二)7: the Beijing electronic title certificate."""

    certificate_no: str
    id_number: str
    name: str
    level: str
    direction: str
    issued_on: date
