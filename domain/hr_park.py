"""The municipal HR service industrial park (市级人力资源服务产业园): 《北京市人力资源服务产业园建设
发展办法(试行)》, 京人社市场发〔2021〕35号.

- 第五条: a district's own park measures (区级人力资源服务产业园建设发展办法) are filed with the
  municipal bureau (备案).
- 第七条 / 第九条1: the district HR department applies, after the district government has
  reviewed and consented (报所在区政府审核同意后), with the five materials of 第九条1.
- 第八条: the five conditions (planning report; ≥ 10,000 jobs and ≥ 2,000,000 person-times a
  year; a yearly contribution over ¥100 million; qualifying firms ≥ 50 %; management, operator,
  website and WeChat account).
- 第九条2: the bureau's assessment with an expert review (功能特色、管理运营、平台体系、实际效益).
- 第九条3: published 7 days (公示); no objection → the title (授牌).
- 第十条: a comprehensive evaluation, in general every 3 years, by written review, on-site spot
  check, expert review and employers' opinions; 第十一条: its content areas.
- 第十二条: excellent → commended; unqualified → rectify within a set time; badly run, no clear
  benefit, irregular operation or other bad effects → ordered to rectify or the title revoked.

Readings (docs/hr-park.md, "Readings").
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from domain.beijing import District
from domain.calendar import add_months
from domain.case import CarriedCase, CaseOpening, DecisionRule
from domain.clocks import Period, PeriodKind, Unit
from domain.demo import Enterprise
from domain.inputs import FactDate, Name, PlannedDate, Text
from domain.models import Record
from domain.publicity import Objection, ObjectionRuling

PROCEDURE = "hr-park"
BUREAU = "北京市人力资源和社会保障局"
MEASURES_VALID_THROUGH = date(2026, 8, 30)
"""第十六条 "本办法自发布之日起施行,有效期5年": published 2021-08-31, the five years end on
2026-08-30. An application received later is not refused (the bureau may have extended or
replaced the measures, which this system cannot know), but the case records that it came after
the measures' term, so that the bureau states its basis."""

PUBLICITY = Period("publicity", "第九条3", 7, Unit.CALENDAR_DAYS, "对公示园区有异议者", PeriodKind.PUBLICITY)
"""第九条3: "公示时间为 7 天": the bureau's window; a holiday in it or at its end does not move it."""
RECTIFICATION = Period(
    "rectification", "第十二条", 1, Unit.CALENDAR_DAYS, "园区运营管理机构", PeriodKind.PARTY
)
"""第十二条: "限期整改": the park must act by the date the bureau set (its length is set per case,
`rectification_period`); a last day on a holiday moves to the next working day (民法典 第二百零三条)."""
EVALUATION_CYCLE_MONTHS = 36
"""第十条: "评估考核一般每 3 年进行一次"."""

JOBS_PER_YEAR = 10_000
"""第八条2: "每年提供就业岗位不少于1万个"."""
SERVICE_PERSON_TIMES = 2_000_000
"""第八条2: "服务就业和流动不少于200万人次"."""
CONTRIBUTION_YUAN = 100_000_000
"""第八条3: "园区年度综合贡献…超过1亿元" (strictly more)."""
QUALIFYING_SHARE_PERCENT = 50
"""第八条4: backbone, 专精特新 and high-tech firms "合计数量应占园区入驻企业的50%以上" (50 % counts)."""

(COMPLETENESS, ASSESSMENT, PUBLICITY_STAGE, DESIGNATED, EVALUATION, RECTIFICATION_STAGE) = (
    "completeness",
    "assessment",
    "publicity",
    "designated",
    "evaluation",
    "rectification",
)
STAGE_NAMES = {
    COMPLETENESS: "材料审核",
    ASSESSMENT: "审核评估",
    PUBLICITY_STAGE: "公示",
    DESIGNATED: "已授牌",
    EVALUATION: "评估考核",
    RECTIFICATION_STAGE: "限期整改",
}
PARK_LIFE = frozenset({DESIGNATED, EVALUATION, RECTIFICATION_STAGE})

RETURNED = "returned: materials incomplete"
NOT_DESIGNATED = "not designated"
OBJECTION_UPHELD = "not designated: objection upheld"
REVOKED = "revoked"


def district_hr_department(district: District) -> str:
    """第七条: the district's 人力资源社会保障部门, by the name the notice of 35号 addresses
    (the development area's is 北京经济技术开发区社会事业局)."""
    if district is District.DEVELOPMENT_AREA:
        return "北京经济技术开发区社会事业局"
    return f"北京市{district.chinese_name}人力资源和社会保障局"


class Material(StrEnum):
    """第九条1: the five materials of an application."""

    DEVELOPMENT_PLAN = "development-plan"
    RESIDENT_FIRMS = "resident-firms"
    MANAGEMENT_SYSTEM = "management-system"
    OPERATION = "operation"
    POLICY_AND_SERVICE_LISTS = "policy-and-service-lists"

    @property
    def chinese(self) -> str:
        return {
            "development-plan": "园区发展规划",
            "resident-firms": "园区入驻企业名单和具体情况",
            "management-system": "园区运营管理体系",
            "operation": "园区具体运行情况",
            "policy-and-service-lists": "园区支持政策清单和服务清单",
        }[self.value]


def missing_materials(submitted: tuple[Material, ...]) -> tuple[Material, ...]:
    """第九条1: the materials of the five an application lacks, in the article's order."""
    return tuple(m for m in Material if m not in submitted)


class GovernmentConsent(Record):
    """第七条 / 第九条1: "报所在区政府审核同意后": the district government's consent, with its date."""

    consented_on: FactDate
    document: Name = Field(min_length=1, description="the government's reply, e.g. 海政函〔2026〕12号")


class ParkApplication(Record):
    """第七条, 第九条1: the district HR department's application for its district-level park."""

    park_name: Name = Field(min_length=1)
    district: District
    operator: Enterprise = Field(description="第三条: the one body that builds, runs and manages the park")
    government_consent: GovernmentConsent
    materials: tuple[Material, ...] = Field(default=(), max_length=len(Material))

    @property
    def applicant_id(self) -> str:
        return self.operator.uscc

    @property
    def department(self) -> str:
        return district_hr_department(self.district)


# -- the park's life, carried from run to run ------------------------------------------------------


class EvaluationResult(StrEnum):
    """第十二条: the four ends of an evaluation."""

    EXCELLENT = "excellent"
    QUALIFIED = "qualified"
    UNQUALIFIED = "unqualified"
    REVOKED = "revoked"

    @property
    def chinese(self) -> str:
        return {"excellent": "优秀", "qualified": "合格", "unqualified": "不合格", "revoked": "取消授牌"}[
            self.value
        ]


class ParkRecord(Record):
    """A designated park: what its case knows of it between evaluations."""

    designated_on: date
    evaluations: int = Field(default=0, ge=0, description="evaluations opened so far")
    last_result: EvaluationResult | None = None
    commendations: int = Field(default=0, ge=0)
    district_measures: tuple[str, ...] = ()

    @property
    def next_evaluation_due(self) -> date:
        return evaluation_due(self.designated_on, self.evaluations + 1)


def evaluation_due(designated_on: date, round_no: int) -> date:
    """第十条: the day the `round_no`-th evaluation opens: every 3 years counted from the title
    (授牌), not from the last evaluation, so that a late rectification never drifts the cycle."""
    return add_months(designated_on, EVALUATION_CYCLE_MONTHS * round_no)


class ParkOpening(CaseOpening):
    application: ParkApplication
    carried_case: CarriedCase | None = None
    carried_park: ParkRecord | None = None
    continue_after_events: int = Field(
        default=1000, ge=5, description="then continue-as-new, between evaluations"
    )


# -- decisions -------------------------------------------------------------------------------------


class CheckMaterials(Record):
    """第九条1: the five materials are there (complete) or the application goes back (missing named)."""

    complete: bool
    missing: tuple[Material, ...] = Field(default=(), max_length=len(Material))

    @model_validator(mode="after")
    def _missing_named(self) -> CheckMaterials:
        if not self.complete and not self.missing:
            raise ValueError("missing: an incomplete application is told what is missing")
        if self.complete and self.missing:
            raise ValueError("missing: a complete application misses nothing")
        return self


class ExpertReview(Record):
    """第九条2: "组织专家评审，重点考察园区功能特色、管理运营、平台体系、实际效益"."""

    held_on: FactDate
    experts: tuple[Name, ...] = Field(min_length=1, max_length=50)
    function_and_features: Text = Field(min_length=1)
    management_and_operation: Text = Field(min_length=1)
    platforms: Text = Field(min_length=1)
    actual_benefits: Text = Field(min_length=1)
    recommends: bool


class ParkFigures(Record):
    """第八条: the figures the bureau found for the five conditions."""

    planning_report_sound: bool = Field(description="1: 规划论证报告 科学合理")
    jobs_offered: int = Field(ge=0, le=100_000_000, description="2: jobs offered a year")
    service_person_times: int = Field(ge=0, le=1_000_000_000, description="2: 服务就业和流动 人次 a year")
    contribution_yuan: int = Field(ge=0, le=10**13, description="3: 年度综合贡献 (taxes), yuan")
    resident_firms: int = Field(ge=1, le=1_000_000, description="4: 园区入驻企业")
    qualifying_firms: int = Field(ge=0, le=1_000_000, description="4: 骨干企业、专精特新、高新技术企业")
    management_system: bool = Field(description="5: 管理制度、运营机制、专业运营机构和团队")
    website_active: bool = Field(description="5: 园区网站, active and updated")
    wechat_active: bool = Field(description="5: 微信公众号, active and updated")

    @model_validator(mode="after")
    def _firms(self) -> ParkFigures:
        if self.qualifying_firms > self.resident_firms:
            raise ValueError("qualifying_firms: cannot exceed the park's resident firms")
        return self


class Assess(Record):
    """第九条2: the bureau's assessment: the figures of 第八条 and the expert review."""

    figures: ParkFigures
    expert_review: ExpertReview


class ConditionFinding(Record):
    """One condition of 第八条, with the figure it was found on."""

    article: str
    condition: str
    figure: str
    met: bool


def assess_conditions(figures: ParkFigures) -> tuple[ConditionFinding, ...]:
    """第八条1–5: each condition as a finding with its figure."""
    f = figures
    share_met = f.qualifying_firms * 100 >= QUALIFYING_SHARE_PERCENT * f.resident_firms
    return (
        ConditionFinding(
            article="第八条1",
            condition="规划论证科学合理",
            figure="规划论证报告科学合理" if f.planning_report_sound else "规划论证报告不足",
            met=f.planning_report_sound,
        ),
        ConditionFinding(
            article="第八条2",
            condition=f"每年提供就业岗位不少于{JOBS_PER_YEAR}个，服务就业和流动不少于{SERVICE_PERSON_TIMES}人次",
            figure=f"岗位{f.jobs_offered}个，服务{f.service_person_times}人次",
            met=f.jobs_offered >= JOBS_PER_YEAR and f.service_person_times >= SERVICE_PERSON_TIMES,
        ),
        ConditionFinding(
            article="第八条3",
            condition=f"园区年度综合贡献超过{CONTRIBUTION_YUAN}元",
            figure=f"{f.contribution_yuan}元",
            met=f.contribution_yuan > CONTRIBUTION_YUAN,
        ),
        ConditionFinding(
            article="第八条4",
            condition=f"骨干企业、专精特新中小企业和高新技术企业合计占入驻企业{QUALIFYING_SHARE_PERCENT}%以上",
            figure=f"{f.qualifying_firms}/{f.resident_firms}",
            met=share_met,
        ),
        ConditionFinding(
            article="第八条5",
            condition="运营管理体系健全，网站和微信公众号活跃",
            figure="、".join(
                (
                    "管理制度健全" if f.management_system else "管理制度不健全",
                    "网站活跃" if f.website_active else "网站不活跃",
                    "微信公众号活跃" if f.wechat_active else "微信公众号不活跃",
                )
            ),
            met=f.management_system and f.website_active and f.wechat_active,
        ),
    )


class EvaluationMethod(StrEnum):
    """第十条: "书面考核、实地抽查、专家评审、听取用人单位意见等"."""

    WRITTEN = "written-review"
    ON_SITE = "on-site-spot-check"
    EXPERT = "expert-review"
    EMPLOYERS = "employers-opinions"

    @property
    def chinese(self) -> str:
        return {
            "written-review": "书面考核",
            "on-site-spot-check": "实地抽查",
            "expert-review": "专家评审",
            "employers-opinions": "听取用人单位意见",
        }[self.value]


class EvaluationArea(StrEnum):
    """第十一条: "园区合法经营、平台建设、政策体系、管理运营、服务保障、经济社会人才效益"."""

    LAWFUL_OPERATION = "lawful-operation"
    PLATFORMS = "platforms"
    POLICIES = "policies"
    MANAGEMENT = "management"
    SERVICES = "services"
    BENEFITS = "benefits"

    @property
    def chinese(self) -> str:
        return {
            "lawful-operation": "合法经营",
            "platforms": "平台建设",
            "policies": "政策体系",
            "management": "管理运营",
            "services": "服务保障",
            "benefits": "经济社会人才效益",
        }[self.value]


class RevocationCause(StrEnum):
    """第十二条: "经营不善、效益不明显、存在违规运营情况以及造成其他不良影响"."""

    POORLY_RUN = "poorly-run"
    NO_CLEAR_BENEFIT = "no-clear-benefit"
    IRREGULAR_OPERATION = "irregular-operation"
    OTHER_BAD_EFFECTS = "other-bad-effects"

    @property
    def chinese(self) -> str:
        return {
            "poorly-run": "经营不善",
            "no-clear-benefit": "效益不明显",
            "irregular-operation": "存在违规运营情况",
            "other-bad-effects": "造成其他不良影响",
        }[self.value]


class AreaFinding(Record):
    area: EvaluationArea
    findings: Text = Field(min_length=1)


class Evaluate(Record):
    """第十至十二条: one evaluation: its methods, a finding for each area of 第十一条, its result.

    Unqualified: the date the park must have rectified by (限期整改). Revoked: the causes of
    第十二条."""

    methods: tuple[EvaluationMethod, ...] = Field(min_length=1, max_length=len(EvaluationMethod))
    areas: tuple[AreaFinding, ...] = Field(min_length=len(EvaluationArea), max_length=len(EvaluationArea))
    result: EvaluationResult
    rectify_by: PlannedDate | None = None
    causes: tuple[RevocationCause, ...] = Field(default=(), max_length=len(RevocationCause))

    @model_validator(mode="after")
    def _coherent(self) -> Evaluate:
        if len(set(self.methods)) != len(self.methods):
            raise ValueError("methods: each method once")
        if {a.area for a in self.areas} != set(EvaluationArea):
            missing = ", ".join(a.value for a in EvaluationArea if a not in {f.area for f in self.areas})
            raise ValueError(
                f"areas: 第十一条: each content area once (missing: {missing or 'none; one twice'})"
            )
        if (self.result is EvaluationResult.UNQUALIFIED) != (self.rectify_by is not None):
            raise ValueError(
                "rectify_by: 第十二条: an unqualified park (and only it) is given a date to rectify by"
            )
        if (self.result is EvaluationResult.REVOKED) != bool(self.causes):
            raise ValueError("causes: 第十二条: a revocation (and only it) names its causes")
        return self


class Recheck(Record):
    """第十二条: the bureau checks the rectification: done → the park goes on; not done →
    the title is revoked for the causes of 第十二条."""

    rectified: bool
    findings: Text = Field(min_length=1)
    causes: tuple[RevocationCause, ...] = Field(default=(), max_length=len(RevocationCause))

    @model_validator(mode="after")
    def _causes_when_revoked(self) -> Recheck:
        if not self.rectified and not self.causes:
            raise ValueError("causes: 第十二条: a rectification not done revokes the title for its causes")
        if self.rectified and self.causes:
            raise ValueError("causes: a rectified park is not revoked")
        return self


class Revoke(Record):
    """第十二条: the title revoked between evaluations for its causes (违规运营 found any day)."""

    causes: tuple[RevocationCause, ...] = Field(min_length=1, max_length=len(RevocationCause))
    findings: Text = Field(min_length=1)


class OrderRectification(Record):
    """第十二条 "对经营不善、效益不明显、存在违规运营情况以及造成其他不良影响的园区采取责令整改":
    between evaluations, the bureau orders the park to rectify by a date, then rechecks."""

    causes: tuple[RevocationCause, ...] = Field(min_length=1, max_length=len(RevocationCause))
    findings: Text = Field(min_length=1)
    rectify_by: PlannedDate


class FileDistrictMeasures(Record):
    """第五条: the district's own park measures, filed with the municipal bureau."""

    title: Name = Field(min_length=1)
    document_no: Name = Field(min_length=1)
    issued_on: FactDate


DISTRICT_HR = frozenset({"district-hr"})
HR_BUREAU = frozenset({"hr-bureau"})
PUBLIC = frozenset({"public"})

DECISIONS: dict[str, DecisionRule] = {
    "check-materials": DecisionRule(frozenset({COMPLETENESS}), HR_BUREAU, CheckMaterials),  # 第九条1
    "assess": DecisionRule(frozenset({ASSESSMENT}), HR_BUREAU, Assess),  # 第八条, 第九条2
    "object": DecisionRule(frozenset({PUBLICITY_STAGE}), PUBLIC, Objection),  # 第九条3
    "rule-objection": DecisionRule(frozenset({PUBLICITY_STAGE}), HR_BUREAU, ObjectionRuling),
    "evaluate": DecisionRule(frozenset({EVALUATION}), HR_BUREAU, Evaluate),  # 第十至十二条
    "recheck": DecisionRule(frozenset({RECTIFICATION_STAGE}), HR_BUREAU, Recheck),  # 第十二条
    "revoke": DecisionRule(PARK_LIFE, HR_BUREAU, Revoke),  # 第十二条
    "order-rectification": DecisionRule(frozenset({DESIGNATED}), HR_BUREAU, OrderRectification),  # 第十二条
    "file-district-measures": DecisionRule(PARK_LIFE, DISTRICT_HR, FileDistrictMeasures),  # 第五条
}


DECISION_NAMES = {
    "check-materials": "材料审核",
    "assess": "审核评估（专家评审）",
    "object": "公示异议",
    "rule-objection": "异议核查",
    "evaluate": "综合评估考核",
    "recheck": "整改复核",
    "revoke": "取消授牌",
    "order-rectification": "责令整改",
    "file-district-measures": "区级办法备案",
}
"""The gazette's words for each decision code, for people."""


def rectification_period(ordered_on: date, rectify_by: date) -> Period:
    """第十二条: the park's period from the order to the date the bureau set."""
    return RECTIFICATION.lasting((rectify_by - ordered_on).days, Unit.CALENDAR_DAYS)


# -- events ------------------------------------------------------------------------------------------


class ReceivedAfterTheMeasuresTerm(Record):
    """第十六条: the application came after the measures' five years (2026-08-30)."""

    received_on: date
    valid_through: date
    article: str = "第十六条"


class ParkMaterialsChecked(Record):
    """第九条1: the five materials checked; incomplete, the application goes back."""

    complete: bool
    missing: tuple[str, ...]


class ParkAssessed(Record):
    """第九条2: the bureau's assessment: each condition of 第八条 and the expert review."""

    findings: tuple[ConditionFinding, ...]
    expert_review: ExpertReview
    passed: bool


class ParkPublicityStarted(Record):
    """第九条3: published for 7 days."""

    published_on: date
    ends_on: date


class ParkObjectionLodged(Record):
    objection_id: str
    objector: str
    grounds: str


class ParkObjectionRuled(Record):
    objection_id: str
    upheld: bool
    findings: str


class ParkDesignated(Record):
    """第九条3: "正式为其授牌为市级人力资源服务产业园"."""

    park_name: str
    district: str
    operator_uscc: str
    operator_name: str
    designated_on: date
    next_evaluation_due: date


class ParkEvaluationOpened(Record):
    """第十条: the round's evaluation opens, 3 years on."""

    round_no: int
    due_on: date


class ParkEvaluated(Record):
    """第十至十二条: the evaluation's methods, findings and result."""

    round_no: int
    methods: tuple[str, ...]
    areas: tuple[AreaFinding, ...]
    result: str
    rectify_by: date | None
    next_evaluation_due: date | None


class ParkRectificationOrdered(Record):
    """第十二条: ordered to rectify between evaluations, for its causes, by a date."""

    causes: tuple[str, ...]
    findings: str
    rectify_by: date


class ParkRectificationChecked(Record):
    """第十二条: the rectification checked."""

    rectified: bool
    findings: str


class ParkTitleRevoked(Record):
    """第十二条: "取消授牌": the park leaves the register."""

    causes: tuple[str, ...]
    findings: str
    revoked_on: date


class DistrictMeasuresFiled(Record):
    """第五条: a district's park measures filed with the bureau (备案)."""

    district: str
    title: str
    document_no: str
    issued_on: date
    filed_on: date


class ParkRecordContinued(Record):
    """The park's case goes on in a new run (continue-as-new), between evaluations."""

    evaluations: int
    next_evaluation_due: date
