"""Foreign professional qualification verification (境外职业资格证书查询验证): 京人社事业发〔2021〕33号,
正文 一 to 四 and 附件2 (the verification flow); the catalog itself is domain.catalog.

- 附件2 一: the employer applies online with the certificate's details.
- 附件2 二: the platform accepts an eligible request and tells the employer how long the check
  will take, "根据与境外发证机构等渠道的联络情况": the promised period is the platform's, stated per
  case (`verification_period`), and is the case's clock.
- 附件2 三: the platform tells the employer the result; for an authentic certificate, a
  verification code that anyone may look up (`parse_code`, `format_code`).
- 附件2 四: false materials → the request is refused; the result confirms only that the
  certificate is authentic (`DISCLAIMER`).
- 正文 一、二: what holding a catalog qualification brings to a work permit (`relaxations`).

Readings (docs/qualification-verification.md, "Readings"):

- 附件2 二 "对符合条件的查验申请进行受理": a qualification that is not in the catalog version in
  force is not eligible: the request is refused when the case opens, with the catalog version
  named (`NOT_IN_CATALOG`).
- The verification code is given to the employer once, through the notice channel, by the
  activity that makes it; the workflow's history, the event log and the `notices` table hold only
  the code's reference (`CodeIssued.code_id`), never the code; PostgreSQL holds its SHA-256.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Literal

from pydantic import Field

from domain.case import CaseOpening, DecisionRule
from domain.catalog import CatalogRow
from domain.clocks import Period, PeriodKind, Unit
from domain.demo import Enterprise
from domain.errors import InvalidInputError
from domain.inputs import CareerDate, Name, Text
from domain.models import Record

PROCEDURE = "qualification-verification"
PLATFORM = "北京市境外职业资格证书查询验证服务平台"
BUREAU = "北京市人力资源和社会保障局"
SOURCE = "京人社事业发〔2021〕33号"

DISCLAIMER = (
    "核查结果仅对证书的真实性进行确认，不对证书持有人真实资历及实际水平进行确认，"
    "如产生人事劳动关系等纠纷，查询验证服务平台不因此承担任何法律责任。"
)
"""附件2 四: the result confirms only that the certificate is authentic."""

ACCEPTANCE, AWAITING_ISSUER = "acceptance", "awaiting-issuer"

NOT_IN_CATALOG = "refused: not in the catalog"
REFUSED = "refused"
AUTHENTIC = "authentic"
NOT_AUTHENTIC = "not authentic"
UNVERIFIED = "not verified: no answer from the issuer"

MAX_PROMISED_DAYS = 180
"""A bound on the promised period (the gazette sets none): a typo of 3000 days is refused."""


def verification_period(length: int, unit: Unit) -> Period:
    """附件2 二: "在线告知用人单位查询所需时间" — the platform's own promise, from acceptance, in the
    unit it states it in; the platform's period (`PeriodKind.BODY`), escalated to the bureau when
    it passes without the issuer's answer."""
    return Period("verification", "附件2 二", length, unit, PLATFORM, PeriodKind.BODY)


def issuer_label(row: CatalogRow) -> str:
    """The foreign issuer as the chase notice addresses it."""
    return f"{row.issuer}（{row.issuer_en}）" if row.issuer_en else row.issuer


# -- the application and the decisions ------------------------------------------------------------


class VerificationRequest(Record):
    """附件2 一: the employer's online request with the certificate's details."""

    employer: Enterprise
    qualification_no: int = Field(ge=1, le=9999, description="the catalog's 序号")
    holder: Name = Field(description="the certificate holder's name as printed on the certificate")
    certificate_no: Name = Field(description="the certificate's number as the issuer printed it")
    issued_on: CareerDate = Field(description="the date the issuer granted the certificate")

    @property
    def applicant_id(self) -> str:
        return self.employer.uscc


class VerificationOpening(CaseOpening):
    application: VerificationRequest


class Accept(Record):
    """附件2 二: accepted, and the employer told how long the check will take."""

    length: int = Field(ge=1, le=MAX_PROMISED_DAYS)
    unit: Literal["working-days", "calendar-days"] = "working-days"
    contact: Text = Field(description="联络情况: how the foreign issuer is reached, which sets the time")


class Refuse(Record):
    """附件2 四: "对于提供虚假材料或不实信息的…有权拒绝受理其申请"."""

    ground: Literal["false-materials"] = "false-materials"
    reasons: Text


class IssuerAnswer(Record):
    """附件2 三: the foreign issuer's answer: authentic or not."""

    authentic: bool
    reference: Text = Field(description="the issuer's reply (reference, date, channel)")


class CloseUnverified(Record):
    """附件2 二、三: the promised time has passed (escalated) and the foreign issuer has still not
    answered: the platform tells the employer the certificate could not be verified, and why."""

    reasons: Text


PLATFORM_OFFICER = frozenset({"verification-officer"})

DECISIONS: dict[str, DecisionRule] = {
    "accept": DecisionRule(frozenset({ACCEPTANCE}), PLATFORM_OFFICER, Accept),
    "refuse": DecisionRule(frozenset({ACCEPTANCE}), PLATFORM_OFFICER, Refuse),
    "record-answer": DecisionRule(frozenset({AWAITING_ISSUER}), PLATFORM_OFFICER, IssuerAnswer),
    "close-unverified": DecisionRule(frozenset({AWAITING_ISSUER}), PLATFORM_OFFICER, CloseUnverified),
}


# -- events ---------------------------------------------------------------------------------------


class CatalogChecked(Record):
    """The request judged against the catalog version in force; the case keeps this version."""

    version: str
    qualification_no: int
    found: bool
    name: str | None = None
    issuer: str | None = None
    field: str | None = None


class VerificationAccepted(Record):
    length: int
    unit: str
    due: date
    contact: str


class VerificationRefused(Record):
    ground: str
    reasons: str


class IssuerAnswered(Record):
    authentic: bool
    reference: str


class ClosedUnverified(Record):
    """The issuer never answered after the promised time: no result, no code."""

    reasons: str


class CodeIssued(Record):
    """附件2 三: a verification code was made and given to the employer; `code_id` is the row
    of its hash, never the code."""

    code_id: str
    delivered_to: str


# -- the verification code ----------------------------------------------------------------------

CODE_BITS = 80
CODE_CHARS = 16  # 16 Crockford base32 characters carry 80 bits
GROUP = 4
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CHECK_ALPHABET = _ALPHABET + "*~$=U"
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})


def format_code(value: int) -> str:
    """附件2 三: an 80-bit number as a person types it: 4 groups of 4 Crockford base32
    characters and a check character (Crockford's mod 37), e.g. `7K3Q-9XZA-M2PD-4WRT-H`."""
    if not 0 <= value < 1 << CODE_BITS:
        raise ValueError("a verification code carries 80 bits")
    body = "".join(_ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(CODE_CHARS)))
    groups = [body[i : i + GROUP] for i in range(0, CODE_CHARS, GROUP)]
    return "-".join([*groups, _CHECK_ALPHABET[value % 37]])


def parse_code(text: str) -> str:
    """A typed code → its canonical form (upper case, I/L read as 1, O as 0, hyphens and spaces
    ignored); a code of the wrong shape or whose check character does not match is refused before
    any look-up (InvalidInputError)."""
    compact = re.sub(r"[\s-]", "", text.upper()).translate(_READ_AS)
    if len(compact) != CODE_CHARS + 1 or any(c not in _ALPHABET for c in compact[:-1]):
        raise InvalidInputError(
            "验证码格式不正确：应为16位字符加1位校验位，如 7K3Q-9XZA-M2PD-4WRT-H"
            "（code: 16 Crockford base32 characters and a check character）"
        )
    value = 0
    for char in compact[:-1]:
        value = value * 32 + _ALPHABET.index(char)
    if _CHECK_ALPHABET[value % 37] != compact[-1]:
        raise InvalidInputError(
            "验证码校验位不符，请核对后重新输入（code: the check character does not match）"
        )
    return format_code(value)


def code_digest(canonical: str) -> str:
    """What PostgreSQL keeps of a code: its SHA-256 (80 random bits: no table of guesses reaches
    it), and what a look-up sends (the code itself never leaves the client)."""
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


LOOKUPS_PER_MINUTE = 10
"""A public look-up is limited per caller per minute (the gazette sets no number: a person
typing codes needs a few; a guesser is held to 14,400 a day against 2^80 codes)."""

ALL_LOOKUPS_PER_MINUTE = 600
"""And all callers together: the caller is who the client says it is, so a guesser naming a new
caller for each try is still held to 864,000 tries a day (a 2^-60 chance against one code)."""


# -- what holding a catalog qualification brings (正文 一、二) -----------------------------------


class WorkPermitProposal(Record):
    """A proposed work permit for a verified holder."""

    age: int = Field(ge=16, le=100)
    high_end_industry: bool = Field(default=False, description="高精尖产业领域 (the employer's field)")
    visa_years: int | None = Field(default=None, ge=1, le=10, description="the visa or residence asked for")
    experience_years: float | None = Field(default=None, ge=0, le=60, description="relevant work experience")
    universal_studios: bool = Field(default=False, description="环球影城项目 (rows 61–64)")


class Relaxation(Record):
    rule: str
    applies: bool
    detail: str
    source: str


class Condition(Record):
    rule: str
    met: bool | None = Field(description="None: not decidable from the proposal")
    detail: str
    source: str


class RelaxationReport(Record):
    qualification_no: int
    name: str
    catalog_version: str
    relaxations: tuple[Relaxation, ...]
    conditions: tuple[Condition, ...]


AGE_LIMIT, HIGH_END_AGE_LIMIT, VISA_YEARS = 65, 70, 5
"""正文 一: "年龄可放宽至65周岁(高精尖产业领域可放宽至70周岁)…有效期5年以内的多次签证或居留许可"."""


def relaxations(row: CatalogRow, proposal: WorkPermitProposal, version: str) -> RelaxationReport:
    """正文 一、二 and the row's 备注: what the permit may relax, and the row's own conditions."""
    one, two = f"{SOURCE} 正文一", f"{SOURCE} 正文二"
    row_line = f"{SOURCE} 附件1 第{row.number}项 备注"
    waived = {w for e in row.exemptions if e.scope is None or proposal.universal_studios for w in e.waives}
    limit = HIGH_END_AGE_LIMIT if proposal.high_end_industry else AGE_LIMIT
    age_free = "年龄" in waived
    found: list[Relaxation] = [
        Relaxation(
            rule="experience-counts-as-domestic",
            applies=True,
            detail="境外从业经历可视同境内从业经历",
            source=one,
        ),
        Relaxation(
            rule="no-education-degree-experience-limits",
            applies=True,
            detail="办理工作许可时可不受学历、学位、工作经历限制",
            source=one,
        ),
        Relaxation(
            rule="age",
            applies=age_free or proposal.age <= limit,
            detail=(
                f"{proposal.age}周岁：环球影城项目可不受年龄限制"
                if age_free and proposal.age > limit
                else f"{proposal.age}周岁，{'高精尖产业领域' if proposal.high_end_industry else ''}"
                f"年龄可放宽至{limit}周岁" + ("" if proposal.age <= limit else "，超出放宽范围")
            ),
            source=row_line if age_free and proposal.age > limit else one,
        ),
        Relaxation(
            rule="visa-or-residence",
            applies=proposal.visa_years is None or proposal.visa_years <= VISA_YEARS,
            detail=f"可办理有效期{VISA_YEARS}年以内的多次签证或居留许可"
            + (f"（申请{proposal.visa_years}年）" if proposal.visa_years else ""),
            source=one,
        ),
    ]
    # 正文 一、二 open these to a holder "符合条件的" only: the conditions are other rules', so they
    # are stated, not judged (met: None).
    conditions: list[Condition] = [
        Condition(
            rule="permanent-residence-channel",
            met=None,
            detail="符合条件的纳入办理永久居留便利通道",
            source=one,
        ),
        Condition(
            rule="port-visa",
            met=None,
            detail="口岸签证政策恢复后可向公安机关口岸签证部门申请口岸签证",
            source=one,
        ),
        Condition(
            rule="talent-introduction",
            met=None,
            detail="与在京单位建立人事劳动关系、符合条件的，纳入本市人才引进和工作居住证办理范围",
            source=two,
        ),
    ]
    if row.experience is not None:
        free = "工作经验" in waived
        needed = row.experience.years
        have = proposal.experience_years
        conditions.append(
            Condition(
                rule="relevant-experience",
                met=True if free else (None if have is None else have >= needed),
                detail=f"{row.experience.text}" + ("（环球影城项目可不受工作经验限制）" if free else ""),
                source=row_line,
            )
        )
    if row.registration is not None:
        registration = row.registration
        who = f"{registration.applies_to}" if registration.applies_to else ""
        conditions.append(
            Condition(
                rule="registration-before-practice"
                if registration.act == "注册"
                else "filing-before-practice",
                met=None,
                detail=f"{who}须经{registration.authority}{registration.act}后执业（{registration.text}）",
                source=row_line,
            )
        )
    for exemption in row.exemptions:
        if "母语" in exemption.waives or "母语国" in exemption.waives:
            conditions.append(
                Condition(rule="native-language", met=True, detail=exemption.text, source=row_line)
            )
    return RelaxationReport(
        qualification_no=row.number,
        name=row.name,
        catalog_version=version,
        relaxations=tuple(found),
        conditions=tuple(conditions),
    )
