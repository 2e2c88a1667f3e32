"""How a case reads for the people who handle it: Chinese first, the code beside where a person
may need to type it (`受理 accept`), dates as the notices write them; `--lang en` gives the codes
and English. The first lines of `status` say what the case waits for, who must act, by when and
under which article, and how many days are left or overdue; `list` and `inbox` say it in a row."""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.calendar import local_date
from domain.case import CaseStatus, Deadline, NextStep
from domain.labels import Lang, Vocabulary, role_label, vocabulary
from govflow.cli.common import _beijing
from govflow.cli.tables import chinese_date, day_text, table
from govflow.client.sdk import CaseSummary

STATES_ZH = {"running": "进行中", "paused": "中止", "met": "已按期完成", "breached": "已逾期"}
KINDS_ZH = {"clock": "法定期限", "publicity": "公示期", "period": "期间"}


def days_left(due: date, today: date, lang: Lang = "zh") -> str:
    """`还有 7 天`, `今日届满`, `已逾期 3 天` (calendar days to the end of the due date)."""
    days = (due - today).days
    if lang == "en":
        return f"{days} days left" if days > 0 else "due today" if days == 0 else f"{-days} days overdue"
    return f"还有 {days} 天" if days > 0 else "今日届满" if days == 0 else f"已逾期 {-days} 天"


def deadline_name(words: Vocabulary, deadline_name: str, kind: str | None, lang: Lang) -> str:
    """A clock's name (`受理决定期限 acceptance`), or a wait's (`公示期 publicity`)."""
    if kind in (None, "clock") or words.zh("clock", deadline_name):
        return words.label("clock", deadline_name, lang)
    if lang == "en":
        return deadline_name
    return f"{KINDS_ZH.get(kind, '期间')} {deadline_name}"


def next_step_lines(status: CaseStatus, today: date, lang: Lang = "zh") -> list[str]:
    """What the case waits for, who acts, by when: the lines `status` opens with."""
    words = vocabulary(status.procedure)
    step = status.next_step
    if step is None:
        ended = words.label("outcome", status.outcome or "closed", lang)
        return [f"已办结：{ended}" if lang == "zh" else f"ended: {ended}"]
    lines = [waiting_line(words, step, lang)]
    if step.roles or step.who or step.persons:
        lines.append(("由谁办理  " if lang == "zh" else "who acts  ") + who_text(step, lang))
    if step.due is not None:
        lines.append(("办理期限  " if lang == "zh" else "due       ") + due_text(words, step, today, lang))
    return lines


def waiting_line(words: Vocabulary, step: NextStep, lang: Lang) -> str:
    if lang == "en":
        acts = ", ".join(step.decisions)
        return {
            "decision": f"waiting for a decision: {acts}",
            "party": f"waiting for the party ({', '.join(step.who) or 'the applicant'}); then: {acts}",
            "period": f"waiting for the period to end; meanwhile: {acts or '-'}",
            "operator": "held for an operator: correct the cause, then govflow resume",
            "opening": "opening (its first clocks are being planned)",
            "idle": "nothing to do until something happens (the record lives on)",
        }[step.waiting_for]
    acts = "、".join(words.label("decision", d, lang) for d in step.decisions)
    return {
        "decision": f"下一步    待作出决定：{acts}",
        "party": f"下一步    待{'、'.join(step.who) or '当事人'}办理；其后可作出：{acts}",
        "period": f"下一步    期间届满前等待{f'；期间可作出：{acts}' if acts else ''}",
        "operator": "下一步    待运维人员排除故障后恢复办理（govflow resume）",
        "opening": "下一步    立案中（正在计算首个期限）",
        "idle": "下一步    暂无待办事项（记录存续，有新情况时办理）",
    }[step.waiting_for]


def who_text(step: NextStep, lang: Lang) -> str:
    roles = ("、" if lang == "zh" else ", ").join(role_label(role, lang) for role in step.roles)
    named = ("、" if lang == "zh" else ", ").join((*step.persons, *step.who))
    if named and roles:
        return f"{named}（{roles}）" if lang == "zh" else f"{named} ({roles})"
    return named or roles


def due_text(words: Vocabulary, step: NextStep, today: date, lang: Lang) -> str:
    assert step.due is not None
    name = deadline_name(words, step.clock or "", step.deadline_kind, lang) if step.clock else ""
    if lang == "en":
        return f"{step.due.isoformat()} ({name}, {step.article}), {days_left(step.due, today, lang)}"
    return f"{chinese_date(step.due)}（{name}，{step.article}），{days_left(step.due, today, lang)}"


def format_status(status: CaseStatus, today: date, lang: Lang = "zh") -> str:
    words = vocabulary(status.procedure)
    zh = lang == "zh"
    title = f"{words.name}（{words.basis}）{status.procedure}" if zh else status.procedure
    lines = [f"{status.case_no}  {title}"]
    lines.append(("环节      " if zh else "stage     ") + words.label("stage", status.stage, lang))
    lines += next_step_lines(status, today, lang)
    district = status.district
    lines += [
        ("申请人    " if zh else "applicant ") + status.applicant_id,
        ("区        " if zh else "district  ")
        + (f"{district.chinese_name} {district.value}" if district and zh else district or "-"),
        ("立案时间  " if zh else "opened    ") + _beijing(status.opened_at),
        ("结果      " if zh else "outcome   ")
        + (words.label("outcome", status.outcome, lang) if status.outcome else "办理中" if zh else "(open)"),
    ]
    if status.attention is not None:  # what the operator must correct before `govflow resume`
        held = status.attention
        stage = words.label("stage", held.stage, lang)
        lines.append(
            f"待运维处置  自{_beijing(held.since)}起，环节 {stage}：步骤 {held.step} 失败"
            if zh
            else f"attention since {_beijing(held.since)}, in stage {stage}: step {held.step} failed"
        )
        lines += [
            f"          {held.error_type}: {held.message}",
            (
                "          排除原因后（以 operator 登录）："
                if zh
                else "          correct the cause, then (as operator): "
            )
            + f"govflow resume {status.case_no} --note …",
        ]
    lines.append("期限一览" if zh else "deadlines")
    lines += [f"  {row}" for row in deadline_rows(words, status.deadlines, today, lang)] or [
        "  （无）" if zh else "  (none)"
    ]
    lines.append("办理记录" if zh else "history")
    lines += [
        f"  {e.seq:>3} {_beijing(e.at)}  {event_text(words, e.type, e.data, lang)}  {e.actor}"
        for e in status.history
    ]
    return "\n".join(lines)


def deadline_rows(words: Vocabulary, deadlines: tuple[Deadline, ...], today: date, lang: Lang) -> list[str]:
    if not deadlines:
        return []
    zh = lang == "zh"
    rows = [
        (
            deadline_name(words, d.name, d.kind, lang),
            day_text(d.due, lang)
            + ("（暂定）" if zh and d.provisional else " (provisional)" if d.provisional else ""),
            f"{STATES_ZH[d.state]} {d.state}" if zh else d.state,
            d.article,
            d.acts or "",
            days_left(d.due, today, lang) if d.state in ("running", "breached") else "",
        )
        for d in deadlines
    ]
    header = (
        ("期限", "届满日", "状态", "依据", "办理主体", "")
        if zh
        else ("deadline", "due", "state", "article", "acts", "")
    )
    return table(header, rows).splitlines()


def event_text(words: Vocabulary, kind: str, data: dict[str, Any], lang: Lang) -> str:
    """An event as a line of the history: `作出决定 DecisionTaken：受理 accept`."""
    text = (
        words.label("event", kind, lang)
        if lang == "en"
        else f"{words.zh('event', kind) or ''} {kind}".strip()
    )
    detail = ""
    if kind == "DecisionTaken":
        detail = words.label("decision", str(data.get("decision")), lang)
    elif kind == "StageChanged":
        detail = words.label("stage", str(data.get("to_stage")), lang)
    elif kind == "CaseClosed":
        detail = words.label("outcome", str(data.get("outcome")), lang)
    elif kind.startswith("Clock") and "clock" in data:
        detail = words.label("clock", str(data["clock"]), lang)
    elif kind == "NoticeIssued":
        detail = str(data.get("template") or data.get("step") or "")
    if not detail:
        return text
    return f"{text}：{detail}" if lang == "zh" else f"{text}: {detail}"


def format_list(cases: list[CaseSummary], today: date, lang: Lang = "zh") -> str:
    zh = lang == "zh"
    if not cases:
        return "（没有案件）" if zh else "(no cases)"
    header = (
        ("案件编号", "事项", "环节", "申请人", "下一期限", "状态")
        if zh
        else ("CASE", "PROCEDURE", "STAGE", "APPLICANT", "NEXT DEADLINE", "STATUS")
    )
    rows = []
    for case in cases:
        words = vocabulary(case.procedure)
        deadline = case.next_deadline
        due = day_text(local_date(deadline), lang) if deadline else "-"
        if deadline and zh:
            due = f"{due}（{days_left(local_date(deadline), today)}）"
        rows.append(
            (
                case.case_no,
                f"{words.name} {case.procedure}" if zh else case.procedure,
                words.label("stage", case.stage, lang),
                case.applicant_id,
                due,
                status_text(case, lang),
            )
        )
    return table(header, rows)


def status_text(case: CaseSummary, lang: Lang) -> str:
    overdue = case.overdue and case.status == "running"
    if lang == "en":
        return case.status + (" OVERDUE" if overdue else "")
    running = {"running": "办理中", "completed": "已办结", "canceled": "已撤销", "terminated": "已终止"}
    return ("已逾期" if overdue else running.get(case.status, case.status)) + f" {case.status}"
