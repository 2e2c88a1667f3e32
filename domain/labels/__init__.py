"""Chinese for people, codes for machines: the names of every stage, decision, outcome, clock,
event type and role, in the gazette's own words (受理, 不予受理, 补正, 办结, 公示, 授牌…).

Each procedure keeps its words in one place, `domain/labels/<procedure>.py` (its `VOCABULARY`);
what every case shares (the core's stages, events and outcomes, the roles) is here. Human output
(`govflow status`, `list`, `inbox`, reports, the Temporal UI's summaries) shows the Chinese with
the code beside it where a person may need to type it (`受理 accept`); `--lang en` shows the
codes alone, and `--json` is unchanged. A code that has no word yet is shown as it is: nothing
a case does is ever hidden for want of a label, and tests/unit/test_labels.py fails on the gap.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Kind = Literal["stage", "decision", "outcome", "clock", "event", "role"]
Lang = Literal["zh", "en"]


def _frozen(words: Mapping[str, str]) -> Mapping[str, str]:
    return MappingProxyType(dict(words))


@dataclass(frozen=True)
class Vocabulary:
    """A procedure's words. `name` is the procedure's own title (外商投资企业投诉) and `basis`
    the document that sets it (京商函字〔2021〕1056号)."""

    name: str
    basis: str
    stages: Mapping[str, str] = field(default_factory=dict)
    decisions: Mapping[str, str] = field(default_factory=dict)
    outcomes: Mapping[str, str] = field(default_factory=dict)
    clocks: Mapping[str, str] = field(default_factory=dict)
    events: Mapping[str, str] = field(default_factory=dict)
    """The procedure's own event types (the core's are in CORE_EVENTS)."""
    roles: Mapping[str, str] = field(default_factory=dict)
    """Roles the procedure names differently from ROLES (rare)."""

    def __post_init__(self) -> None:
        for name in ("stages", "decisions", "outcomes", "clocks", "events", "roles"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    def words(self, kind: Kind) -> Mapping[str, str]:
        own = {
            "stage": self.stages,
            "decision": self.decisions,
            "outcome": self.outcomes,
            "clock": self.clocks,
            "event": self.events,
            "role": self.roles,
        }[kind]
        return {**CORE[kind], **own}

    def zh(self, kind: Kind, code: str) -> str | None:
        """The Chinese for `code`, or None if it has none."""
        words = self.words(kind)
        return words.get(code) or _qualified(words, code)

    def label(self, kind: Kind, code: str, lang: Lang = "zh", *, code_beside: bool = True) -> str:
        """What a person reads: `受理 accept` (Chinese, the code beside), `受理` without the code,
        the code alone in English or where there is no Chinese for it."""
        if lang == "en":
            return code
        chinese = self.zh(kind, code)
        if chinese is None:
            return code
        return f"{chinese} {code}" if code_beside else chinese


def _qualified(words: Mapping[str, str], code: str) -> str | None:
    """A code with its particular after it reads as its word with the particular: a clock a case
    starts once per party (`reply:市某局`, `check:9111…`), an outcome with its article
    (`not accepted (第十一条第（1）项)`, `returned: materials incomplete`)."""
    for separator in (" (", ": ", ":", "-"):
        head, found, rest = code.partition(separator)
        if found and head in words:
            particular = rest.removesuffix(")") if separator == " (" else rest
            return f"{words[head]}（{particular}）"
    return None


ROLES: Mapping[str, str] = _frozen(
    {
        "applicant": "申请人",
        "clerk": "受理人员",
        "reviewer": "审核人员",
        "inspector": "检查人员",
        "operator": "运维人员",
        "system": "系统",
        "receiving-officer": "投诉受理人员",
        "handling-officer": "投诉处理人员",
        "head-of-body": "投诉受理机构负责人",
        "coordinating-officer": "外商投诉协调机构人员",
        "district-officer": "区商务主管部门",
        "window-officer": "受理窗口",
        "credit-officer": "信用管理人员",
        "economy-bureau": "经济和信息化主管部门",
        "district-bureau": "区商务主管部门",
        "municipal-bureau": "北京市商务局",
        "enterprise": "企业",
        "public": "社会公众",
        "third-party-auditor": "第三方审计机构",
        "exam-office": "考试机构",
        "committee-secretary": "评审委员会秘书",
        "committee-member": "评审委员会委员",
        "employer-hr": "用人单位人事部门",
        "hr-bureau": "北京市人力资源和社会保障局",
        "panel-expert": "评议专家",
        "review-agency": "评审服务机构",
        "verification-officer": "核验人员",
        "district-hr": "区人力资源和社会保障局",
    }
)

CORE_STAGES: Mapping[str, str] = _frozen({"opening": "立案中", "attention": "待运维处置", "closed": "已办结"})
CORE_EVENTS: Mapping[str, str] = _frozen(
    {
        "CaseOpened": "立案",
        "StageChanged": "环节变更",
        "DecisionTaken": "作出决定",
        "NoticeIssued": "制发文书",
        "Escalated": "报告上级机关",
        "VerificationRecorded": "核验记录",
        "CaseNeedsAttention": "待运维处置",
        "CaseResumed": "恢复办理",
        "CaseClosed": "办结",
        "CaseCancelled": "撤销案件",
        "CaseTerminated": "案件终止",
        "ClockStarted": "期限起算",
        "ClockPaused": "期限中止",
        "ClockResumed": "期限恢复计算",
        "ClockExtended": "期限延长",
        "ClockMet": "按期完成",
        "ClockBreached": "期限届满未完成",
        "ClockCompletedLate": "逾期完成",
        "ClockReminded": "期限提醒",
        "ClockReplanned": "期限重新计算",
    }
)
CORE_OUTCOMES: Mapping[str, str] = _frozen({"cancelled": "已撤销", "terminated": "已终止"})

CORE: Mapping[Kind, Mapping[str, str]] = {
    "stage": CORE_STAGES,
    "decision": {},
    "outcome": CORE_OUTCOMES,
    "clock": {},
    "event": CORE_EVENTS,
    "role": ROLES,
}

PLATFORM = Vocabulary(name="政务案件", basis="北京市人民政府公报2021年第44期")
"""For a case of no procedure this build knows: the core's words only."""

_MODULES: Mapping[str, str] = {
    "demo": "demo",
    "complaint": "complaint",
    "auction-permit": "auction_permit",
    "credit-record": "credit_record",
    "spot-check": "spot_check",
    "subsidy": "subsidy",
    "ecommerce-subsidy": "ecommerce_subsidy",
    "title-exam": "title_exam",
    "title-review": "title_review",
    "qualification-verification": "qualification_verification",
    "hr-park": "hr_park",
}


def vocabulary(procedure: str) -> Vocabulary:
    """The words of `procedure` (the core's alone for one this build does not know)."""
    module = _MODULES.get(procedure)
    if module is None:
        return PLATFORM
    found: Vocabulary = importlib.import_module(f"domain.labels.{module}").VOCABULARY
    return found


def role_label(role: str, lang: Lang = "zh") -> str:
    """`受理人员 clerk`: a role as a person reads it, with the code they log in as."""
    chinese = ROLES.get(role)
    return f"{chinese} {role}" if chinese and lang == "zh" else role


SUMMARY_BYTES = 150
"""A summary's most UTF-8 bytes. Temporal refuses user metadata over 400 bytes as stored, which
the codec's envelope (about 140 bytes) counts in: a case that cannot start, or an activity that
cannot be scheduled, over a long department name would be a wedged case."""


def brief(text: str, limit: int = SUMMARY_BYTES) -> str:
    """`text` cut on a character boundary to at most `limit` UTF-8 bytes, an ellipsis marking a cut."""
    if len(text.encode()) <= limit:
        return text
    cut = text.encode()[: limit - len("…".encode())].decode(errors="ignore")
    return cut + "…"


_NAMED = ("applicant", "complainant", "enterprise", "employer", "operator", "holder")
_NAMES = ("name", "park_name", "round_name")


def applicant_name(application: object) -> str | None:
    """The name an application gives its applicant (a company, a person, a park, a round)."""
    for part in _NAMED:
        party = getattr(application, part, None)
        name = getattr(party, "name", None) if party is not None else None
        if isinstance(name, str) and name:
            return name
    for attribute in _NAMES:
        name = getattr(application, attribute, None)
        if isinstance(name, str) and name:
            return name
    return None


def case_summary(procedure: str, case_no: str, application: object) -> str:
    """The Temporal UI's one-line summary of a case: `外商投资企业投诉｜CMPL-2026-000001｜某公司`.
    Sealed like every payload (the codec): only a UI with the codec server reads it."""
    words = vocabulary(procedure)
    name = applicant_name(application)
    return brief("｜".join(part for part in (words.name, case_no, name) if part))


def case_details(procedure: str, case_no: str, application: object, district: object = None) -> str:
    """The Temporal UI's static details (markdown): what the case is, under which document."""
    words = vocabulary(procedure)
    lines = [
        f"**事项 Procedure**：{words.name}（{procedure}）",
        f"**依据 Basis**：{words.basis}",
        f"**案件编号 Case**：{case_no}",
    ]
    name = applicant_name(application)
    if name:
        lines.append(f"**申请人 Applicant**：{name}")
    chinese = getattr(district, "chinese_name", None)
    if district is not None:
        lines.append(f"**区 District**：{chinese or district}（{district}）")
    return "\n\n".join(lines)
