"""The eight stages of programme I (京商财务字〔2021〕33号 五) as one case per project.

One case per project, not per enterprise-year: each project has its own plan selection,
disbursement review, audit and publicity, and the gazette's objections and decisions are
about a project; what binds an enterprise's projects together is the annual cap, which the
ledger (activities.db.ledger) holds across cases.

Stages: 1 registration (confirmed by the municipal or the district bureau, 五(一)1; a
dual-autonomous claim of a district-registered enterprise then by the municipal bureau, 五(一)2) → 2 its
publicity (the confirmation is published in the system; the gazette gives no period) → 3 plan
application → 4 plan selection within the budget by the priorities of 三, published 7 days →
5 disbursement application after completion → 6 district completeness review (district route)
→ municipal compliance and authenticity review → third-party audit of the original invoices
and vouchers → municipal decision → 7 disbursement publicity, 7 days → 8 disbursement.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, ValidationInfo, model_validator

from domain.beijing import District
from domain.case import CaseOpening, DecisionRule
from domain.inputs import Amount, FactDate, Name, Text, Year, boundary_today
from domain.models import Record, Verdict
from domain.publicity import Objection, ObjectionRuling
from domain.subsidy import MAX_CLAIMS, Claim, Enterprise, Priority, QuoteSet

PROCEDURE = "subsidy"
MUNICIPAL_BUREAU = "北京市商务局"
PUBLICITY_DAYS = 7
"""五(二)2, 五(五): plan selection and disbursement review results are published for 7 days."""
MUNICIPAL_DISTRICTS = frozenset(
    {District.DAXING, District.DEVELOPMENT_AREA, District.YANQING, District.TONGZHOU, District.XICHENG}
)
"""五(一)1, 五(三), 五(四)1: 大兴区、北京经济技术开发区、延庆区、通州区、西城区: enterprises registered
here go to the municipal bureau."""

DUAL_CONFIRMATION = "dual-confirmation"
(
    REGISTRATION,
    PLAN_APPLICATION,
    PLAN_SELECTION,
    PLAN_PUBLICITY,
    IMPLEMENTATION,
    COMPLETENESS,
    COMPLIANCE,
    AUDIT,
    DECISION,
    DISBURSEMENT_PUBLICITY,
) = (
    "registration",
    "plan-application",
    "plan-selection",
    "plan-publicity",
    "implementation",
    "completeness-review",
    "compliance-review",
    "audit",
    "decision",
    "disbursement-publicity",
)


class Route(StrEnum):
    MUNICIPAL = "municipal"
    DISTRICT = "district"


class Step(StrEnum):
    """The steps the gazette routes, each by its own list."""

    REGISTRATION = "registration"  # 五(一)1
    DISBURSEMENT = "disbursement"  # 五(三), 五(四)1


def route_of(enterprise: Enterprise, group: bool, step: Step = Step.REGISTRATION) -> Route:
    """Which bureau takes a step. 五(一)1 (registration): the municipal bureau takes the five
    districts, comprehensive service enterprises and organising units. 五(三), 五(四)1 (the
    disbursement application and its review): the municipal bureau takes only the five districts
    and organising units, so a comprehensive service enterprise registered elsewhere files with,
    and is reviewed for completeness by, its district bureau. Every other enterprise: its
    district's bureau."""
    if group or enterprise.district in MUNICIPAL_DISTRICTS:
        return Route.MUNICIPAL
    if step is Step.REGISTRATION and enterprise.comprehensive_service:
        return Route.MUNICIPAL
    return Route.DISTRICT


def district_bureau(district: District) -> str:
    return f"{district.chinese_name}商务局"


class OrganiserKind(StrEnum):
    """一: a project organising unit is an enterprise or a social organisation (企业或社会团体)."""

    ENTERPRISE = "enterprise"
    SOCIAL_ORGANISATION = "social-organisation"


class Organiser(Record):
    """一(二): what an organising unit states of itself (its registration in Beijing is the
    enterprise's district)."""

    kind: OrganiserKind
    training_for_international_operations: bool = Field(
        description="组织外贸企业培训且内容以企业提升国际化经营能力为目的"
    )
    no_fiscal_arrears: bool = Field(description="未拖欠应缴还财政性资金")
    serves_foreign_trade: bool = Field(
        default=False,
        description=(
            "an enterprise organiser: provides customs, logistics, tax-refund, financing or credit-insurance "
            "services to foreign-trade enterprises, or has another foreign-trade public service function"
        ),
    )


def organiser_unmet(organiser: Organiser | None) -> str | None:
    """一(二): the first condition an organising unit does not meet, in Chinese, or None."""
    if organiser is None:
        return "一(二)：项目组织单位未说明其条件（organiser）"
    if not organiser.training_for_international_operations:
        return "一(二)：培训内容须以企业提升国际化经营能力为目的"
    if not organiser.no_fiscal_arrears:
        return "一(二)：项目组织单位拖欠应缴还财政性资金"
    if organiser.kind is OrganiserKind.ENTERPRISE and not organiser.serves_foreign_trade:
        return (
            "一(二)：申请团体项目的企业须为外贸企业提供报关报检、物流、退税、融资、信保等服务，"
            "或承担外贸公共服务职能"
        )
    return None


class SubsidyApplication(Record):
    """五(一): the registration of an enterprise (or organising unit) with the project it
    will plan."""

    enterprise: Enterprise
    project: Name = Field(min_length=1)
    year: Year = Field(ge=2021, description="the plan year (五(二)1: the current year's plan)")
    group: bool = Field(default=False, description="二(二): a training project of an organising unit")
    organiser: Organiser | None = Field(default=None, description="一(二): an organising unit's conditions")

    @model_validator(mode="after")
    def _organiser_only_for_a_group(self, info: ValidationInfo) -> SubsidyApplication:
        if self.organiser is not None and not self.group:
            raise ValueError("organiser: 一(二) an organising unit applies for a group project (group: true)")
        # At the boundary only: a group case begun before `organiser` existed still replays.
        if self.group and self.organiser is None and boundary_today(info) is not None:
            raise ValueError("organiser: 一(二) a group project states its organising unit's conditions")
        return self

    @property
    def applicant_id(self) -> str:
        return self.enterprise.uscc

    @property
    def route(self) -> Route:
        """五(一)1: who confirms the registration."""
        return route_of(self.enterprise, self.group, Step.REGISTRATION)

    @property
    def disbursement_route(self) -> Route:
        """五(三), 五(四)1: who receives and reviews the disbursement application."""
        return route_of(self.enterprise, self.group, Step.DISBURSEMENT)


class SubsidyOpening(CaseOpening):
    application: SubsidyApplication


class ConfirmRegistration(Verdict):
    affirmative = "confirmed"
    confirmed: bool
    reasons: Text = ""  # Verdict's, as free text at the boundary


class Claims(Record):
    """五(二)1 (the plan) and 五(三) (the disbursement, after completion): the claimed expenses."""

    claims: tuple[Claim, ...] = Field(min_length=1, max_length=MAX_CLAIMS)
    completed_on: FactDate | None = Field(default=None, description="五(三): the project was completed")


class SelectPlan(Record):
    """五(二)2: selected into the annual plan within the budget, by the priorities of 三.

    `priorities` are the priorities of 三 the project meets, as the bureau weighed them; the rules
    check them against the project (`domain.subsidy.priorities`). `priority` is the bureau's
    reason in words (a decision taken before `priorities` existed has only it)."""

    selected: bool
    priorities: tuple[Priority, ...] | None = Field(
        default=None, max_length=4, description="三(一)–(四) the project meets"
    )
    priority: Text = Field(default="", description="the reason in words")
    budget_left: Amount = Field(ge=0, description="the year's budget not yet planned")

    @model_validator(mode="after")
    def _priorities_stated(self, info: ValidationInfo) -> SelectPlan:
        # At the boundary only: a selection taken before `priorities` existed still replays.
        if self.priorities is None and boundary_today(info) is not None:
            raise ValueError("priorities: 三 须列明本项目符合的优先支持情形 (三(一)–(四); [] for none)")
        return self


class Review(Verdict):
    """五(四)1: the district's completeness review, the municipal compliance and authenticity
    review."""

    passed: bool
    reasons: Text = ""  # Verdict's, as free text at the boundary


class Audit(Record):
    """五(四)2: the third party's audit of the original invoices and vouchers: the spend each
    claim's vouchers bear out, in the order of the claims."""

    auditor: Name = Field(min_length=1)
    audited_spend: tuple[Amount, ...] = Field(min_length=1, max_length=MAX_CLAIMS)
    findings: Text = Field(min_length=1)


class Decide(Record):
    """五(四)2: the municipal bureau's decision on the audit."""

    approved: bool
    reasons: Text = Field(min_length=1)


ENTERPRISE = frozenset({"enterprise"})
MUNICIPAL = frozenset({"municipal-bureau"})
DISTRICT = frozenset({"district-bureau"})
AUDITOR = frozenset({"third-party-auditor"})
PUBLIC = frozenset({"public"})

DECISIONS: dict[str, DecisionRule] = {
    "confirm-registration": DecisionRule(
        frozenset({REGISTRATION}), MUNICIPAL | DISTRICT, ConfirmRegistration
    ),
    "confirm-dual-autonomous": DecisionRule(frozenset({DUAL_CONFIRMATION}), MUNICIPAL, ConfirmRegistration),
    "apply-plan": DecisionRule(frozenset({PLAN_APPLICATION}), ENTERPRISE, Claims),
    "select-plan": DecisionRule(frozenset({PLAN_SELECTION}), MUNICIPAL, SelectPlan),
    "apply-disbursement": DecisionRule(frozenset({IMPLEMENTATION}), ENTERPRISE, Claims),
    "check-completeness": DecisionRule(frozenset({COMPLETENESS}), DISTRICT, Review),
    "review-compliance": DecisionRule(frozenset({COMPLIANCE}), MUNICIPAL, Review),
    "audit": DecisionRule(frozenset({AUDIT}), AUDITOR, Audit),
    "decide": DecisionRule(frozenset({DECISION}), MUNICIPAL, Decide),
    "object": DecisionRule(frozenset({PLAN_PUBLICITY, DISBURSEMENT_PUBLICITY}), PUBLIC, Objection),
    "rule-objection": DecisionRule(
        frozenset({PLAN_PUBLICITY, DISBURSEMENT_PUBLICITY}), MUNICIPAL, ObjectionRuling
    ),
}


# -- events -------------------------------------------------------------------------------------


class RegistrationConfirmed(Record):
    route: str
    body: str
    categories: tuple[str, ...]


class DualAutonomousConfirmed(Record):
    """五(一)2: the municipal bureau on a dual-autonomous claim of a district-registered enterprise;
    not confirmed, the enterprise's caps are those of its other categories."""

    confirmed: bool
    reasons: str


class SupportQuoted(Record):
    """What the rules give for the claims at a step (plan, application, audit)."""

    step: str
    quote: QuoteSet


class SubsidyPublished(Record):
    """A publicity window opened (plan selection or disbursement review)."""

    window: str
    published_on: date
    ends_on: date


class SubsidyObjectionLodged(Record):
    window: str
    objection_id: str
    objector: str
    grounds: str


class SubsidyObjectionRuled(Record):
    window: str
    objection_id: str
    upheld: bool
    findings: str


class DisbursementApproved(Record):
    amount: Decimal
    annual_cap: Decimal | None


class Disbursed(Record):
    amount: Decimal
    approved: Decimal
    cut_reason: str | None
