"""Complaints (京商函字〔2021〕1056号): the read model by body, stage, ground and overdue clocks;
第十九条 reports."""

from __future__ import annotations

import argparse
import json
from datetime import datetime

from domain.beijing import District
from domain.calendar import SHANGHAI
from govflow.cli.common import (
    Commands,
    parse_month,
)
from govflow.client.sdk import Govflow
from workers.settings import Settings


async def cmd_complaints(args: argparse.Namespace, settings: Settings) -> int:
    """Complaints from the read model, by body, stage, ground and overdue clocks."""
    async with await Govflow.connect(settings) as gf:
        rows = await gf.complaints(
            level="district" if args.district else args.body,
            district=args.district,
            stage=args.stage,
            ground=args.ground,
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
        print(
            f"{row['case_no']}  {row['kind']}  {body:<16} {row['stage']:<13} "
            f"received {row['received_on']}{ground}{overdue}"
        )
    return 0


async def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """第十九条 reports, from the complaints read model."""
    async with await Govflow.connect(settings) as gf:
        if args.report_kind == "annual":
            report = await gf.complaint_report("annual", year=args.year)
        else:
            report = await gf.complaint_report(
                args.report_kind, month=parse_month(args.month), district=getattr(args, "district", None)
            )
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    return 0


def register(commands: Commands) -> None:
    complaints = commands.add_parser("complaints", help="complaints from the read model")
    complaints.add_argument("--body", choices=["municipal", "district"])
    complaints.add_argument("--district", choices=[d.value for d in District])
    complaints.add_argument("--stage")
    complaints.add_argument("--ground", type=int, help="a 第十一条 or 第十五条 ground")
    complaints.add_argument("--overdue", action="store_true", help="only those with a clock past due")
    complaints.add_argument("--json", action="store_true")
    complaints.set_defaults(run=cmd_complaints)

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
