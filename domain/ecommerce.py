"""Programme II of the foreign-trade development fund: cross-border e-commerce, 京商财务字〔2021〕34号
(《北京市外经贸发展资金支持北京市跨境电子商务发展实施方案》, in force from 2021-09-09).

三 ways of support, and what this module computes of each:
- (一) loan interest subsidy: the interest paid × (subsidy rate ÷ actual rate), where the subsidy
  rate is at most the one-year LPR the People's Bank published last before the application
  deadline (RMB loans) or 3 % (foreign-currency loans), and never above the loan's actual rate;
- (二) grants for investment projects, only when at least 70 % of the planned investment is
  spent: a new experience store's rent at most ¥2,000,000 per store per year, its other
  investment and every other project at most 50 % of the audited investment;
- (三) rewards instead of subsidies, as the bureau decides them;
- across the three, at most ¥5,000,000 per project. (四) projects of the pilot zone's online
  service platform get the cost fixed by third-party review or tender, outside that cap (the
  gazette gives it none).

四 (the applicant's conditions) and 五 (the materials) are `Standing` and `Material`: a code not
registered in Beijing, or an individual business's, is refused at the boundary; the rest
(`unmet`) keeps the district's initial review (and, for a platform project, the municipal
bureau's) from passing the application. 施行: an application filed on or after 2021-09-09 is
under 34号 whatever its project's start (`under_34`); one filed before is not (the 2018 scheme,
now repealed, governed it).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from pydantic import Field, ValidationInfo, model_validator

from domain.beijing import District
from domain.calendar import add_months
from domain.case import CaseOpening, DecisionRule
from domain.errors import InvalidInputError
from domain.inputs import Amount, FactDate, Identifier, Name, PlannedDate, Text, Uscc, boundary_today
from domain.models import Record
from domain.subsidy import Cut

PROCEDURE = "ecommerce-subsidy"
IN_FORCE = date(2021, 9, 9)
FOREIGN_RATE_CAP = Decimal(3)
"""三(一): foreign-currency loans at most 3 %."""
GRANT_SPENT_SHARE = Decimal("0.70")
"""三(二): at least 70 % of the planned investment spent."""
RENT_CAP = Decimal(2_000_000)
"""三(二)1: a store's rent at most ¥2,000,000 a year."""
INVESTMENT_SHARE = Decimal("0.50")
"""三(二)1, 2: at most 50 % of the audited investment."""
PROJECT_CAP = Decimal(5_000_000)
"""三: at most ¥5,000,000 per project across the three ways."""
FEN = Decimal("0.01")
MAX_RATE = Decimal(100)
"""% a year: no loan or loan prime rate is above it."""
MAX_LOANS = 100

LPR_ONE_YEAR: tuple[tuple[date, Decimal], ...] = (
    # The People's Bank's one-year loan prime rate: the publications at which it changed.
    (date(2019, 8, 20), Decimal("4.25")),
    (date(2019, 9, 20), Decimal("4.20")),
    (date(2019, 11, 20), Decimal("4.15")),
    (date(2020, 2, 20), Decimal("4.05")),
    (date(2020, 4, 20), Decimal("3.85")),
    (date(2021, 12, 20), Decimal("3.80")),
    (date(2022, 1, 20), Decimal("3.70")),
    (date(2022, 8, 22), Decimal("3.65")),
    (date(2023, 6, 20), Decimal("3.55")),
    (date(2023, 8, 21), Decimal("3.45")),
    (date(2024, 7, 22), Decimal("3.35")),
    (date(2024, 10, 21), Decimal("3.10")),
    (date(2025, 5, 20), Decimal("3.00")),
)
LPR_KNOWN_THROUGH = date(2025, 5, 20)
"""The last publication this series holds; a later deadline needs the rate stated."""


def lpr_before(deadline: date, stated: Decimal | None = None) -> Decimal:
    """三(一): the one-year LPR published last before `deadline`. Past the series, the round
    must state it (the bureau's call names it)."""
    if stated is not None:
        return stated
    if deadline > add_months(LPR_KNOWN_THROUGH, 1):  # the next publication may have changed it
        raise InvalidInputError(
            f"lpr: the series here ends with the publication of {LPR_KNOWN_THROUGH}; state the one-year "
            f"LPR published last before {deadline}"
        )
    earlier = [rate for published, rate in LPR_ONE_YEAR if published < deadline]
    if not earlier:
        raise InvalidInputError(f"lpr: no one-year LPR was published before {deadline}")
    return earlier[-1]


class ApplicantKind(StrEnum):
    """一: who may apply."""

    PLATFORM = "platform"  # 一(一) platforms and sellers on them
    SERVICE = "service"  # 一(二) payment, customs, warehousing, logistics, park operators
    EXPERIENCE_STORE = "experience-store"  # 一(三)
    OVERSEAS_WAREHOUSE = "overseas-warehouse"  # 一(四)
    PILOT_ZONE = "pilot-zone"  # 一(五) others serving the comprehensive pilot zone


class Material(StrEnum):
    """五: the materials of an application (the district's initial review checks them)."""

    APPLICATION = "application"  # 五(一) 项目申报书（含项目可行性报告）
    COST_LIST = "cost-list"  # 五(二) 项目已发生费用明细表
    PROJECT_FORM = "project-form"  # 五(三) 项目申报情况表
    COMMITMENT = "commitment"  # 五(四) 项目申报单位承诺书
    LEGAL_PERSON_PAPERS = "legal-person-papers"  # 五(五) 法人证明文件复印件
    FINANCIAL_STATEMENTS = "financial-statements"  # 五(六) 近两年财务报表
    OTHER_PROOFS = "other-proofs"  # 五(七) 其他与项目相关的证明材料

    @property
    def article(self) -> str:
        return f"五({'一二三四五六七'[list(Material).index(self)]})"

    @property
    def chinese(self) -> str:
        return MATERIAL_NAMES[self]


MATERIAL_NAMES = {
    Material.APPLICATION: "项目申报书（含项目可行性报告）",
    Material.COST_LIST: "项目已发生费用明细表",
    Material.PROJECT_FORM: "项目申报情况表",
    Material.COMMITMENT: "项目申报单位承诺书",
    Material.LEGAL_PERSON_PAPERS: "项目单位法人证明文件复印件（营业执照、法定代表人身份证明等）",
    Material.FINANCIAL_STATEMENTS: "项目单位近两年财务报表（资产负债表、损益表、现金流量表）",
    Material.OTHER_PROOFS: "其他与项目相关的证明材料",
}
REQUIRED_MATERIALS = tuple(m for m in Material if m is not Material.OTHER_PROOFS)
"""五(一)–(六) every application hands in; 五(七) “其他与项目相关的证明材料” only where there are any."""
BEIJING_DIVISION = "11"
"""The first two digits of the administrative division code (the USCC's 3rd–8th characters)."""
INDIVIDUAL_BUSINESS = "92"
"""A USCC registered by market regulation (9) for an individual business (2): not a legal person."""


NATIONAL_REGISTRATION = "100000"
"""The division of an enterprise registered with the national market regulator (国家市场监督管理
总局): it names no province, so whether it is registered in Beijing is for the district's review."""


def registered_in_beijing(uscc: str) -> bool:
    """四(一) 在北京市注册: the code's registration division is Beijing's (11xxxx), or the national
    regulator's (100000), which the district's review judges."""
    return uscc[2:4] == BEIJING_DIVISION or uscc[2:8] == NATIONAL_REGISTRATION


class Standing(Record):
    """四: what the applicant states of itself, which the district checks against 五's papers."""

    independent_legal_person: bool = Field(description="四(一) 具有独立法人资格 (a branch is not)")
    licences_valid: bool = Field(description="四(一) 工商营业执照等法律必备证照齐全有效")
    sound_operation: bool = Field(description="四(二) 经营状况良好")
    sound_finance: bool = Field(description="四(二) 财务管理制度健全")
    central_conditions: bool | None = Field(
        default=None, description="四(三) the year's central notice's conditions: None where it sets none"
    )
    other_conditions: bool = Field(default=True, description="四(四) 其他按规定应满足的条件")


def unmet(project: EcommerceProject) -> tuple[str, ...]:
    """四 and 五: each condition the application does not meet and each material it lacks, with
    its article; empty when the district may pass it. (The workflow asks it only of applications
    that state 四 — every one the boundary takes now; one started before is left as it was.)"""
    reasons: list[str] = []
    standing = project.standing
    if standing is None:
        reasons.append("四：未说明申报主体条件（独立法人资格、证照、经营与财务状况）")
    else:
        for met, text in (
            (standing.independent_legal_person, "四(一)：项目申报主体需具有独立法人资格"),
            (standing.licences_valid, "四(一)：工商营业执照等法律必备证照齐全有效"),
            (standing.sound_operation, "四(二)：项目申报单位经营状况良好"),
            (standing.sound_finance, "四(二)：财务管理制度健全"),
            (standing.central_conditions is not False, "四(三)：中央年度外经贸重点工作通知明确的支持条件"),
            (standing.other_conditions, "四(四)：其他按规定应满足的条件"),
        ):
            if not met:
                reasons.append(f"不符合{text}")
    for material in REQUIRED_MATERIALS:
        if material not in project.materials:
            reasons.append(f"缺{material.article}：{material.chinese}")
    return tuple(reasons)


def under_34(filed_on: date) -> bool:
    """施行: “本实施方案自2021年9月9日起实施”, and 京商务财务字〔2018〕25号 is repealed the same
    day with no transition: an application filed on or after that day is under 34号, whatever
    its project's start (a project begun earlier has no other scheme left)."""
    return filed_on >= IN_FORCE


class Loan(Record):
    currency: Identifier = Field(description="RMB or a foreign currency code")
    actual_rate: Decimal = Field(gt=0, le=MAX_RATE, description="% a year")
    interest_paid: Amount = Field(ge=0)

    @property
    def rmb(self) -> bool:
        return self.currency.upper() in ("RMB", "CNY")


class Investment(Record):
    planned: Amount = Field(gt=0)
    spent: Amount = Field(ge=0)
    new_experience_store: bool = False
    annual_rent: Amount = Field(default=Decimal(0), ge=0, description="三(二)1: a new store's rent")


class EcommerceProject(Record):
    """An application to programme II (五: the materials are listed; their contents here)."""

    uscc: Uscc = Field(min_length=18, max_length=18)
    name: Name = Field(min_length=1)
    district: District
    kind: ApplicantKind
    project: Name = Field(min_length=1)
    pilot_zone_platform: bool = Field(
        default=False, description="三(四), 六(一): the pilot zone's online service platform"
    )
    started_on: FactDate
    deadline: PlannedDate = Field(description="the application deadline of the year's call")
    lpr: Decimal | None = Field(
        default=None, gt=0, le=MAX_RATE, description="the one-year LPR, where the series ends"
    )
    loans: tuple[Loan, ...] = Field(default=(), max_length=MAX_LOANS)
    investment: Investment | None = None

    standing: Standing | None = Field(default=None, description="四: what the applicant states of itself")
    materials: tuple[Material, ...] = Field(default=(), max_length=len(Material), description="五: handed in")

    @model_validator(mode="after")
    def _conditions_stated(self, info: ValidationInfo) -> EcommerceProject:
        """四(一): registered in Beijing, a legal person — the code itself says both; and 四 is
        stated. At the boundary only: a case started before these rules replays as it was."""
        if boundary_today(info) is None:
            return self
        if not registered_in_beijing(self.uscc):
            raise ValueError(
                f"uscc: 四(一) 项目申报主体需在北京市注册 "
                f"(the code's division {self.uscc[2:8]} is not Beijing's 11…)"
            )
        if self.uscc[:2] == INDIVIDUAL_BUSINESS:
            raise ValueError(
                "uscc: 四(一) 具有独立法人资格 (the code is an individual business's, 个体工商户)"
            )
        if self.standing is None:
            raise ValueError(
                "standing: 四 the applicant states its legal personality, licences, operation and finance"
            )
        return self

    @property
    def applicant_id(self) -> str:
        return self.uscc


class Support(Record):
    interest: Decimal
    grant: Decimal
    reward: Decimal
    platform_cost: Decimal
    total: Decimal
    cuts: tuple[Cut, ...]
    refusals: tuple[str, ...]


def _fen(amount: Decimal) -> Decimal:
    return amount.quantize(FEN, rounding=ROUND_DOWN)


def support(
    project: EcommerceProject,
    *,
    audited_investment: Decimal | None = None,
    reward: Decimal = Decimal(0),
    reviewed_cost: Decimal | None = None,
    rent_support: Decimal | None = None,
) -> Support:
    """The support for a project: interest subsidy, grant, reward, each with its cuts."""
    cuts: list[Cut] = []
    refusals: list[str] = []
    interest = Decimal(0)
    for loan in project.loans:
        cap = lpr_before(project.deadline, project.lpr) if loan.rmb else FOREIGN_RATE_CAP
        rate = min(cap, loan.actual_rate)
        amount = _fen(loan.interest_paid * rate / loan.actual_rate)
        if rate < loan.actual_rate:
            rule = "三(一)：人民币贷款贴息率不超过一年期LPR" if loan.rmb else "三(一)：外币贷款贴息率不超过3%"
            cuts.append(
                Cut(
                    rule="三(一)",
                    reason=f"{rule}（{cap}%，实际利率{loan.actual_rate}%）",
                    before=loan.interest_paid,
                    after=amount,
                )
            )
        interest += amount
    grant = Decimal(0)
    investment = project.investment
    if investment is not None:
        if investment.spent < _fen(investment.planned * GRANT_SPENT_SHARE):
            refusals.append(
                f"三(二)：已投资额{investment.spent}元低于计划总投资额{investment.planned}元的70%"
            )
        else:
            audited = investment.spent if audited_investment is None else audited_investment
            if investment.new_experience_store:
                # The call's standard fixes the rent support (三(二)1); the review states it, and
                # without it the rent itself is the most there can be.
                asked = investment.annual_rent if rent_support is None else rent_support
                rent = min(asked, RENT_CAP)
                if rent < asked:
                    cuts.append(
                        Cut(
                            rule="三(二)1",
                            reason="单店年度租金支持金额不超过200万元",
                            before=asked,
                            after=rent,
                        )
                    )
                other = _fen(max(audited - investment.annual_rent, Decimal(0)) * INVESTMENT_SHARE)
                cuts.append(
                    Cut(
                        rule="三(二)1",
                        reason="除租金外其他投资不超过审定实际投资的50%",
                        before=max(audited - investment.annual_rent, Decimal(0)),
                        after=other,
                    )
                )
                grant = rent + other
            else:
                grant = _fen(audited * INVESTMENT_SHARE)
                cuts.append(
                    Cut(rule="三(二)2", reason="不超过审定实际投资的50%", before=audited, after=grant)
                )
    subtotal = interest + grant + reward
    if subtotal > PROJECT_CAP:
        cuts.append(
            Cut(rule="三", reason="单个项目支持资金最高不超过500万元", before=subtotal, after=PROJECT_CAP)
        )
        subtotal = PROJECT_CAP
    platform_cost = Decimal(0)
    if project.pilot_zone_platform and reviewed_cost is not None:
        platform_cost = reviewed_cost  # 三(四): the cost the review or tender fixed
    return Support(
        interest=interest,
        grant=grant,
        reward=reward,
        platform_cost=platform_cost,
        total=subtotal + platform_cost,
        cuts=tuple(cuts),
        refusals=tuple(refusals),
    )


# -- the case (六) -------------------------------------------------------------------------------

DISTRICT_REVIEW, MUNICIPAL_REVIEW = "district-review", "municipal-review"


class EcommerceOpening(CaseOpening):
    application: EcommerceProject


class InitialReview(Record):
    """六(一): the district (or Development Area) commerce department's initial review."""

    passed: bool
    reasons: Text = Field(min_length=1)


class MunicipalReview(Record):
    """六(二): the municipal bureau's review and its amounts."""

    approved: bool
    reasons: Text = Field(min_length=1)
    audited_investment: Amount | None = Field(default=None, ge=0)
    reward: Amount = Field(default=Decimal(0), ge=0)
    reviewed_cost: Amount | None = Field(default=None, ge=0)
    rent_support: Amount | None = Field(default=None, ge=0, description="三(二)1: by the call's standard")


DECISIONS: dict[str, DecisionRule] = {
    "initial-review": DecisionRule(
        frozenset({DISTRICT_REVIEW}), frozenset({"district-bureau"}), InitialReview
    ),
    "municipal-review": DecisionRule(
        frozenset({MUNICIPAL_REVIEW}), frozenset({"municipal-bureau"}), MunicipalReview
    ),
}


class EcommerceSupportDecided(Record):
    support: Support


class EcommerceNotUnder34(Record):
    """施行: the application was filed before 34号 came into force."""

    filed_on: date
    reason: str


class EcommerceSupportPaid(Record):
    """六(二): the municipal bureau's payment, as the fund's ledger recorded it."""

    ledger_account: str
    year: int
    approved: Decimal
    amount: Decimal
    cut_reason: str | None


def ledger_account(uscc: str) -> str:
    """The fund ledger's account for an enterprise's 34号 payments. The ledger's annual cap is
    33号 四(四)'s, on market-development funds only; 34号 sets none, so its payments keep an
    account of their own: they neither count towards that cap nor are cut by it."""
    return f"{PROCEDURE}:{uscc}"
