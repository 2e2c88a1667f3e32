"""The case commands every procedure has: start, decide, resume, status, list."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pydantic import ValidationError

from domain.case import OPENING, Actor, CaseStatus, describe_validation_error
from govflow.cli.common import (
    EXIT_REFUSED,
    Commands,
    DecisionFile,
    _beijing,
    _wait_flag,
    case_number,
    read_json,
)
from govflow.client import errors
from govflow.client.sdk import CaseSummary, Govflow
from workers.settings import Settings


async def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    Govflow.procedure(args.procedure)  # an unknown procedure is named before the file is read
    try:
        application = Govflow.parse_application(args.procedure, read_json(args.file))
    except errors.InputError as error:
        raise errors.InputError(f"{args.file}: {error}") from None
    async with await Govflow.connect(settings) as gf:
        ref = await gf.start_case(args.procedure, application, case_no=args.case_no, wait=args.wait)
    if args.json:
        print(
            json.dumps(
                {"case_no": ref.case_no, "procedure": ref.procedure, "run_id": ref.run_id, "stage": ref.stage}
            )
        )
    elif ref.stage == OPENING:
        print(
            f"started {ref.procedure} case {ref.case_no}; still opening after {args.wait:g} s "
            f"(see govflow status {ref.case_no})"
        )
    else:
        print(f"started {ref.procedure} case {ref.case_no}, stage {ref.stage}")
    return 0


async def cmd_decide(args: argparse.Namespace, settings: Settings) -> int:
    case_number(args.case_no)  # one line for a number of no shape, before contacting anything
    try:
        request = DecisionFile.model_validate(read_json(args.file))
    except ValidationError as error:
        raise errors.InputError(f"{args.file}: {describe_validation_error(error)}") from None
    except errors.InputError as error:
        raise errors.InputError(f"{args.file}: {error}") from None
    # Refused here, before anything is contacted, if the case's validator would refuse it.
    Govflow.parse_decision(args.case_no, args.decision, request.actor, request.payload, request.request_id)
    async with await Govflow.connect(settings) as gf:
        accepted = await gf.decide(
            args.case_no,
            args.decision,
            request.actor,
            request.payload,
            request_id=request.request_id,
            wait=args.wait,
        )
    if args.json:
        print(accepted.model_dump_json())
    else:
        print(f"{accepted.case_no}: {accepted.decision} taken; stage now {accepted.stage}")
    return 0


async def cmd_resume(args: argparse.Namespace, settings: Settings) -> int:
    """An operator's resume of a case in `attention`: the step that failed is tried again."""
    case_number(args.case_no)  # one line for a number of no shape, before contacting anything
    async with await Govflow.connect(settings) as gf:
        result = await gf.resume(
            args.case_no, Actor(role="operator", id=args.operator), args.note, wait=args.wait
        )
    if args.json:
        print(result.model_dump_json())
    elif result.recovered:
        print(f"{result.case_no}: resumed; {result.step} went through; stage now {result.stage}")
    else:
        print(
            f"{result.case_no}: resumed, but {result.step} failed again; stage {result.stage} "
            f"(see govflow status {result.case_no})"
        )
        return EXIT_REFUSED
    return 0


async def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    case_number(args.case_no)  # one line for a number of no shape, before contacting anything
    async with await Govflow.connect(settings) as gf:
        status = await gf.status(args.case_no)
    print(status.model_dump_json(indent=2) if args.json else format_status(status))
    return 0


async def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    async with await Govflow.connect(settings) as gf:
        cases = await gf.list_cases(
            procedure=args.procedure,
            stage=args.stage,
            overdue=args.overdue,
            stuck=args.stuck,
            limit=args.limit,
        )
    if args.json:
        print(json.dumps([_summary_json(c) for c in cases], ensure_ascii=False))
    else:
        print(format_list(cases))
    return 0


def format_status(status: CaseStatus) -> str:
    lines = [
        f"case       {status.case_no}",
        f"procedure  {status.procedure}",
        f"stage      {status.stage}",
        f"applicant  {status.applicant_id}",
        f"district   {status.district or '-'}",
        f"opened     {_beijing(status.opened_at)}",
        f"outcome    {status.outcome or '(open)'}",
    ]
    if status.attention is not None:  # what the operator must correct before `govflow resume`
        held = status.attention
        lines += [
            f"attention  since {_beijing(held.since)}, in stage {held.stage}: step {held.step} failed",
            f"           {held.error_type}: {held.message}",
            f"           correct the cause, then: govflow resume {status.case_no} --note … --operator …",
        ]
    lines.append("deadlines")
    lines += [
        f"  {d.name:<16} due {d.due.isoformat()}  {d.state}{'  (provisional)' if d.provisional else ''}"
        f"  [{d.article}]"
        for d in status.deadlines
    ] or ["  (none)"]
    lines.append("history")
    lines += [f"  {e.seq:>3} {_beijing(e.at)}  {e.type:<22} {e.actor}" for e in status.history]
    return "\n".join(lines)


def format_list(cases: list[CaseSummary]) -> str:
    if not cases:
        return "(no cases)"
    rows = [("CASE", "PROCEDURE", "STAGE", "APPLICANT", "NEXT DEADLINE", "STATUS")]
    rows += [
        (
            c.case_no,
            c.procedure,
            c.stage,
            c.applicant_id,
            _beijing(c.next_deadline) if c.next_deadline else "-",
            c.status + (" OVERDUE" if c.overdue and c.status == "running" else ""),
        )
        for c in cases
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in rows)


def _summary_json(case: CaseSummary) -> dict[str, Any]:
    return {
        "case_no": case.case_no,
        "procedure": case.procedure,
        "stage": case.stage,
        "applicant_id": case.applicant_id,
        "district": case.district,
        "next_deadline": case.next_deadline.isoformat() if case.next_deadline else None,
        "status": case.status,
        "overdue": case.overdue,
        "started_at": case.started_at.isoformat() if case.started_at else None,
    }


def register(commands: Commands) -> None:
    start = commands.add_parser("start", help="start a case from a JSON file")
    start.add_argument("procedure")
    start.add_argument("file")
    start.add_argument(
        "--case-no",
        help="a number of this procedure already issued (a start tried again); default: the next number",
    )
    _wait_flag(start, "for the case to open")
    start.add_argument("--json", action="store_true")
    start.set_defaults(run=cmd_start)

    decide = commands.add_parser("decide", help="submit a decision from a JSON file")
    decide.add_argument("case_no")
    decide.add_argument("decision")
    decide.add_argument("file")
    _wait_flag(decide, "for the decision to be carried out")
    decide.add_argument("--json", action="store_true")
    decide.set_defaults(run=cmd_decide)

    resume = commands.add_parser(
        "resume", help="an operator resumes a case in attention (the failed step is tried again)"
    )
    resume.add_argument("case_no")
    resume.add_argument("--note", required=True, help="what was corrected (recorded)")
    resume.add_argument("--operator", required=True, help="the operator's id (recorded)")
    _wait_flag(resume, "for the step to go through")
    resume.add_argument("--json", action="store_true")
    resume.set_defaults(run=cmd_resume)

    status = commands.add_parser("status", help="show a case")
    status.add_argument("case_no")
    status.add_argument("--json", action="store_true")
    status.set_defaults(run=cmd_status)

    listing = commands.add_parser("list", help="list cases")
    listing.add_argument("--procedure")
    listing.add_argument("--stage")
    listing.add_argument("--overdue", action="store_true", help="only cases past a running deadline")
    listing.add_argument(
        "--stuck",
        action="store_true",
        help="only cases whose workflow task keeps failing (a fault of the worker)",
    )
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_list)
