"""The working-day calendar in force: status, check, add, load an official schedule, re-plan
open cases."""

from __future__ import annotations

import argparse
from pathlib import Path

from domain.errors import DomainError
from domain.schedules import parse_schedule_file
from govflow.cli.common import (
    Commands,
    parse_date,
    read_json,
)
from govflow.cli.identity import OPERATOR, token_actor
from govflow.client import errors
from govflow.client.sdk import Govflow
from workers.settings import Settings


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
    print(f"{day} {day.strftime('%A')}: {working}: {calendar.describe(day)} [{official}; {calendar.version}]")
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
        parse_schedule_file(document, Path(args.file).name)  # refused here, before anything is contacted
        async with await Govflow.connect(settings) as gf:
            calendar = await load_schedule(
                gf, document, Path(args.file).name, token_actor(settings, OPERATOR)
            )
    except DomainError as error:
        raise errors.InputError(f"{args.file}: {error.message}") from None
    except errors.InputError as error:
        raise errors.InputError(f"{args.file}: {error}") from None
    print(
        f"loaded the official schedule of {document['year']}; calendar now {calendar.version}, "
        f"official through {calendar.official_through()}"
    )
    if args.replan:
        return await cmd_calendar_replan(args, settings)
    return 0


async def cmd_calendar_replan(args: argparse.Namespace, settings: Settings) -> int:
    from govflow.client.calendar import replan_cases

    async with await Govflow.connect(settings) as gf:
        case_nos = [args.case_no] if getattr(args, "case_no", None) else await gf.open_cases_with_clocks()
        results = await replan_cases(gf, case_nos, token_actor(settings, OPERATOR))
    changed = [r for r in results if r.changed]
    for result in changed:
        print(f"{result.case_no}: re-planned {', '.join(result.changed)}")
    print(f"told {len(results)} open cases to re-plan; {len(changed)} changed a due date")
    return 0


def register(commands: Commands) -> None:
    calendar = commands.add_parser("calendar", help="the working-day calendar in force")
    calendar_commands = calendar.add_subparsers(dest="calendar_command", required=True)
    calendar_commands.add_parser("status", help="version and official-through year").set_defaults(
        run=cmd_calendar_status
    )
    check = calendar_commands.add_parser("check", help="is DATE a working day, and why")
    check.add_argument("date")
    check.set_defaults(run=cmd_calendar_check)
    add = calendar_commands.add_parser("add", help="the last day of a period of N units after DATE")
    add.add_argument("date")
    add.add_argument("n", type=int)
    add.add_argument("--unit", choices=["working-days", "calendar-days", "months"], default="working-days")
    add.set_defaults(run=cmd_calendar_add)
    load = calendar_commands.add_parser("load", help="load a year's official schedule (JSON)")
    load.add_argument("file")
    load.add_argument("--replan", action="store_true", help="then tell open cases to re-plan")
    load.set_defaults(run=cmd_calendar_load)
    replan = calendar_commands.add_parser("replan", help="tell open cases to re-plan their clocks")
    replan.add_argument("--case-no", help="only this case")
    replan.set_defaults(run=cmd_calendar_replan)
