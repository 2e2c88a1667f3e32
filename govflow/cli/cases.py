"""The case commands every procedure has: start, decide, resume, cancel, status, list; and an
operator's reconcile (the end of terminated cases, recorded in the log)."""

from __future__ import annotations

import argparse
import json
from datetime import date, timedelta
from typing import Any

from pydantic import ValidationError

from activities.reconcile import SETTLE, ReconcileReport
from domain.case import OPENING, Actor, describe_validation_error
from domain.labels import vocabulary
from govflow.cli.common import (
    EXIT_REFUSED,
    Commands,
    DecisionFile,
    _beijing,
    _wait_flag,
    case_number,
    lang_flag,
    read_json,
    today,
)
from govflow.cli.identity import NOT_LOGGED_IN, OPERATOR, token_actor
from govflow.cli.reading import format_list, format_status
from govflow.client import errors
from govflow.client.sdk import CaseSummary, Govflow
from workers.registry import procedure_of_case
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
    elif args.lang == "en":
        opening = f"; still opening after {args.wait:g} s (see govflow status {ref.case_no})"
        print(
            f"started {ref.procedure} case {ref.case_no}"
            + (opening if ref.stage == OPENING else f", stage {ref.stage}")
        )
    else:
        words = vocabulary(ref.procedure)
        where = (
            f"{args.wait:g} 秒后仍在立案中（见 govflow status {ref.case_no}）"
            if ref.stage == OPENING
            else f"当前环节 {words.label('stage', ref.stage)}"
        )
        print(f"已立案：{words.name} {ref.procedure} {ref.case_no}，{where}")
    return 0


async def cmd_decide(args: argparse.Namespace, settings: Settings) -> int:
    case_number(args.case_no)  # one line for a number of no shape, before contacting anything
    try:
        request = DecisionFile.model_validate(read_json(args.file))
    except ValidationError as error:
        raise errors.InputError(f"{args.file}: {describe_validation_error(error)}") from None
    except errors.InputError as error:
        raise errors.InputError(f"{args.file}: {error}") from None
    effective_on = _effective_on(request.effective_on, args.effective_on)
    roles = decision_roles(args.case_no, args.decision)
    actor = token_actor(settings, roles, required=False)
    # Refused here, before anything is contacted, if the case's validator would refuse it (the
    # file first: a person who has not logged in yet hears of the file's faults at once).
    signed_as = actor or Actor(role=min(roles, default="clerk"), id="-")
    Govflow.parse_decision(
        args.case_no, args.decision, signed_as, request.payload, request.request_id, effective_on=effective_on
    )
    if actor is None:
        raise errors.InputError(NOT_LOGGED_IN)
    async with await Govflow.connect(settings) as gf:
        accepted = await gf.decide(
            args.case_no,
            args.decision,
            actor,
            request.payload,
            request_id=request.request_id,
            wait=args.wait,
            effective_on=effective_on,
        )
    if args.json:
        print(accepted.model_dump_json())
    elif args.lang == "en":
        dated = f" (dated {effective_on.isoformat()})" if effective_on else ""
        print(f"{accepted.case_no}: {accepted.decision} taken{dated}; stage now {accepted.stage}")
    else:
        procedure = procedure_of_case(accepted.case_no)
        words = vocabulary(procedure.name if procedure else "")
        dated = f"（行为日期 {effective_on.isoformat()}）" if effective_on else ""
        print(
            f"{accepted.case_no}：已作出决定 {words.label('decision', accepted.decision)}{dated}；"
            f"当前环节 {words.label('stage', accepted.stage)}"
        )
    return 0


def _effective_on(in_file: date | None, flag: str | None) -> date | None:
    """The act's legal date, from the file's `effective_on` or `--effective-on` (not two)."""
    if flag is None:
        return in_file
    try:
        given = date.fromisoformat(flag)
    except ValueError:
        raise errors.InputError(f"--effective-on: {flag!r} is not a date (YYYY-MM-DD)") from None
    if in_file is not None and in_file != given:
        raise errors.InputError(
            f"--effective-on {given.isoformat()} and the file's effective_on {in_file.isoformat()} differ"
        )
    return given


async def cmd_resume(args: argparse.Namespace, settings: Settings) -> int:
    """An operator's resume of a case in `attention`: the step that failed is tried again."""
    case_number(args.case_no)  # one line for a number of no shape, before contacting anything
    async with await Govflow.connect(settings) as gf:
        result = await gf.resume(
            args.case_no, token_actor(settings, frozenset({"operator"})), args.note, wait=args.wait
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


async def cmd_cancel(args: argparse.Namespace, settings: Settings) -> int:
    """An operator's cancellation of a case: recorded (who, why), its clocks stopped, closed."""
    case_number(args.case_no)  # one line for a number of no shape, before contacting anything
    operator = token_actor(settings, OPERATOR)  # the operator logged in; the worker checks it
    async with await Govflow.connect(settings) as gf:
        done = await gf.cancel(
            args.case_no,
            operator,
            args.reason,
            args.request_id,
            wait=args.wait,
        )
    if args.json:
        print(done.model_dump_json())
    else:
        print(f"{done.case_no}：案件已取消 ({done.outcome})；阶段 {done.stage}；理由：{args.reason}")
    return 0


async def cmd_reconcile(args: argparse.Namespace, settings: Settings) -> int:
    """Record the end of every case whose workflow was terminated (an operator's, on the database)."""
    async with await Govflow.connect(settings) as gf:
        report = await gf.reconcile(settle=timedelta(seconds=args.settle))
    if args.json:
        print(json.dumps(_reconcile_json(report), ensure_ascii=False))
    else:
        print(format_reconcile(report))
    return 0


def format_reconcile(report: ReconcileReport) -> str:
    """One line a case, Chinese first, the codes beside."""
    lines = [
        f"{r.case_no}  已补记终止 (CaseTerminated #{r.seq}, outcome terminated)  {r.procedure}  "
        f"原阶段 {r.stage or '-'}  终止时间 {_beijing(r.terminated_at)}  操作人 {r.actor}  理由：{r.reason}"
        for r in report.reconciled
    ]
    lines += [f"{case_no}  刚刚终止，留待下次补记 (too recent)" for case_no in report.too_recent]
    lines += [f"{case_no}  本库无该案记录，未补记 (not on record)" for case_no in report.not_on_record]
    if not report.reconciled:
        lines.append("无需补记：没有尚未记录终止的案件 (nothing to reconcile)")
    if report.recorded_before:
        lines.append(f"另有{report.recorded_before}件已终止的案件此前已记录 (already recorded)")
    return "\n".join(lines)


def _reconcile_json(report: ReconcileReport) -> dict[str, Any]:
    return {
        "reconciled": [
            {
                "case_no": r.case_no,
                "procedure": r.procedure,
                "seq": r.seq,
                "event": "CaseTerminated",
                "actor": r.actor,
                "reason": r.reason,
                "terminated_at": r.terminated_at.isoformat(),
                "stage": r.stage,
            }
            for r in report.reconciled
        ],
        "already_recorded": report.recorded_before,
        "too_recent": list(report.too_recent),
        "not_on_record": list(report.not_on_record),
    }


async def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    case_number(args.case_no)  # one line for a number of no shape, before contacting anything
    async with await Govflow.connect(settings) as gf:
        status = await gf.status(args.case_no)
    print(status.model_dump_json(indent=2) if args.json else format_status(status, today(), args.lang))
    return 0


async def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    async with await Govflow.connect(settings) as gf:
        cases = await gf.list_cases(
            procedure=args.procedure,
            stage=args.stage,
            overdue=args.overdue,
            stuck=args.stuck,
            limit=args.limit,
            applicant=args.applicant,
        )
    if args.json:
        print(json.dumps([_summary_json(c) for c in cases], ensure_ascii=False))
    else:
        print(format_list(cases, today(), args.lang))
    return 0


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


def decision_roles(case_no: str, decision: str) -> frozenset[str]:
    """The roles that may take `decision` on cases numbered like `case_no` (none: unknown)."""
    procedure = procedure_of_case(case_no)
    rule = procedure.decisions.get(decision) if procedure else None
    return rule.roles if rule else frozenset()


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
    lang_flag(start)
    start.set_defaults(run=cmd_start)

    decide = commands.add_parser("decide", help="submit a decision from a JSON file")
    decide.add_argument("case_no")
    decide.add_argument("decision")
    decide.add_argument("file")
    decide.add_argument(
        "--effective-on",
        metavar="YYYY-MM-DD",
        help="the legal date of the act or receipt when entered later (clocks count from it)",
    )
    _wait_flag(decide, "for the decision to be carried out")
    decide.add_argument("--json", action="store_true")
    lang_flag(decide)
    decide.set_defaults(run=cmd_decide)

    resume = commands.add_parser(
        "resume", help="an operator resumes a case in attention (the failed step is tried again)"
    )
    resume.add_argument("case_no")
    resume.add_argument("--note", required=True, help="what was corrected (recorded)")
    _wait_flag(resume, "for the step to go through")
    resume.add_argument("--json", action="store_true")
    resume.set_defaults(run=cmd_resume)

    cancel = commands.add_parser(
        "cancel", help="an operator cancels a case (recorded with who and why; the case closes)"
    )
    cancel.add_argument("case_no")
    cancel.add_argument("--reason", required=True, help="why the case is cancelled (recorded)")
    cancel.add_argument("--request-id", help="makes sending the same cancellation again safe")
    _wait_flag(cancel, "for the cancellation to be recorded")
    cancel.add_argument("--json", action="store_true")
    cancel.set_defaults(run=cmd_cancel)

    reconcile = commands.add_parser(
        "reconcile",
        help="record the end of cases whose workflow was terminated (CaseTerminated; an operator's)",
    )
    reconcile.add_argument(
        "--settle",
        type=float,
        default=SETTLE.total_seconds(),
        metavar="SECONDS",
        help=f"leave terminations younger than this for the next run (default {SETTLE.total_seconds():g})",
    )
    reconcile.add_argument("--json", action="store_true")
    reconcile.set_defaults(run=cmd_reconcile)

    status = commands.add_parser("status", help="show a case")
    status.add_argument("case_no")
    status.add_argument("--json", action="store_true")
    lang_flag(status)
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
    listing.add_argument(
        "--applicant",
        metavar="ID",
        help="only this applicant's cases: a company's credit code, or a person's ID number "
        "(searched by its pseudonym; the ID number is not sent)",
    )
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true")
    lang_flag(listing)
    listing.set_defaults(run=cmd_list)
