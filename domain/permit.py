"""The auction business permit (从事拍卖业务许可) on the general route or under
notification-commitment (告知承诺): 京商流通字〔2021〕9号, sections 一 to 三.

- 一: the applicant chooses the commitment route or the general route.
- 二(一): general route: district initial review, materials at the municipal service centre
  (complete → accepted, incomplete → returned), review within 9 working days, certificate.
- 二(二): commitment route: commitment letter, district initial review, formal review only,
  decided on the spot: 《拍卖经营批准证书》 or, for cancellation, the
  《拍卖经营批准证书注销公告》; not compliant → not accepted, with the reasons.
- 三(一): the bureau spot-checks a commitment within 3 months of the decision.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from domain.beijing import District
from domain.calendar import add_months
from domain.case import CaseOpening, DecisionRule
from domain.clocks import Period, Unit
from domain.demo import MAX_MATERIALS, Enterprise
from domain.inputs import Name, Text
from domain.models import Record

PROCEDURE = "auction-permit"
BUREAU = "北京市商务局"
REVIEW = Period("review", "二(一)", 9, Unit.WORKING_DAYS, BUREAU)
"""二(一): the review (审定) takes at most 9 working days."""
SPOT_CHECK_MONTHS = 3
"""三(一): within 3 months of a commitment decision."""

DISTRICT_REVIEW, ACCEPTANCE, REVIEWING, FORMAL_REVIEW = (
    "district-review",
    "acceptance",
    "review",
    "formal-review",
)


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


DISTRICT = frozenset({"district-officer"})
WINDOW = frozenset({"window-officer"})
REVIEWER = frozenset({"reviewer"})

DECISIONS: dict[str, DecisionRule] = {
    "district-consent": DecisionRule(frozenset({DISTRICT_REVIEW}), DISTRICT, DistrictConsent),
    "receive": DecisionRule(frozenset({ACCEPTANCE}), WINDOW, ReceiveMaterials),
    "grant": DecisionRule(frozenset({REVIEWING}), REVIEWER, Grant),
    "refuse": DecisionRule(frozenset({REVIEWING}), REVIEWER, Refuse),
    "formal-review": DecisionRule(frozenset({FORMAL_REVIEW}), WINDOW, FormalReview),
}


def spot_check_due(decided_on: date) -> date:
    """三(一): the last day of the spot check of a commitment decided on `decided_on`."""
    return add_months(decided_on, SPOT_CHECK_MONTHS)


class RouteChanged(Record):
    from_route: str
    to_route: str
    reason: str


class PermitDecided(Record):
    route: str
    matter: str
    granted: bool
    certificate_no: str | None
    reasons: str | None
    spot_check_due: date | None
