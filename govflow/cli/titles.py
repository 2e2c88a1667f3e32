"""IP professional titles (京人社事业发〔2021〕32号): eligibility, the secret ballot, the certificate
register."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime

from domain.calendar import SHANGHAI
from domain.errors import DomainError
from domain.inputs import validate_at_boundary
from govflow.cli.common import (
    EXIT_REFUSED,
    Commands,
    case_number,
    lang_flag,
    read_json,
)
from govflow.cli.identity import token_actor
from govflow.cli.tables import chinese_date
from govflow.client import errors
from govflow.client.sdk import Govflow
from workers.settings import Settings


async def cmd_ballot(args: argparse.Namespace, settings: Settings) -> int:
    """五(二)5: a committee member's secret ballot on an applicant."""
    case_number(args.case_no)  # one line for a number of no shape, before contacting anything
    from govflow.client.ballot_box import cast_ballot
    from govflow.client.identity import SavedToken

    member, ballot_no = await cast_ballot(settings, args.case_no, SavedToken(settings)(None), args.choice)
    # Says nothing of the choice: a terminal's scroll-back is a record too.
    print(f"{args.case_no}: {member}'s ballot {ballot_no} is in the box")
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
        print(
            json.dumps(
                {level.value: r.model_dump(mode="json") for level, r in results.items()}, ensure_ascii=False
            )
        )
        return 0
    zh = args.lang == "zh"
    if zh:
        print(f"{person.name}  申报方向 {direction.chinese} {direction.value}  核定日期 {chinese_date(on)}")
    else:
        print(f"{person.name}  {direction.chinese}  as of {on}")
    for level, result in results.items():
        if zh:
            verdict = f"符合申报条件（{result.basis}）" if result.eligible else "不符合申报条件"
            print(f"  {level.chinese} {level.value}: {verdict}")
        else:
            verdict = f"eligible ({result.basis})" if result.eligible else "not eligible"
            print(f"  {level.chinese}: {verdict}")
        for refusal in result.refusals:
            print(f"      {refusal.line}: {refusal.reason}")
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
    """六(一): revoke a title obtained by fraud (and, with --employer, hold the employer to it)."""
    async with await Govflow.connect(settings) as gf:
        officer = token_actor(settings, frozenset({"hr-bureau"}))
        found = await gf.revoke_title(
            args.certificate_no,
            args.reason,
            officer,
            employer=args.employer,
            employer_fault=args.employer_fault,
        )
    held = f"; recorded against {args.employer} (六(一))" if args.employer else ""
    print(
        f"{found['certificate_no']}  {found['status']}  {found['name']}: recorded in the integrity "
        f"file; the holder is on the blacklist{held}"
    )
    return 0


async def cmd_title_employer(args: argparse.Namespace, settings: Settings) -> int:
    """六(一): what is recorded against an employer of title applicants."""
    async with await Govflow.connect(settings) as gf:
        rows = await gf.employer_records(args.employer)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not rows:
        print(f"{args.employer}: 无记录 (nothing recorded)")
    for row in rows:
        where = row["certificate_no"] or row["case_no"]
        print(f"{row['at'][:10]}  {where}  {row['fault_chinese']} ({row['fault']})  {row['findings']}")
    return 0


def register(commands: Commands) -> None:
    ballot = commands.add_parser(
        "ballot", help="a committee member's secret ballot (title review), as the member logged in"
    )
    ballot.add_argument("case_no")
    ballot.add_argument("--choice", required=True, choices=("approve", "reject", "abstain"))
    ballot.set_defaults(run=cmd_ballot)

    title = commands.add_parser("title", help="intellectual-property titles: eligibility, register")
    title_commands = title.add_subparsers(dest="title_command", required=True)
    assess = title_commands.add_parser("assess", help="which levels a person (JSON) may apply for")
    assess.add_argument("file")
    assess.add_argument("--direction", default="services", choices=("services", "management"))
    assess.add_argument("--on", help="application date (default: today in Beijing)")
    assess.add_argument("--json", action="store_true")
    lang_flag(assess)
    assess.set_defaults(run=cmd_title_assess)
    verify = title_commands.add_parser("verify", help="check a certificate number in the register")
    verify.add_argument("certificate_no")
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(run=cmd_title_verify)
    revoke = title_commands.add_parser("revoke", help="revoke a title obtained by fraud")
    revoke.add_argument("certificate_no")
    revoke.add_argument("--reason", required=True)
    revoke.add_argument("--employer", help="六(一): the employer that vouched for the false materials")
    revoke.add_argument(
        "--employer-fault",
        choices=("unchecked", "false-proof"),
        help="没有认真履行审核责任 (unchecked) or 出具虚假证明 (false-proof); with --employer",
    )
    revoke.set_defaults(run=cmd_title_revoke)
    employer = title_commands.add_parser("employer", help="六(一): what is recorded against an employer")
    employer.add_argument("employer", help="the employer's name as the applications give it")
    employer.add_argument("--json", action="store_true")
    employer.set_defaults(run=cmd_title_employer)
