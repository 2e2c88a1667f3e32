"""`govflow inbox`: the cases waiting on a role (and a person or district), overdue first, then by
due date, each with its next action in one line."""

from __future__ import annotations

import argparse
import json
from datetime import date

from domain.case import NextStep
from domain.labels import Lang, role_label, vocabulary
from govflow.cli.common import Commands, lang_flag, today
from govflow.cli.identity import token_actor
from govflow.cli.reading import days_left, deadline_name, waiting_line
from govflow.cli.tables import day_text, table
from govflow.client.sdk import Govflow, InboxItem
from workers.settings import Settings


async def cmd_inbox(args: argparse.Namespace, settings: Settings) -> int:
    role, person = args.role, args.person
    if role is None:  # whoever is logged in: their role and their own id
        actor = token_actor(settings, frozenset())
        role, person = actor.role, person or actor.id
    async with await Govflow.connect(settings) as gf:
        items = await gf.inbox(role, person=person, district=args.district, limit=args.limit)
    if args.json:
        print(json.dumps([_item_json(item, today()) for item in items], ensure_ascii=False))
    else:
        print(format_inbox(items, role, today(), args.lang))
    return 0


def format_inbox(items: list[InboxItem], role: str, today: date, lang: Lang = "zh") -> str:
    zh = lang == "zh"
    title = (
        f"待{role_label(role, lang)} 办理的案件：{len(items)} 件"
        if zh
        else f"{len(items)} cases waiting on {role}"
    )
    if not items:
        return title
    header = (
        ("案件编号", "事项", "环节", "下一步", "期限", "")
        if zh
        else ("CASE", "PROCEDURE", "STAGE", "NEXT", "DUE", "")
    )
    rows = []
    for item in items:
        words, step = vocabulary(item.case.procedure), item.next_step
        stage = words.label("stage", item.case.stage, lang)
        procedure = words.name if zh else item.case.procedure
        if step is None:  # it could not say: a stuck case, shown first
            problem = f"无法读取案件状态：{item.problem}" if zh else f"status unreadable: {item.problem}"
            rows.append((item.case.case_no, procedure, stage, problem, "", ""))
            continue
        due = ""
        if step.due is not None:
            name = deadline_name(words, step.clock or "", step.deadline_kind, lang) if step.clock else ""
            due = f"{day_text(step.due, lang)} {name} {step.article or ''}".strip()
        rows.append(
            (
                item.case.case_no,
                procedure,
                stage,
                waiting_line(words, _first(step), lang).removeprefix("下一步").strip(),
                due,
                days_left(step.due, today, lang) if step.due else "",
            )
        )
    return f"{title}\n{table(header, rows)}"


SHOWN_DECISIONS = 3


def _first(step: NextStep) -> NextStep:
    """A row names the first few decisions the stage takes (the table's order), then how many
    more: `status` lists them all."""
    if len(step.decisions) <= SHOWN_DECISIONS:
        return step
    more = f"…（共 {len(step.decisions)} 项，见 govflow status）"
    return step.model_copy(update={"decisions": (*step.decisions[:SHOWN_DECISIONS], more)})


def _item_json(item: InboxItem, today: date) -> dict[str, object]:
    step = item.next_step
    due = step.due if step else None
    return {
        "case_no": item.case.case_no,
        "procedure": item.case.procedure,
        "stage": item.case.stage,
        "district": item.case.district,
        "next_step": step.model_dump(mode="json") if step else None,
        "problem": item.problem,
        "days_left": (due - today).days if due else None,
        "overdue": due is not None and due < today,
    }


def register(commands: Commands) -> None:
    inbox = commands.add_parser(
        "inbox", help="the cases waiting on a role (default: whoever is logged in), overdue first"
    )
    inbox.add_argument(
        "--role", help="e.g. receiving-officer, reviewer, operator (default: the login's role)"
    )
    inbox.add_argument("--person", metavar="ID", help="only cases that name this person, or name no one")
    inbox.add_argument("--district", help="only this district's cases (haidian, chaoyang, …)")
    inbox.add_argument("--limit", type=int, default=200)
    inbox.add_argument("--json", action="store_true")
    lang_flag(inbox)
    inbox.set_defaults(run=cmd_inbox)
