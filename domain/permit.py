"""The auction business permit (从事拍卖业务许可) on the general route or under
notification-commitment (告知承诺): 京商流通字〔2021〕9号, sections 一 to 三.

- 一: the applicant chooses the commitment route or the general route.
- 二(一): general route: district initial review, materials at the municipal service centre
  (complete → accepted, incomplete → returned), review within 9 working days, certificate.
- 二(二): commitment route: commitment letter, district initial review, formal review only,
  decided on the spot: 《拍卖经营批准证书》 or, for cancellation, the
  《拍卖经营批准证书注销公告》; not compliant → not accepted, with the reasons.
- 三(一): the bureau spot-checks a commitment within 3 months of the decision.

Readings (docs/auction-permit.md, "Readings"):

- 二(一)1 / 二(二)1: the applicant comes to the municipal window only "经所在区商务主管部门初审
  同意…后". A district that does not consent ends the case before the bureau: the district's
  own notice with its reasons, no decision of the bureau (`district_commerce_department`).
- 一: the bureau tells a commitment-route applicant once, in writing, the standards, the
  materials and the liability of a false commitment (`COMMITMENT_NOTIFICATION`).
- 一 and 国办发〔2020〕42号: the route is the applicant's choice; only an unrepaired severe
  record or an earlier false commitment sends the applicant to the general route
  (domain.credit.bars_commitment_route).
- 三(一): a granted commitment decision waits in `awaiting-spot-check` for a spot check's
  result; if its 3 months pass unchecked the window is escalated (`SPOT_CHECK_WINDOW`).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from domain.beijing import District
from domain.calendar import add_months
from domain.case import CaseOpening, DecisionRule
from domain.clocks import Period, PeriodKind, Unit
from domain.demo import MAX_MATERIALS, Enterprise
from domain.inputs import Identifier, Name, Text
from domain.models import Record

PROCEDURE = "auction-permit"
BUREAU = "北京市商务局"
REVIEW = Period("review", "二(一)", 9, Unit.WORKING_DAYS, BUREAU)
"""二(一): the review (审定) takes at most 9 working days."""
SPOT_CHECK_MONTHS = 3
"""三(一): within 3 months of a commitment decision."""

SPOT_CHECK_WINDOW = Period("spot-check", "三(一)", SPOT_CHECK_MONTHS, Unit.MONTHS, BUREAU, PeriodKind.BODY)
"""三(一): "市商务局在作出相应决定后3个月内…进行抽查检查": the bureau's own period, from the
commitment decision; passed unchecked, it is escalated to the supervising body."""

DISTRICT_REVIEW, ACCEPTANCE, REVIEWING, FORMAL_REVIEW, AWAITING_SPOT_CHECK = (
    "district-review",
    "acceptance",
    "review",
    "formal-review",
    "awaiting-spot-check",
)

NOT_CONSENTED = "not consented by the district"
"""二(一)1 / 二(二)1: the district's initial review did not consent; the bureau decided nothing."""

COMMITMENT_NOTIFICATION = (
    "从事拍卖业务许可（许可、变更、延续、补证、注销）事项的办理标准：申请人依法设立，具备《中华人民共和国拍卖法》"
    "及有关规定要求的从事拍卖业务的条件",
    "申请材料：《告知承诺书》（附件1—5中与所办事项对应的一份）及相关材料，经所在区商务主管部门初审同意并取得初审相关材料",
    "法律责任：申请人以书面形式承诺符合办理条件，并承担违反承诺的相应后果；市商务局在作出决定后3个月内抽查"
    "核实承诺内容，承诺不实的，区分轻微、一般、严重违诺失信依法处理，直至撤销《拍卖经营批准证书》，"
    "违诺失信信息纳入北京市公共信用信息服务平台；提供虚假材料的，依法追究法律责任",
)
"""一: "由市商务局一次性告知申请人事项办理的标准、申请材料、需要履行的法律责任" — the standards,
the materials and the legal liability, told once in writing when a commitment case opens."""


def district_commerce_department(district: District) -> str:
    """二(一)1 / 二(二)1: the district's 商务主管部门 that does the initial review, by the name it
    signs with (北京市朝阳区商务局; the development area's is 北京经济技术开发区商务金融局)."""
    if district is District.DEVELOPMENT_AREA:
        return "北京经济技术开发区商务金融局"
    return f"北京市{district.chinese_name}商务局"


class Matter(StrEnum):
    """The five matters, each with its own commitment letter (attachments 1–5)."""

    LICENCE = "licence"
    CHANGE = "change"
    RENEWAL = "renewal"
    REISSUE = "reissue"
    CANCELLATION = "cancellation"

    @property
    def chinese(self) -> str:
        return {
            "licence": "许可",
            "change": "变更",
            "renewal": "延续",
            "reissue": "补证",
            "cancellation": "注销",
        }[self.value]


class Route(StrEnum):
    GENERAL = "general"
    COMMITMENT = "commitment"


class PermitApplication(Record):
    applicant: Enterprise
    district: District
    matter: Matter
    route: Route
    # A certificate number is the bureau's own, with Chinese characters (京拍2026-0101): a name,
    # not an ASCII identifier.
    certificate_no: Name | None = Field(
        default=None, description="the certificate a change, renewal, reissue or cancellation is about"
    )
    commitment_letter: bool = Field(default=False, description="告知承诺书 signed and submitted")
    materials: tuple[Name, ...] = Field(default=(), max_length=MAX_MATERIALS)

    @model_validator(mode="after")
    def _coherent(self) -> PermitApplication:
        if self.route is Route.COMMITMENT and not self.commitment_letter:
            raise ValueError("二(二): the commitment route needs the signed 告知承诺书")
        if self.matter is not Matter.LICENCE and not self.certificate_no:
            raise ValueError(f"certificate_no: a {self.matter.value} is about an existing certificate")
        return self

    @property
    def applicant_id(self) -> str:
        return self.applicant.uscc


class PermitOpening(CaseOpening):
    application: PermitApplication


class DistrictConsent(Record):
    consented: bool
    opinion: Text = Field(min_length=1)


class ReceiveMaterials(Record):
    """二(一)1: at the service centre window: complete → accepted; incomplete → returned."""

    complete: bool
    missing: tuple[Name, ...] = Field(default=(), max_length=MAX_MATERIALS)

    @model_validator(mode="after")
    def _missing_named(self) -> ReceiveMaterials:
        if not self.complete and not self.missing:
            raise ValueError("missing: returned materials name what is missing")
        return self


class Grant(Record):
    certificate_no: Name = Field(min_length=1)


class Refuse(Record):
    reasons: Text = Field(min_length=1)


class FormalReview(Record):
    """二(二)2: formal review only; compliant → decided on the spot."""

    compliant: bool
    reasons: Text = ""
    certificate_no: Name | None = None

    @model_validator(mode="after")
    def _reasons_or_number(self) -> FormalReview:
        if not self.compliant and not self.reasons:
            raise ValueError("reasons: a non-compliant application is told why")
        return self


class SpotCheckResult(Record):
    """三(一): a spot-check round's result for this case's certificate, reported to the permit
    case as the decision `report-spot-check` (signed, as every decision is)."""

    spot_check_case_no: Identifier
    certificate_no: Name = Field(min_length=1)
    result: Text = Field(min_length=1)
    drawn: bool = True


class CloseUnchecked(Record):
    """三(一): the 3 months passed with no spot check (escalated): the bureau closes the case
    with its reasons, the decision standing unchecked, instead of leaving it open for good."""

    reasons: Text = Field(min_length=1)


DISTRICT = frozenset({"district-officer"})
WINDOW = frozenset({"window-officer"})
REVIEWER = frozenset({"reviewer"})
INSPECTOR = frozenset({"inspector"})
SPOT_CHECK_ROUND = "spot-check"
"""三(一): only a round reports a spot check's result to the permit case, as
`inspector:spot-check`, signed with the workers' service key (an inspector's own result is a
finding of the round, `record-finding`, which the round then reports)."""

DECISIONS: dict[str, DecisionRule] = {
    "district-consent": DecisionRule(frozenset({DISTRICT_REVIEW}), DISTRICT, DistrictConsent),
    "receive": DecisionRule(frozenset({ACCEPTANCE}), WINDOW, ReceiveMaterials),
    "grant": DecisionRule(frozenset({REVIEWING}), REVIEWER, Grant),
    "refuse": DecisionRule(frozenset({REVIEWING}), REVIEWER, Refuse),
    "formal-review": DecisionRule(frozenset({FORMAL_REVIEW}), WINDOW, FormalReview),
    "report-spot-check": DecisionRule(frozenset({AWAITING_SPOT_CHECK}), INSPECTOR, SpotCheckResult),
    "close-unchecked": DecisionRule(frozenset({AWAITING_SPOT_CHECK}), REVIEWER, CloseUnchecked),
}


def spot_check_due(decided_on: date) -> date:
    """三(一): the last day of the spot check of a commitment decided on `decided_on`."""
    return add_months(decided_on, SPOT_CHECK_MONTHS)


class RouteChanged(Record):
    from_route: str
    to_route: str
    reason: str


class DistrictNotConsented(Record):
    """二(一)1 / 二(二)1: the district's initial review did not consent; the case ends there."""

    department: str
    opinion: str


class SpotCheckWindowClosed(Record):
    """三(一): closed unchecked after the window passed, with the bureau's reasons."""

    reasons: str


class SpotCheckReported(Record):
    """三(一): a spot-check round's result for this case's certificate (or that it was not drawn)."""

    spot_check_case_no: str
    certificate_no: str
    result: str
    drawn: bool


class PermitDecided(Record):
    route: str
    matter: str
    granted: bool
    certificate_no: str | None
    reasons: str | None
    spot_check_due: date | None
