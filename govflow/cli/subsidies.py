"""The foreign-trade development fund (京商财务字〔2021〕33号): a quote without a case, the plan
within a budget."""

from __future__ import annotations

import argparse
from datetime import datetime

from domain.calendar import SHANGHAI
from domain.errors import DomainError
from domain.inputs import validate_at_boundary
from govflow.cli.common import (
    Commands,
    read_json,
)
from govflow.cli.identity import token_actor
from govflow.client import errors
from govflow.client.sdk import Govflow
from workers.settings import Settings


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
    if quoted.project_cut:
        cut = quoted.project_cut
        print(f"project cap {cut.rule}: {cut.reason}  {cut.before} → {cut.after}")
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
    bureau = token_actor(settings, frozenset({"municipal-bureau"})) if args.decide else None
    async with await Govflow.connect(settings) as gf:
        candidates = await gf.plan_candidates(args.year)
        if not candidates:
            raise errors.InputError(f"no {args.year} project awaits plan selection")
        choices = plan_within_budget(candidates, budget, datetime.now(SHANGHAI).date())
        for choice in choices:
            verdict = "selected" if choice.selected else "not selected"
            print(f"{choice.case_no}  {verdict:<12} {' '.join(choice.priorities) or '-':<20} {choice.reason}")
            if bureau is not None:
                await gf.decide(
                    choice.case_no,
                    "select-plan",
                    bureau,
                    {
                        "selected": choice.selected,
                        "priorities": list(choice.priorities),
                        "priority": choice.reason,
                        "budget_left": str(choice.budget_before),
                    },
                )
    return 0


def register(commands: Commands) -> None:
    subsidy = commands.add_parser("subsidy", help="the foreign-trade development fund")
    subsidy_commands = subsidy.add_subparsers(dest="subsidy_command", required=True)
    quote = subsidy_commands.add_parser("quote", help="the support for claimed expenses (JSON), every rule")
    quote.add_argument("file")
    quote.add_argument("--json", action="store_true")
    quote.set_defaults(run=cmd_subsidy_quote)
    plan = subsidy_commands.add_parser("plan", help="rank the projects awaiting plan selection in a budget")
    plan.add_argument("--year", type=int, required=True)
    plan.add_argument("--budget", required=True, help="the year's budget left, yuan")
    plan.add_argument(
        "--decide", action="store_true", help="send the select-plan decisions (logged in as municipal-bureau)"
    )
    plan.set_defaults(run=cmd_subsidy_plan)
