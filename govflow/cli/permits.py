"""Auction permits (京商流通字〔2021〕9号): the certificate register and spot-check rounds."""

from __future__ import annotations

import argparse
import json

from pydantic import ValidationError

from domain.case import describe_validation_error
from govflow.cli.common import (
    Commands,
)
from govflow.client import errors
from govflow.client.sdk import Govflow
from workers.settings import Settings


async def cmd_certificate(args: argparse.Namespace, settings: Settings) -> int:
    """A 《拍卖经营批准证书》 in the register, with its history."""
    async with await Govflow.connect(settings) as gf:
        found = await gf.certificate(args.certificate_no)
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
    from domain.spot_check import Candidate, SpotCheckRound

    async with await Govflow.connect(settings) as gf:
        due = await gf.awaiting_spot_check(await gf.today())
        if not due:
            raise errors.InputError("no commitment decision awaits a spot check")
        try:
            round_ = SpotCheckRound(
                round_name=args.name,
                candidates=tuple(Candidate(**row) for row in due),
                inspectors=tuple(args.inspectors.split(",")),
                sampling_rate=args.rate,
            )
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        ref = await gf.start_case("spot-check", round_)
    print(f"started spot-check round {ref.case_no} over {len(due)} commitment decisions")
    return 0


def register(commands: Commands) -> None:
    certificate = commands.add_parser("certificate", help="look a 拍卖经营批准证书 up in the register")
    certificate.add_argument("certificate_no")
    certificate.add_argument("--json", action="store_true")
    certificate.set_defaults(run=cmd_certificate)

    spot = commands.add_parser(
        "spot-check-round", help="start a spot-check round over the commitment decisions awaiting one"
    )
    spot.add_argument("--name", required=True, help="the round's name, as published")
    spot.add_argument("--inspectors", required=True, help="the roster, comma-separated")
    spot.add_argument("--rate", type=float, default=0.2, help="sampling rate (default 0.2)")
    spot.set_defaults(run=cmd_spot_check_round)
