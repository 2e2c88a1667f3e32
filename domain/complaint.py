"""Foreign-invested enterprise complaints: 《北京市外商投资企业投诉工作管理办法(修订)》,
京商函字〔2021〕1056号. Articles are 第N条 of those measures.

The filing model accepts incomplete materials on purpose: an incomplete complaint is a
state the measures provide for (第十条 补正), not an invalid input. What is missing is
worked out by `missing_particulars` (第八条, 第九条); where it goes by `receiving_body`
(第四条, 第五条).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import IntEnum, StrEnum
from typing import Literal

from pydantic import Field, ValidationInfo, model_validator

from domain.beijing import District
from domain.case import CaseOpening, DecisionRule
from domain.clocks import Period, PeriodKind, Unit
from domain.errors import InvalidInputError
from domain.inputs import (
    Address,
    FactDate,
    Identifier,
    Name,
    PlannedDate,
    Postcode,
    Text,
    boundary_today,
)
from domain.inputs import Contact as ContactDetails  # `Contact` is the 第十五条(六) decision
from domain.models import Record

PROCEDURE = "complaint"

# -- periods ----------------------------------------------------------------------------------

BODY = "投诉受理机构"
SUPPLEMENT_NOTICE = Period("supplement-notice", "第十条", 7, Unit.WORKING_DAYS, BODY)
"""第十条: the 补正通知 goes out within 7 working days of receiving the materials."""
SUPPLEMENT = Period("supplement", "第十条", 15, Unit.WORKING_DAYS, "投诉人")
"""第十条: the complainant supplements within 15 working days of the notice."""
ACCEPTANCE = Period("acceptance", "第十二条第（一）项", 7, Unit.WORKING_DAYS, BODY)
"""第十二条(一): accept or not within 7 working days of complete materials."""
HANDLING = Period("handling", "第十二条第（二）项", 60, Unit.WORKING_DAYS, BODY)
"""第十二条(二): conclude within 60 working days of acceptance; extendable."""
LETTERS = Period("letters", "第十二条第（三）项", 5, Unit.WORKING_DAYS, BODY)
"""第十二条(三): letters to the other departments involved within 5 working days."""
REPLY = Period("reply", "第十二条第（三）项", 30, Unit.WORKING_DAYS, "有关部门")
"""第十二条(三): each department replies within 30 working days of receiving the letter."""
RESULT_NOTICE = Period("result-notice", "第十五条第三款", 3, Unit.WORKING_DAYS, BODY)
"""第十五条: the result in writing within 3 working days of termination."""
PARTICIPATION = Period(
    "participation", "第十五条第（六）项", 30, Unit.CALENDAR_DAYS, "投诉人", PeriodKind.PARTY
)
"""第十五条(六): 30 consecutive days without taking part, after being contacted, ends it."""
ONE_YEAR = Period("one-year", "第十六条", 12, Unit.MONTHS, BODY)
"""第十六条: not concluded a year after acceptance → report to the government at that level."""
MAX_HANDLING_DAYS = 500
"""An extended handling period is at most two years of working days: 第十六条 reports a case
still open after one year, it does not end it, but a longer period is a slip of the keyboard."""
MAX_ITEMS = 200
"""No list of a filing or decision (materials, departments, missing items) is longer."""

# -- stages --------------------------------------------------------------------------------------

INCOMPLETE = "incomplete"  # materials received, 补正通知 to be sent
SUPPLEMENTING = "supplementing"  # waiting for the complainant's supplement
REVIEWING = "reviewing"  # complete materials, acceptance decision due
HANDLING_STAGE = "handling"
TERMINATED = "terminated"  # result notice due

MUNICIPAL_BODY = "北京市外商投诉受理机构（北京市投资促进服务中心）"
COORDINATING_BODY = "北京市外商投诉协调机构（北京市商务局）"
NATIONAL_CENTRE = "全国外商投资企业投诉中心"


class Kind(StrEnum):
    """第二条: (一) rights infringed by an administrative act; (二) investment environment."""

    A = "A"
    B = "B"


class RespondentLevel(StrEnum):
    """Whose act is complained of, which decides the receiving body (第四条, 第五条)."""

    MUNICIPAL_DEPARTMENT = "municipal-department"  # 市人民政府有关部门
    DISTRICT_GOVERNMENT = "district-government"  # 区人民政府（含经开区管委会）
    DISTRICT_DEPARTMENT = "district-department"  # 区级有关部门
    TOWNSHIP = "township"  # 乡镇人民政府
    STREET_OFFICE = "street-office"  # 街道办事处


DISTRICT_RESPONDENTS = frozenset(
    {RespondentLevel.DISTRICT_DEPARTMENT, RespondentLevel.TOWNSHIP, RespondentLevel.STREET_OFFICE}
)
"""第五条: the respondents whose complaints a district body takes."""


class NonAcceptanceGround(IntEnum):
    """第十一条: the nine grounds for not accepting a complaint."""

    NOT_FOREIGN_INVESTED = 1
    CIVIL_DISPUTE_OR_OUT_OF_SCOPE = 2
    OTHER_BODY = 3
    STILL_INCOMPLETE = 4
    FORGED_OR_BASELESS = 5
    REPEAT_WITHOUT_NEW_EVIDENCE = 6
    HIGHER_BODY_SEIZED = 7
    PETITION_SEIZED = 8
    RECONSIDERATION_OR_LITIGATION = 9

    @property
    def text(self) -> str:
        return NON_ACCEPTANCE_TEXT[self]


NON_ACCEPTANCE_TEXT = {
    NonAcceptanceGround.NOT_FOREIGN_INVESTED: "投诉主体不属于外商投资企业、外国投资者",
    NonAcceptanceGround.CIVIL_DISPUTE_OR_OUT_OF_SCOPE: (
        "申请协调解决与其他自然人、法人或者其他组织之间民商事纠纷，或者不属于外商投资企业投诉事项范围"
    ),
    NonAcceptanceGround.OTHER_BODY: "不属于本投诉受理机构的投诉事项处理范围",
    NonAcceptanceGround.STILL_INCOMPLETE: "经通知补正后，投诉材料仍不符合第八条要求",
    NonAcceptanceGround.FORGED_OR_BASELESS: "投诉人伪造、变造证据或者明显缺乏事实依据",
    NonAcceptanceGround.REPEAT_WITHOUT_NEW_EVIDENCE: "没有新的证据或者法律依据，向同一投诉受理机构重复投诉",
    NonAcceptanceGround.HIGHER_BODY_SEIZED: "同一投诉事项已经由上级投诉受理机构受理或者处理终结",
    NonAcceptanceGround.PETITION_SEIZED: "同一投诉事项已经由信访等部门受理或者处理终结",
    NonAcceptanceGround.RECONSIDERATION_OR_LITIGATION: "同一投诉事项已经进入或者完成行政复议、行政诉讼等程序",
}

PROCEEDINGS_GROUNDS = frozenset({7, 8, 9})
"""第十五条第二款: arising during handling, these make the complaint deemed withdrawn."""


class TerminationGround(IntEnum):
    """第十五条: the six grounds that end the handling of a complaint."""

    AGREED_AFTER_COORDINATION = 1
    FACTS_NOT_AS_STATED = 2
    NO_LEGAL_BASIS = 3
    WITHDRAWN_IN_WRITING = 4
    NO_LONGER_QUALIFIED = 5
    NO_PARTICIPATION_30_DAYS = 6

    @property
    def text(self) -> str:
        return TERMINATION_TEXT[self]


TERMINATION_TEXT = {
    TerminationGround.AGREED_AFTER_COORDINATION: "经协调处理，投诉人同意终结",
    TerminationGround.FACTS_NOT_AS_STATED: "投诉事项与事实不符，或者投诉人拒绝提供材料导致无法查明有关事实",
    TerminationGround.NO_LEGAL_BASIS: "投诉人的有关诉求没有法律依据",
    TerminationGround.WITHDRAWN_IN_WRITING: "投诉人书面撤回投诉",
    TerminationGround.NO_LONGER_QUALIFIED: "投诉人不再符合投诉主体资格",
    TerminationGround.NO_PARTICIPATION_30_DAYS: "经联系，投诉人连续30日无正当理由不参加投诉处理工作",
}


# -- the filing --------------------------------------------------------------------------------


class Complainant(Record):
    """第八条第一款(一). `id` is an identifier fit for search attributes (a unified social
    credit code, or the receiving body's internal id of a foreign investor)."""

    id: Identifier = Field(min_length=1, max_length=64)
    name: Name | None = None
    kind: Literal["foreign-invested-enterprise", "foreign-investor", "chamber-or-association"]
    address: Address | None = None
    postcode: Postcode | None = None
    contact_person: Name | None = None
    contact: ContactDetails | None = None
    status_proof: bool = Field(default=False, description="主体资格证明材料 submitted")


class Respondent(Record):
    """第八条第一款(二)."""

    name: Name | None = None
    level: RespondentLevel
    district: District | None = Field(default=None, description="for a district-level respondent")
    address: Address | None = None
    postcode: Postcode | None = None
    contact: ContactDetails | None = None

    @model_validator(mode="after")
    def _district_named(self, info: ValidationInfo) -> Respondent:
        """第五条: a district body takes what a district department, a township or a street office
        did, and the respondent's district says which (competent_body). Without it the case could
        not work out its body when it opens: refused here."""
        if boundary_today(info) is not None and self.level in DISTRICT_RESPONDENTS and self.district is None:
            raise ValueError(f"district: a {self.level.value} respondent names its district (第五条)")
        return self


class PowerOfAttorney(Record):
    matters: Text | None = None
    powers: Text | None = None
    term: Text | None = None


class Agent(Record):
    """第九条: a person filing for the complainant."""

    name: Name = Field(min_length=1)
    identity_proof: bool = False
    complainant_identity_proof: bool = False
    power_of_attorney: PowerOfAttorney | None = None


class Material(Record):
    """第八条第三款: in Chinese, or with an accurate and complete Chinese translation."""

    title: Name = Field(min_length=1)
    language: Identifier = Field(default="zh", description="ISO 639-1 code of the original")
    chinese_translation: bool = False


class ReceivingBody(Record):
    """第三条–第五条: the municipal body, or a district body (incl. the Development Area)."""

    level: Literal["municipal", "district"]
    district: District | None = None

    @model_validator(mode="after")
    def _district_for_district_body(self) -> ReceivingBody:
        if (self.level == "district") != (self.district is not None):
            raise ValueError("a district body names its district; the municipal body names none")
        return self

    @property
    def name(self) -> str:
        if self.district is None:
            return MUNICIPAL_BODY
        return f"{self.district.chinese_name}外商投诉受理机构"

    @property
    def government(self) -> str:
        """第十六条: the government at the same level, to which a year-old case is reported."""
        if self.district is None:
            return "北京市人民政府"
        if self.district is District.DEVELOPMENT_AREA:
            return "北京经济技术开发区管委会"
        return f"北京市{self.district.chinese_name}人民政府"


class ComplaintFiling(Record):
    """A complaint as received (第七条: one matter a complaint, in writing)."""

    kind: Kind
    received_on: FactDate | None = Field(
        default=None, description="when the body received the materials; default: the day filed here"
    )
    receiving_body: ReceivingBody
    complainant: Complainant
    dated_on: FactDate | None = Field(
        default=None, description="第八条(一): 提出投诉的日期, as the complaint states it"
    )
    respondent: Respondent | None = None
    matter: Text | None = Field(default=None, description="投诉事项 (kind A)")
    request: Text | None = Field(default=None, description="投诉请求 (kind A)")
    facts_and_evidence: Text | None = Field(default=None, description="有关事实、证据和理由 (kind A)")
    legal_basis: Text | None = None
    proceedings_statement: tuple[Literal[7, 8, 9], ...] | None = Field(
        default=None, description="第八条(五): which of 第十一条(七)(八)(九) apply; () if none"
    )
    environment_problem: Text | None = Field(default=None, description="投资环境问题 (kind B)")
    policy_suggestions: Text | None = Field(default=None, description="政策措施建议 (kind B)")
    agent: Agent | None = None
    materials: tuple[Material, ...] = Field(default=(), max_length=MAX_ITEMS)
    appeal_of: Identifier | None = Field(default=None, description="第十七条: the case appealed from")

    @model_validator(mode="after")
    def _appeal_goes_up(self) -> ComplaintFiling:
        if self.appeal_of and self.receiving_body.level != "municipal":
            raise ValueError(
                "第十七条: an appeal goes to the next higher body, the municipal receiving body; "
                f"above it is the {NATIONAL_CENTRE}, outside this system"
            )
        if self.complainant.kind == "chamber-or-association" and self.kind is not Kind.B:
            raise ValueError(
                "第二十一条: a chamber or association files only kind B (investment environment)"
            )
        return self

    @property
    def applicant_id(self) -> str:
        return self.complainant.id

    @property
    def district(self) -> District | None:
        return self.receiving_body.district


def missing_particulars(filing: ComplaintFiling) -> list[str]:
    """第八条, 第九条: what the materials lack, in the words of a 补正通知."""
    missing: list[str] = []
    c = filing.complainant
    for value, label in (
        (c.name, "投诉人的姓名或者名称"),
        (c.address, "投诉人通讯地址"),
        (c.postcode, "投诉人邮编"),
        (c.contact_person, "投诉人有关联系人"),
        (c.contact, "投诉人联系方式"),
    ):
        if not value:
            missing.append(label)
    if not c.status_proof:
        missing.append("投诉人主体资格证明材料")
    if filing.dated_on is None:
        missing.append("提出投诉的日期")
    if filing.kind is Kind.A:
        r = filing.respondent
        if r is None or not r.name:
            missing.append("被投诉人的姓名或者名称")
        if r is None or not r.address:
            missing.append("被投诉人通讯地址")
        if r is None or not r.postcode:
            missing.append("被投诉人邮编")
        if r is None or not r.contact:
            missing.append("被投诉人有关联系人和联系方式")
        if not filing.matter or not filing.request:
            missing.append("明确的投诉事项和投诉请求")
        if not filing.facts_and_evidence:
            missing.append("有关事实、证据和理由")
        if filing.proceedings_statement is None:
            missing.append("是否存在第十一条第（七）、（八）、（九）项所列情形的说明")
    else:
        if not filing.environment_problem:
            missing.append("投资环境方面存在的相关问题")
        if not filing.policy_suggestions:
            missing.append("具体政策措施建议")
    for material in filing.materials:
        if material.language != "zh" and not material.chinese_translation:
            missing.append(f"《{material.title}》的准确、完整的中文翻译件")
    if filing.agent is not None:
        missing.extend(_agent_gaps(filing.agent))
    return missing


def _agent_gaps(agent: Agent) -> list[str]:
    """第九条: identity proofs and a power of attorney stating matters, powers and term."""
    gaps = []
    if not agent.complainant_identity_proof:
        gaps.append("投诉人的身份证明")
    if not agent.identity_proof:
        gaps.append("受委托人的身份证明")
    power = agent.power_of_attorney
    if power is None:
        gaps.append("授权委托书")
    else:
        for value, label in ((power.matters, "委托事项"), (power.powers, "权限"), (power.term, "期限")):
            if not value:
                gaps.append(f"授权委托书载明的{label}")
    return gaps


def competent_body(filing: ComplaintFiling) -> ReceivingBody:
    """第四条, 第五条: the body whose remit the complaint falls in.

    Kind A goes by the respondent's level; kind B (suggestions) by whom it addresses,
    which the respondent field then names; a kind B complaint with no respondent goes to
    the body it was filed with.
    """
    respondent = filing.respondent
    if respondent is None:
        return filing.receiving_body
    if respondent.level in (RespondentLevel.MUNICIPAL_DEPARTMENT, RespondentLevel.DISTRICT_GOVERNMENT):
        return ReceivingBody(level="municipal")
    return ReceivingBody(level="district", district=respondent.district)


def jurisdiction_problem(filing: ComplaintFiling) -> str | None:
    """第十一条(三), 第十二条(一): filed with the wrong body → the body to go to, else None.

    The municipal body may take a district matter of major city-wide impact (第四条(三)):
    that is its decision to accept, not a ground to refuse, so only a district body
    receiving a municipal matter, or the wrong district, is a problem here.
    """
    right = competent_body(filing)
    filed = filing.receiving_body
    if filed.level == "municipal" or right == filed:
        return None
    return right.name


def appeal_body(original: ReceivingBody) -> ReceivingBody | None:
    """第十七条: the next higher body; above the municipal body is the national centre,
    outside this system (None)."""
    return ReceivingBody(level="municipal") if original.level == "district" else None


class OriginalCase(Record):
    """第十七条: what the read model knows of the case an appeal names."""

    case_no: str
    body: Literal["municipal", "district"]
    district: District | None = None
    stage: str
    ground: int | None = None


def appeal_problem(original_case_no: str, original: OriginalCase | None) -> str | None:
    """第十七条: an appeal is against a decision not to accept (第十一条) or a result (第十五条)
    of a receiving body below: the original case exists and has ended in one of them."""
    if original is None:
        return f"原投诉事项（{original_case_no}）不存在"
    if original.stage != "closed" or original.ground is None:
        return f"原投诉事项（{original_case_no}）尚未作出不予受理决定或者投诉处理结果"
    return None


def appeal_referral(original: OriginalCase | None) -> str | None:
    """第十七条, 第四条第二款: above the municipal body is the national centre, outside this
    system: an appeal of a municipal case is referred there (None: this body takes it)."""
    if original is None:
        return None
    body = ReceivingBody(level=original.body, district=original.district)
    return NATIONAL_CENTRE if appeal_body(body) is None else None


# -- decisions -----------------------------------------------------------------------------------


class RequestSupplement(Record):
    """第十条: one written notice listing every missing item (default: all that are missing)."""

    items: tuple[Text, ...] = Field(default=(), max_length=MAX_ITEMS)


class Supplement(Record):
    """The complainant's supplement: the filing as it now stands."""

    filing: ComplaintFiling


class Accept(Record):
    departments: tuple[Name, ...] = Field(
        default=(),
        max_length=MAX_ITEMS,
        description="第十二条(三): other departments the handling involves",
    )


class NotAccept(Record):
    ground: NonAcceptanceGround
    explanation: Text = Field(min_length=1, description="the reasons stated in the notice")


class SendLetter(Record):
    department: Name = Field(min_length=1)
    matters: Text = Field(min_length=1)
    received_on: FactDate | None = Field(
        default=None, description="when the department received it (default: the day it was sent)"
    )


class DepartmentReply(Record):
    department: Name = Field(min_length=1)
    opinion: Text = Field(min_length=1)


class DepartmentProgress(Record):
    """第十二条(三): the department cannot finish; it reports next steps and a planned date."""

    department: Name = Field(min_length=1)
    next_steps: Text = Field(min_length=1)
    planned_on: PlannedDate


class RecordStep(Record):
    """第十三条: a step of the handling, kept on the record."""

    step: Literal["information-request", "respondent-inquiry", "meeting", "expert-opinion"]
    summary: Text = Field(min_length=1)


class Contact(Record):
    """第十五条(六): the body contacted the complainant; 30 days without taking part end it."""

    means: Text = Field(min_length=1)


class Participation(Record):
    summary: Text = Field(min_length=1)


class ExtendHandling(Record):
    """第十二条(二): many departments or a complex case: a longer period, with the reason."""

    new_length: int = Field(gt=60, le=MAX_HANDLING_DAYS, description="working days from acceptance")
    reason: Text = Field(min_length=1)


class Resolve(Record):
    """第十四条: how the complaint was handled."""

    way: Literal["settlement", "coordination", "joint-meeting", "policy-suggestion", "other"]
    summary: Text = Field(min_length=1)
    settled_matters: Text | None = None
    settled_results: Text | None = None

    @model_validator(mode="after")
    def _settlement_states_matters_and_results(self) -> Resolve:
        if self.way == "settlement" and not (self.settled_matters and self.settled_results):
            raise ValueError("第十四条: a settlement agreement states the matters and the results")
        return self


class Terminate(Record):
    ground: TerminationGround
    explanation: Text = Field(min_length=1)


class DeemedWithdrawn(Record):
    """第十五条第二款: 第十一条(七)(八)(九) arose during handling."""

    proceedings_ground: Literal[7, 8, 9]
    explanation: Text = Field(min_length=1)


class NotifyResult(Record):
    result: Text = Field(min_length=1)


class AddDepartment(Record):
    """第十二条(三): a department found to be involved after acceptance; the body's 5 working
    days to write to it count from the day it is added."""

    department: Name = Field(min_length=1)
    reason: Text = Field(min_length=1, description="why the handling involves it")


class ExcuseAbsence(Record):
    """第十五条(六): the complainant did not take part for a good reason (正当理由): recorded,
    and the 30 days stop; the next contact starts them afresh."""

    reason: Text = Field(min_length=1, description="the good reason, as the complainant gave it")


class ReportNonPerformance(Record):
    """第十四条第二款: the complainant reports that the respondent does not perform the
    settlement; handled under 《外商投资法实施条例》第四十一条: the handling goes on."""

    summary: Text = Field(min_length=1, description="what the respondent has not performed")


class ReportUnfinished(Record):
    """第十六条: a year after acceptance and not terminated, the coordinating body, with the
    receiving body, reports the situation to the government at the same level, with
    suggestions."""

    situation: Text = Field(min_length=1, description="有关情况")
    suggestions: Text = Field(min_length=1, description="有关工作建议")


RECEPTION = frozenset({"receiving-officer"})
OFFICER = frozenset({"handling-officer"})
HEAD = frozenset({"head-of-body"})
COORDINATOR = frozenset({"coordinating-officer"})
"""第十六条: the coordinating body (北京市商务局) reports, jointly with the receiving body."""
PARTICIPATION_ROLES = frozenset({"handling-officer"})

DECISIONS: dict[str, DecisionRule] = {
    "request-supplement": DecisionRule(frozenset({INCOMPLETE}), RECEPTION, RequestSupplement),
    "supplement": DecisionRule(frozenset({SUPPLEMENTING}), RECEPTION, Supplement),
    "accept": DecisionRule(frozenset({REVIEWING}), RECEPTION, Accept),
    # 第十一条: a ground other than (四) does not wait for complete materials (第十二条(一)).
    "not-accept": DecisionRule(frozenset({INCOMPLETE, SUPPLEMENTING, REVIEWING}), RECEPTION, NotAccept),
    "send-letter": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, SendLetter),
    "department-reply": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, DepartmentReply),
    "department-progress": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, DepartmentProgress),
    "record-step": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, RecordStep),
    "contact": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, Contact),
    "participation": DecisionRule(frozenset({HANDLING_STAGE}), PARTICIPATION_ROLES, Participation),
    "extend": DecisionRule(frozenset({HANDLING_STAGE}), HEAD, ExtendHandling),
    "resolve": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, Resolve),
    "terminate": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, Terminate),
    "deemed-withdrawn": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, DeemedWithdrawn),
    "notify-result": DecisionRule(frozenset({TERMINATED}), OFFICER, NotifyResult),
    "add-department": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, AddDepartment),
    "excuse-absence": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, ExcuseAbsence),
    "report-non-performance": DecisionRule(frozenset({HANDLING_STAGE}), OFFICER, ReportNonPerformance),
    "report-unfinished": DecisionRule(frozenset({HANDLING_STAGE}), COORDINATOR, ReportUnfinished),
}


class ComplaintOpening(CaseOpening):
    application: ComplaintFiling


def complainant_label(filing: ComplaintFiling) -> str:
    """How notices address the complainant."""
    return filing.complainant.name or filing.complainant.id


# -- events of the procedure (the core's events are in domain.events) --------------------


class MaterialsChecked(Record):
    """第八条: what the materials lacked when received or supplemented."""

    missing: tuple[str, ...]
    competent_body: str
    jurisdiction_problem: str | None


class SupplementReceived(Record):
    missing: tuple[str, ...]


class ComplaintAccepted(Record):
    receiving_body: str
    departments: tuple[str, ...]


class NonAcceptanceDecided(Record):
    ground: int
    ground_text: str
    explanation: str
    referral: str | None


class HandlingStepRecorded(Record):
    step: str
    summary: str


class ComplaintResolved(Record):
    way: str
    summary: str
    settled_matters: str | None
    settled_results: str | None


class ComplaintTerminated(Record):
    ground: int
    ground_text: str
    explanation: str
    deemed_withdrawn: bool


class AppealLodged(Record):
    original_case_no: str


class DepartmentAdded(Record):
    """第十二条(三): a department found to be involved after acceptance."""

    department: str
    reason: str


class AbsenceExcused(Record):
    """第十五条(六): the complainant's absence had a good reason; the 30 days stopped."""

    reason: str


class NonPerformanceReported(Record):
    """第十四条第二款: the respondent does not perform the settlement; the settlement no longer
    resolves the complaint and the handling goes on (实施条例第四十一条)."""

    summary: str


class UnfinishedReported(Record):
    """第十六条: the joint report on a case a year old and not terminated."""

    coordinating_body: str
    receiving_body: str
    government: str
    situation: str
    suggestions: str


class AppealChecked(Record):
    """第十七条: what the original case shows; `problem` says why the appeal cannot be
    accepted as such, `referral` where it goes instead."""

    original_case_no: str
    original_body: str | None
    original_outcome: str | None
    problem: str | None
    referral: str | None


# -- 第十九条: reports -------------------------------------------------------------------------------


def bimonthly_period(report_month: date) -> tuple[date, date]:
    """第十九条: the two months before an odd month, which that month's report covers."""
    if report_month.month % 2 == 0:
        raise InvalidInputError(
            f"{report_month:%Y-%m}: the reports are made in odd months (1, 3, 5, 7, 9, 11)"
        )
    first = report_month.replace(day=1)
    start = date(first.year - 1, 11, 1) if first.month == 1 else date(first.year, first.month - 2, 1)
    return start, first - timedelta(days=1)


MUNICIPAL_REPORT_WORKING_DAYS = 7
"""第十九条第二款: the municipal report goes out within the first 7 working days of an odd month."""


def report_month_for(day: date) -> date:
    """The odd month whose report is due on or last before `day` (a schedule run, or a run
    started by hand in an even month, reports on the latest odd month)."""
    first = day.replace(day=1)
    return first if first.month % 2 else first.replace(month=first.month - 1)
