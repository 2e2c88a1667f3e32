"""`govflow`: the command line, a thin layer over the client SDK.

Exit status: 0 done; 1 refused (bad input, unknown case, a decision the case refuses, a case
that is stuck); 2 wrong usage; 3 Temporal or PostgreSQL unreachable, or no worker answered;
4 accepted but still being carried out when the wait ran out. Errors are one line on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import traceback
import warnings
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from activities.db.connection import DatabaseUnreachableError
from domain.beijing import District
from domain.calendar import SHANGHAI
from domain.case import OPENING, Actor, CaseStatus, describe_validation_error
from domain.errors import DomainError
from domain.inputs import RequestId, check_plausible, validate_at_boundary
from domain.models import Record
from govflow.client import errors
from govflow.client.sdk import DEFAULT_WAIT, CaseSummary, Govflow
from workers.devstack import DevStackError
from workers.logs import configure_logging
from workers.settings import Settings
from workers.temporal import TemporalUnreachableError

EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_PENDING = 1, 2, 3, 4
MAX_FILE_BYTES = 1024 * 1024
"""No start or decision file is larger; refused before anything is read into a case."""
MAX_NESTING = 32


class DecisionFile(Record):
    """The FILE of `govflow decide`: who decides, with what; request_id makes it idempotent."""

    actor: Actor
    payload: dict[str, Any] = Field(default_factory=dict)
    request_id: RequestId | None = None

    @field_validator("actor", "request_id", mode="after")
    @classmethod
    def _plausible(cls, value: Any) -> Any:
        """As DecisionRequest: the payload's own model checks its fields and names the one that
        fails (`payload.note`), which a check of the whole dict here could not."""
        check_plausible(value)
        return value


def read_json(path: str) -> Any:
    """A JSON file as a person would hand it in; anything else is one line naming why."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            raise errors.InputError(f"{size} bytes is more than a case file may hold ({MAX_FILE_BYTES})")
        raw = Path(path).read_bytes()
    except OSError as error:
        raise errors.InputError(f"cannot read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise errors.InputError(f"not UTF-8 text (byte {error.start}: {raw[error.start]:#04x})") from None
    try:
        document = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise errors.InputError(
            f"malformed JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except ValueError as error:  # an integer of thousands of digits
        raise errors.InputError(f"not a number a case takes ({str(error).split(';')[0]})") from None
    except RecursionError:
        raise errors.InputError(f"JSON nested deeper than {MAX_NESTING} levels") from None
    if _depth(document) > MAX_NESTING:
        raise errors.InputError(f"JSON nested deeper than {MAX_NESTING} levels")
    return document


def _no_constant(name: str) -> Any:
    raise errors.InputError(f"{name} is not a number a case takes")


def _depth(value: Any, level: int = 1) -> int:
    if level > MAX_NESTING:
        return level
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return max((_depth(child, level + 1) for child in children), default=level)


# -- commands ------------------------------------------------------------------------------


async def cmd_start(args: argparse.Namespace, settings: Settings) -> int:
    Govflow.procedure(args.procedure)  # an unknown procedure is named before the file is read
    try:
        application = Govflow.parse_application(args.procedure, read_json(args.file))
    except errors.InputError as error:
        raise errors.InputError(f"{args.file}: {error}") from None
    async with await Govflow.connect(settings) as gf:
        ref = await gf.start_case(args.procedure, application, case_no=args.case_no, wait=args.wait)
    if args.json:
        print(json.dumps({"case_no": ref.case_no, "procedure": ref.procedure, "run_id": ref.run_id,
                          "stage": ref.stage}))
    elif ref.stage == OPENING:
        print(f"started {ref.procedure} case {ref.case_no}; still opening after {args.wait:g} s "
              f"(see govflow status {ref.case_no})")
    else:
        print(f"started {ref.procedure} case {ref.case_no}, stage {ref.stage}")
    return 0


async def cmd_decide(args: argparse.Namespace, settings: Settings) -> int:
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
            args.case_no, args.decision, request.actor, request.payload,
            request_id=request.request_id, wait=args.wait,
        )
    if args.json:
        print(accepted.model_dump_json())
    else:
        print(f"{accepted.case_no}: {accepted.decision} taken; stage now {accepted.stage}")
    return 0


async def cmd_resume(args: argparse.Namespace, settings: Settings) -> int:
    """An operator's resume of a case in `attention`: the step that failed is tried again."""
    async with await Govflow.connect(settings) as gf:
        result = await gf.resume(args.case_no, Actor(role="operator", id=args.operator), args.note,
                                 wait=args.wait)
    if args.json:
        print(result.model_dump_json())
    elif result.recovered:
        print(f"{result.case_no}: resumed; {result.step} went through; stage now {result.stage}")
    else:
        print(f"{result.case_no}: resumed, but {result.step} failed again; stage {result.stage} "
              f"(see govflow status {result.case_no})")
        return EXIT_REFUSED
    return 0


async def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    async with await Govflow.connect(settings) as gf:
        status = await gf.status(args.case_no)
    print(status.model_dump_json(indent=2) if args.json else format_status(status))
    return 0


async def cmd_list(args: argparse.Namespace, settings: Settings) -> int:
    async with await Govflow.connect(settings) as gf:
        cases = await gf.list_cases(
            procedure=args.procedure, stage=args.stage, overdue=args.overdue, stuck=args.stuck,
            limit=args.limit,
        )
    if args.json:
        print(json.dumps([_summary_json(c) for c in cases], ensure_ascii=False))
    else:
        print(format_list(cases))
    return 0


async def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    from activities.db.projections import PROJECTION_TABLES, rebuild_projections
    from workers.main import database

    async with database(settings) as pool, pool.acquire() as conn:
        count = await rebuild_projections(conn)
    print(f"rebuilt {', '.join(PROJECTION_TABLES)} from {count} events")
    return 0


async def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from workers.devstack import until_interrupted
    from workers.main import run_worker

    async with until_interrupted() as stop:
        await run_worker(settings, stop=stop)
    return 0


async def cmd_dev(args: argparse.Namespace, settings: Settings) -> int:
    from workers.devstack import run_dev_stack, stop_dev_stack

    if args.stop:
        print(await stop_dev_stack(settings))
        return 0
    await run_dev_stack(settings, temporal_port=args.port, ui_port=args.ui_port)
    return 0


async def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Is everything a case needs there, and if not, what is missing (one line a check)."""
    from govflow.doctor import format_checks, run_doctor

    checks = await run_doctor(settings)
    print(format_checks(checks))
    return 0 if all(check.ok for check in checks) else EXIT_REFUSED


async def cmd_calendar_status(args: argparse.Namespace, settings: Settings) -> int:
    from govflow.client.calendar import calendar_in_force

    in_force = await calendar_in_force(settings)
    calendar = in_force.calendar
    overrides = ", ".join(str(y) for y in calendar.override_years) or "none"
    print(f"version          {calendar.version}")
    print(f"official through {calendar.official_through()}")
    print(f"loaded schedules {overrides}")
    print(f"source           {in_force.note}")
    return 0


async def cmd_calendar_check(args: argparse.Namespace, settings: Settings) -> int:
    from govflow.client.calendar import calendar_in_force

    day = parse_date(args.date)
    calendar = (await calendar_in_force(settings)).calendar
    working = "working day" if calendar.is_working_day(day) else "not a working day"
    official = "official" if calendar.is_official(day.year) else "PROVISIONAL (no official schedule)"
    print(f"{day} {day.strftime('%A')}: {working}: {calendar.describe(day)} [{official}; "
          f"{calendar.version}]")
    return 0


async def cmd_calendar_add(args: argparse.Namespace, settings: Settings) -> int:
    from domain.clocks import Unit
    from govflow.client.calendar import calendar_in_force

    day = parse_date(args.date)
    if args.n < 0:
        raise errors.InputError("N: a period cannot be negative")
    calendar = (await calendar_in_force(settings)).calendar
    add = {
        Unit.WORKING_DAYS: calendar.add_working_days,
        Unit.CALENDAR_DAYS: calendar.add_calendar_days,
        Unit.MONTHS: calendar.add_months,
    }[Unit(args.unit)]
    result = add(day, args.n)
    flag = "  PROVISIONAL: counts days of a year with no official schedule" if result.provisional else ""
    print(f"{day} + {args.n} {args.unit} = {result.due} (ends {result.due} 23:59:59 +08:00){flag}")
    return 0


async def cmd_calendar_load(args: argparse.Namespace, settings: Settings) -> int:
    from govflow.client.calendar import load_schedule

    document = read_json(args.file)
    try:
        calendar = await load_schedule(settings, document, source=Path(args.file).name)
    except errors.InputError as error:
        raise errors.InputError(f"{args.file}: {error}") from None
    print(f"loaded the official schedule of {document['year']}; calendar now {calendar.version}, "
          f"official through {calendar.official_through()}")
    if args.replan:
        return await cmd_calendar_replan(args, settings)
    return 0


async def cmd_calendar_replan(args: argparse.Namespace, settings: Settings) -> int:
    from govflow.client.calendar import open_cases_with_clocks, replan_cases

    case_nos = [args.case_no] if getattr(args, "case_no", None) else await open_cases_with_clocks(settings)
    async with await Govflow.connect(settings) as gf:
        results = await replan_cases(gf, case_nos, Actor(role="operator", id=args.operator))
    changed = [r for r in results if r.changed]
    for result in changed:
        print(f"{result.case_no}: re-planned {', '.join(result.changed)}")
    print(f"told {len(results)} open cases to re-plan; {len(changed)} changed a due date")
    return 0


async def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """第十九条 reports, from the complaints read model."""
    from govflow.client.reports import annual_report, bimonthly_report
    from workers.main import database

    async with database(settings) as pool, pool.acquire() as conn:
        if args.report_kind == "annual":
            report = await annual_report(conn, args.year)
        else:
            month = parse_month(args.month)
            try:
                report = await bimonthly_report(conn, month, getattr(args, "district", None))
            except DomainError as error:
                raise errors.InputError(error.message) from None
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    return 0


async def cmd_complaints(args: argparse.Namespace, settings: Settings) -> int:
    """Complaints from the read model, by body, stage, ground and overdue clocks."""
    from activities.db.read_models.complaints import list_complaints
    from workers.main import database

    async with database(settings) as pool, pool.acquire() as conn:
        rows = await list_complaints(
            conn, level="district" if args.district else args.body, district=args.district,
            stage=args.stage, ground=args.ground,
            overdue_at=datetime.now(SHANGHAI) if args.overdue else None,
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print("(no complaints)")
    for row in rows:
        body = row["district"] or row["body"]
        overdue = f"  OVERDUE: {', '.join(row['overdue_clocks'])}" if row["overdue_clocks"] else ""
        ground = f"  ground {row['ground']}" if row["ground"] else ""
        print(f"{row['case_no']}  {row['kind']}  {body:<16} {row['stage']:<13} "
              f"received {row['received_on']}{ground}{overdue}")
    return 0


async def cmd_certificate(args: argparse.Namespace, settings: Settings) -> int:
    """A 《拍卖经营批准证书》 in the register, with its history."""
    from activities.db.read_models.certificates import look_up
    from workers.main import database

    async with database(settings) as pool, pool.acquire() as conn:
        found = await look_up(conn, args.certificate_no)
    if found is None:
        raise errors.CaseNotFoundError(f"no certificate {args.certificate_no} in the register")
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
        return 0
    print(f"certificate {found['certificate_no']}  holder {found['holder_id']}  status {found['status']}")
    for step in found["history"]:
        print(f"  {step['at'][:10]}  {step['action']:<10} {step['case_no']}  {step['detail'] or ''}")
    return 0


async def cmd_spot_check_round(args: argparse.Namespace, settings: Settings) -> int:
    """三(一): start a round over every commitment decision no round has taken up yet."""
    from activities.db.read_models.commitments import awaiting_spot_check
    from domain.spot_check import Candidate, SpotCheckRound
    from workers.main import database

    async with database(settings) as pool, pool.acquire() as conn:
        due = await awaiting_spot_check(conn, datetime.now(SHANGHAI).date())
    if not due:
        raise errors.InputError("no commitment decision awaits a spot check")
    try:
        round_ = SpotCheckRound(
            round_name=args.name, candidates=tuple(Candidate(**row) for row in due),
            inspectors=tuple(args.inspectors.split(",")), sampling_rate=args.rate,
        )
    except ValidationError as error:
        raise errors.InputError(describe_validation_error(error)) from None
    async with await Govflow.connect(settings) as gf:
        ref = await gf.start_case("spot-check", round_)
    print(f"started spot-check round {ref.case_no} over {len(due)} commitment decisions")
    return 0


async def cmd_ballot(args: argparse.Namespace, settings: Settings) -> int:
    """四(二)5: a committee member's secret ballot on an applicant."""
    async with await Govflow.connect(settings) as gf:
        ballot_no = await gf.cast_ballot(args.case_no, args.member, args.choice)
    # Says nothing of the choice: a terminal's scroll-back is a record too.
    print(f"{args.case_no}: {args.member}'s ballot {ballot_no} is in the box")
    return 0


async def cmd_title_assess(args: argparse.Namespace, settings: Settings) -> int:
    """附件: which levels a person may apply for, and why not, without starting a case."""
    from domain.title_eligibility import Applicant, Direction, assess_all

    try:
        on = date.fromisoformat(args.on) if args.on else datetime.now(SHANGHAI).date()
        direction = Direction(args.direction)
    except ValueError as error:
        raise errors.InputError(str(error)) from None
    try:
        person = validate_at_boundary(Applicant, read_json(args.file), datetime.now(SHANGHAI).date())
    except (DomainError, errors.InputError) as error:
        raise errors.InputError(f"{args.file}: {error}") from None
    results = assess_all(person, direction, on)
    if args.json:
        print(json.dumps({level.value: r.model_dump(mode="json") for level, r in results.items()},
                         ensure_ascii=False))
        return 0
    print(f"{person.name}  {direction.chinese}  as of {on}")
    for level, result in results.items():
        verdict = f"eligible ({result.basis})" if result.eligible else "not eligible"
        print(f"  {level.chinese}: {verdict}")
        for refusal in result.refusals:
            print(f"      {refusal.line}: {refusal.reason}")
    return 0


async def cmd_subsidy_quote(args: argparse.Namespace, settings: Settings) -> int:
    """京商财务字〔2021〕33号 四 and attachment 2: the support for claimed expenses, every rule shown,
    without starting a case."""
    from domain.subsidy import QuoteRequest

    try:
        request = validate_at_boundary(QuoteRequest, read_json(args.file), datetime.now(SHANGHAI).date())
    except (DomainError, errors.InputError) as error:
        raise errors.InputError(f"{args.file}: {error}") from None
    quoted = request.quote()
    if args.json:
        print(quoted.model_dump_json())
        return 0
    categories = ", ".join(sorted(request.enterprise.categories(request.on))) or "none"
    print(f"{request.enterprise.name}  categories: {categories}  as of {request.on}")
    for number, q in enumerate(quoted.quotes, 1):
        ratio = f"{q.ratio}%" if q.ratio else "-"
        print(f"{number}. {q.item.value}  spend {q.spend}  ratio {ratio}  support {q.amount}")
        if q.refused:
            print(f"     refused: {q.refused}")
        for cut in q.cuts:
            print(f"     {cut.rule}: {cut.reason}  {cut.before} → {cut.after}")
    if quoted.annual_cut:
        cut = quoted.annual_cut
        print(f"annual cap {cut.rule}: {cut.reason}  {cut.before} → {cut.after}")
    print(f"total support {quoted.total}")
    return 0


async def cmd_subsidy_plan(args: argparse.Namespace, settings: Settings) -> int:
    """五(二)2: the projects awaiting plan selection, ranked by 三 within the budget; with
    --decide, the municipal bureau's select-plan decisions are sent."""
    from decimal import Decimal, InvalidOperation

    from domain.subsidy import plan_within_budget

    try:
        budget = Decimal(args.budget)
    except InvalidOperation:
        budget = Decimal("NaN")
    if not budget.is_finite() or budget < 0:  # a negative budget would turn every project down
        raise errors.InputError(f"--budget: {args.budget!r} is not an amount of yuan")
    async with await Govflow.connect(settings) as gf:
        candidates = await gf.plan_candidates(args.year)
        if not candidates:
            raise errors.InputError(f"no {args.year} project awaits plan selection")
        choices = plan_within_budget(candidates, budget, datetime.now(SHANGHAI).date())
        for choice in choices:
            verdict = "selected" if choice.selected else "not selected"
            print(f"{choice.case_no}  {verdict:<12} {' '.join(choice.priorities) or '-':<20} {choice.reason}")
            if args.decide:
                priority = "、".join(choice.priorities) or "无优先支持情形"
                bureau = Actor(role="municipal-bureau", id=args.decide)
                await gf.decide(choice.case_no, "select-plan", bureau, {
                    "selected": choice.selected, "priority": f"三 {priority}：{choice.reason}",
                    "budget_left": str(choice.budget_before)})
    return 0


async def cmd_title_verify(args: argparse.Namespace, settings: Settings) -> int:
    """五(二)7: check a certificate number against the register."""
    async with await Govflow.connect(settings) as gf:
        found = await gf.verify_title(args.certificate_no)
    if args.json:
        print(json.dumps(found, ensure_ascii=False))
    else:
        detail = "  ".join(f"{k} {v}" for k, v in found.items() if k not in ("certificate_no", "status"))
        print(f"{found['certificate_no']}  {found['status']}  {detail}".rstrip())
    return 0 if found["status"] == "valid" else EXIT_REFUSED


async def cmd_title_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """六(一): revoke a title obtained by fraud."""
    async with await Govflow.connect(settings) as gf:
        found = await gf.revoke_title(args.certificate_no, args.reason, args.by)
    print(f"{found['certificate_no']}  {found['status']}  {found['name']}: recorded in the integrity "
          "file; the holder is on the blacklist")
    return 0


def parse_month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise errors.InputError(f"{text!r} is not a month (YYYY-MM)") from None


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise errors.InputError(f"{text!r} is not a date (YYYY-MM-DD)") from None


# -- output --------------------------------------------------------------------------------


def format_status(status: CaseStatus) -> str:
    lines = [
        f"case       {status.case_no}",
        f"procedure  {status.procedure}",
        f"stage      {status.stage}",
        f"applicant  {status.applicant_id}",
        f"district   {status.district or '-'}",
        f"opened     {_beijing(status.opened_at)}",
        f"outcome    {status.outcome or '(open)'}",
        "deadlines",
    ]
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
        (c.case_no, c.procedure, c.stage, c.applicant_id,
         _beijing(c.next_deadline) if c.next_deadline else "-",
         c.status + (" OVERDUE" if c.overdue and c.status == "running" else ""))
        for c in cases
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
                     for row in rows)


def _beijing(instant: datetime) -> str:
    """People read times in Beijing time: 2026-10-13 23:59 +08:00."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M +08:00")


def _summary_json(case: CaseSummary) -> dict[str, Any]:
    return {
        "case_no": case.case_no, "procedure": case.procedure, "stage": case.stage,
        "applicant_id": case.applicant_id, "district": case.district,
        "next_deadline": case.next_deadline.isoformat() if case.next_deadline else None,
        "status": case.status, "overdue": case.overdue,
        "started_at": case.started_at.isoformat() if case.started_at else None,
    }


# -- entry point -----------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govflow", description=__doc__.splitlines()[0])
    parser.add_argument("--temporal-address", help="overrides TEMPORAL_ADDRESS")
    parser.add_argument("--namespace", help="overrides TEMPORAL_NAMESPACE")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.add_argument("--state-dir", help="overrides GOVFLOW_STATE_DIR")
    parser.add_argument("--task-queue", help="overrides GOVFLOW_TASK_QUEUE")
    parser.add_argument("--log-format", choices=["json", "console"], help="overrides GOVFLOW_LOG_FORMAT")
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="run the local stack: Temporal + UI, PostgreSQL, a worker")
    dev.add_argument("--port", type=int, help="Temporal frontend port (default: from TEMPORAL_ADDRESS)")
    dev.add_argument("--ui-port", type=int, help="Web UI port (default 8233)")
    dev.add_argument("--stop", action="store_true",
                     help="stop the local stack of this state folder, started elsewhere")
    dev.set_defaults(run=cmd_dev)

    commands.add_parser(
        "doctor", help="check the stack, search attributes, schema, worker and stuck cases"
    ).set_defaults(run=cmd_doctor)

    commands.add_parser("worker", help="run a worker on the task queue").set_defaults(run=cmd_worker)

    start = commands.add_parser("start", help="start a case from a JSON file")
    start.add_argument("procedure")
    start.add_argument("file")
    start.add_argument("--case-no", help="a number of this procedure already issued (a start tried again); "
                                         "default: the next number")
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

    resume = commands.add_parser("resume", help="an operator resumes a case in attention (the failed "
                                                "step is tried again)")
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
    listing.add_argument("--stuck", action="store_true",
                         help="only cases whose workflow task keeps failing (a fault of the worker)")
    listing.add_argument("--limit", type=int, default=100)
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_list)

    commands.add_parser(
        "rebuild-projections", help="rebuild every read model from case_events alone"
    ).set_defaults(run=cmd_rebuild)

    report = commands.add_parser("report", help="第十九条 complaint reports from the read model")
    report_kinds = report.add_subparsers(dest="report_kind", required=True)
    municipal = report_kinds.add_parser("municipal", help="city-wide, the two months before MONTH")
    municipal.add_argument("--month", required=True, help="the (odd) report month, YYYY-MM")
    municipal.set_defaults(run=cmd_report)
    district = report_kinds.add_parser("district", help="a district body's bi-monthly report")
    district.add_argument("--district", required=True, choices=[d.value for d in District])
    district.add_argument("--month", required=True, help="the (odd) report month, YYYY-MM")
    district.set_defaults(run=cmd_report)
    annual = report_kinds.add_parser("annual", help="figures of the annual rights-protection report")
    annual.add_argument("--year", type=int, required=True)
    annual.set_defaults(run=cmd_report)

    spot = commands.add_parser("spot-check-round",
                               help="start a spot-check round over the commitment decisions awaiting one")
    spot.add_argument("--name", required=True, help="the round's name, as published")
    spot.add_argument("--inspectors", required=True, help="the roster, comma-separated")
    spot.add_argument("--rate", type=float, default=0.2, help="sampling rate (default 0.2)")
    spot.set_defaults(run=cmd_spot_check_round)

    certificate = commands.add_parser("certificate", help="look a 拍卖经营批准证书 up in the register")
    certificate.add_argument("certificate_no")
    certificate.add_argument("--json", action="store_true")
    certificate.set_defaults(run=cmd_certificate)

    subsidy = commands.add_parser("subsidy", help="the foreign-trade development fund")
    subsidy_commands = subsidy.add_subparsers(dest="subsidy_command", required=True)
    quote = subsidy_commands.add_parser("quote", help="the support for claimed expenses (JSON), every rule")
    quote.add_argument("file")
    quote.add_argument("--json", action="store_true")
    quote.set_defaults(run=cmd_subsidy_quote)
    plan = subsidy_commands.add_parser("plan", help="rank the projects awaiting plan selection in a budget")
    plan.add_argument("--year", type=int, required=True)
    plan.add_argument("--budget", required=True, help="the year's budget left, yuan")
    plan.add_argument("--decide", metavar="OFFICER_ID", help="send the select-plan decisions as this officer")
    plan.set_defaults(run=cmd_subsidy_plan)

    ballot = commands.add_parser("ballot", help="a committee member's secret ballot (title review)")
    ballot.add_argument("case_no")
    ballot.add_argument("--member", required=True)
    ballot.add_argument("--choice", required=True, choices=("approve", "reject", "abstain"))
    ballot.set_defaults(run=cmd_ballot)

    title = commands.add_parser("title", help="intellectual-property titles: eligibility, register")
    title_commands = title.add_subparsers(dest="title_command", required=True)
    assess = title_commands.add_parser("assess", help="which levels a person (JSON) may apply for")
    assess.add_argument("file")
    assess.add_argument("--direction", default="services", choices=("services", "management"))
    assess.add_argument("--on", help="application date (default: today in Beijing)")
    assess.add_argument("--json", action="store_true")
    assess.set_defaults(run=cmd_title_assess)
    verify = title_commands.add_parser("verify", help="check a certificate number in the register")
    verify.add_argument("certificate_no")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=cmd_title_verify)
    revoke = title_commands.add_parser("revoke", help="revoke a title obtained by fraud")
    revoke.add_argument("certificate_no")
    revoke.add_argument("--reason", required=True)
    revoke.add_argument("--by", required=True, help="the officer who orders it")
    revoke.set_defaults(run=cmd_title_revoke)

    complaints = commands.add_parser("complaints", help="complaints from the read model")
    complaints.add_argument("--body", choices=["municipal", "district"])
    complaints.add_argument("--district", choices=[d.value for d in District])
    complaints.add_argument("--stage")
    complaints.add_argument("--ground", type=int, help="a 第十一条 or 第十五条 ground")
    complaints.add_argument("--overdue", action="store_true", help="only those with a clock past due")
    complaints.add_argument("--json", action="store_true")
    complaints.set_defaults(run=cmd_complaints)

    calendar = commands.add_parser("calendar", help="the working-day calendar in force")
    calendar_commands = calendar.add_subparsers(dest="calendar_command", required=True)
    calendar_commands.add_parser("status", help="version and official-through year").set_defaults(
        run=cmd_calendar_status)
    check = calendar_commands.add_parser("check", help="is DATE a working day, and why")
    check.add_argument("date")
    check.set_defaults(run=cmd_calendar_check)
    add = calendar_commands.add_parser("add", help="the last day of a period of N units after DATE")
    add.add_argument("date")
    add.add_argument("n", type=int)
    add.add_argument("--unit", choices=["working-days", "calendar-days", "months"],
                     default="working-days")
    add.set_defaults(run=cmd_calendar_add)
    load = calendar_commands.add_parser("load", help="load a year's official schedule (JSON)")
    load.add_argument("file")
    load.add_argument("--replan", action="store_true", help="then tell open cases to re-plan")
    load.add_argument("--operator", default="operator", help="who orders the re-planning")
    load.set_defaults(run=cmd_calendar_load)
    replan = calendar_commands.add_parser("replan", help="tell open cases to re-plan their clocks")
    replan.add_argument("--case-no", help="only this case")
    replan.add_argument("--operator", default="operator", help="who orders it (recorded)")
    replan.set_defaults(run=cmd_calendar_replan)
    return parser


def _wait_flag(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--wait", type=_seconds, default=DEFAULT_WAIT, metavar="SECONDS",
                        help=f"how long to wait {what} (default {DEFAULT_WAIT:g})")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("between 0 and 3600 seconds")
    return value


def settings_from(args: argparse.Namespace) -> Settings:
    overrides = {
        "TEMPORAL_ADDRESS": args.temporal_address, "TEMPORAL_NAMESPACE": args.namespace,
        "DATABASE_URL": args.database_url, "GOVFLOW_STATE_DIR": args.state_dir,
        "GOVFLOW_TASK_QUEUE": args.task_queue, "GOVFLOW_LOG_FORMAT": args.log_format,
    }
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def run(argv: list[str] | None = None) -> int:
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")  # pgserver's platformdirs
    args = build_parser().parse_args(argv)
    try:
        settings = settings_from(args)
    except ValidationError as error:
        print(f"govflow: configuration: {describe_validation_error(error)}", file=sys.stderr)
        return EXIT_USAGE
    configure_logging(settings.log_format, settings.log_level if args.command in ("dev", "worker")
                      else "WARNING")
    try:
        status: int = asyncio.run(args.run(args, settings))
        return status
    except (
        errors.ServerUnreachableError, errors.DatabaseUnreachableError, errors.NoAnswerError,
        DatabaseUnreachableError, TemporalUnreachableError,
    ) as error:
        print(f"govflow: {error}", file=sys.stderr)
        return EXIT_UNREACHABLE
    except errors.DecisionPendingError as error:
        print(f"govflow: {error}", file=sys.stderr)
        return EXIT_PENDING
    except (errors.GovflowError, DevStackError) as error:
        print(f"govflow: {error}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except ValidationError as error:  # a value given on the command line (an operator's id)
        print(f"govflow: {describe_validation_error(error)}", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as error:  # a fault of ours: one line, the traceback in the log
        if os.environ.get("GOVFLOW_LOG_LEVEL", "").upper() == "DEBUG":
            traceback.print_exc()
        print(f"govflow: internal error ({type(error).__name__}: {error}); "
              "GOVFLOW_LOG_LEVEL=DEBUG shows where", file=sys.stderr)
        return EXIT_REFUSED


def main() -> None:
    """Leave with os._exit: the Temporal SDK's threads can abort a clean interpreter shutdown
    (temporalio/sdk-python#300), which must not turn a command that succeeded into a failure."""
    status = run()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
