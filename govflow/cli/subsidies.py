"""The foreign-trade development fund (京商财务字〔2021〕33号): a quote without a case, the plan
within a budget."""

from __future__ import annotations

import argparse
from datetime import datetime

from domain.calendar import SHANGHAI
from domain.errors import DomainError
from domain.inputs import validate_at_boundary
from domain.subsidy import Category, Cut, Item, QuoteRequest, QuoteSet
from govflow.cli.common import (
    Commands,
    lang_flag,
    read_json,
)
from govflow.cli.identity import token_actor
from govflow.cli.tables import chinese_date, yuan
from govflow.client import errors
from govflow.client.sdk import Govflow
from workers.settings import Settings


async def cmd_subsidy_quote(args: argparse.Namespace, settings: Settings) -> int:
    """京商财务字〔2021〕33号 四 and attachment 2: the support for claimed expenses, every rule shown,
    without starting a case."""
    try:
        request = validate_at_boundary(QuoteRequest, read_json(args.file), datetime.now(SHANGHAI).date())
    except (DomainError, errors.InputError) as error:
        raise errors.InputError(f"{args.file}: {error}") from None
    quoted = request.quote()
    if args.json:
        print(quoted.model_dump_json())
        return 0
    print(quote_text(request, quoted) if args.lang == "zh" else quote_text_en(request, quoted))
    return 0


CATEGORY_NAMES: dict[Category, str] = {
    Category.SME: "中小外贸企业",
    Category.DUAL_AUTONOMOUS: "“双自主”企业",
    Category.SERVICE: "外贸综合服务企业",
    Category.FTZ: "中国（北京）自由贸易试验区外贸企业",
    Category.HIGH_TECH: "获得国家高新技术认定的外贸企业",
}
"""一(一)3 (1)–(5): the enterprise categories as the gazette heads them."""

ITEM_NAMES: dict[Item, str] = {
    Item.FAIR_BOOTH: "展位费",
    Item.FAIR_FREIGHT: "大型展品回运费",
    Item.MANAGEMENT_CERT: "管理体系认证",
    Item.PRODUCT_CERT: "产品认证",
    Item.PATENT_INVENTION: "境外专利申请（发明专利）",
    Item.PATENT_UTILITY: "境外专利申请（实用新型专利）",
    Item.PATENT_DESIGN: "境外专利申请（外观设计专利）",
    Item.TRADEMARK: "境外商标注册",
    Item.PROMO_MATERIAL: "宣传材料制作",
    Item.PROMO_VIDEO: "宣传视频制作",
    Item.WEBSITE: "创建中小企业网站",
    Item.ONLINE_MARKETING: "企业网络营销活动",
    Item.INFO_SYSTEM: "企业信息管理系统",
    Item.ADVERTISING: "境外广告",
    Item.SURVEY_TRANSPORT: "国际市场考察交通费",
    Item.SURVEY_ALLOWANCE: "国际市场考察生活补助",
    Item.BID_DOCUMENTS: "标书购置费",
    Item.BID_DESIGN: "项目设计费",
    Item.BID_TRANSPORT: "境外市场考察交通费",
    Item.ERP_DOCKING: "系统对接改造费用",
    Item.CREDIT_REPORTS: "资信产品购买费用",
    Item.FINANCING: "融资贷款贴息",
    Item.TRAINING: "培训会务费",
    Item.SANTONG: "“三同”标识许可使用费",
    Item.ONLINE_BOOTH: "线上国际展会展位费",
    Item.ONLINE_OTHER: "线上国际展会其他费用",
}
"""附件2's 支持方向及内容: what each claimed expense is called (its code is what a file gives)."""


def quote_text(request: QuoteRequest, quoted: QuoteSet) -> str:
    """The quote as a person reads it: the gazette's names with the codes a file gives beside
    them, amounts as 315,000.00 元, the date as the notices write it."""
    held = request.enterprise.categories(request.on)
    categories = "、".join(f"{CATEGORY_NAMES[c]} {c.value}" for c in Category if c in held) or "无"
    lines = [f"企业 {request.enterprise.name}  类别 {categories}  核算日期 {chinese_date(request.on)}"]
    for number, q in enumerate(quoted.quotes, 1):
        ratio = f"{q.ratio}%" if q.ratio else "-"
        lines.append(
            f"{number}. {ITEM_NAMES[q.item]} {q.item.value}  申报金额 {yuan(q.spend)}  "
            f"支持比例 {ratio}  支持金额 {yuan(q.amount)}"
        )
        if q.refused:
            lines.append(f"     不予支持: {q.refused}")
        lines.extend(f"     {_cut(cut)}" for cut in q.cuts)
    if quoted.project_cut:
        lines.append(f"项目支持上限 {_cut(quoted.project_cut)}")
    if quoted.annual_cut:
        lines.append(f"年度累计上限 {_cut(quoted.annual_cut)}")
    lines.append(f"支持金额合计 {yuan(quoted.total)}")
    return "\n".join(lines)


def _cut(cut: Cut) -> str:
    return f"{cut.rule}: {cut.reason}  {yuan(cut.before)} → {yuan(cut.after)}"


def quote_text_en(request: QuoteRequest, quoted: QuoteSet) -> str:
    """`--lang en`: the codes and plain figures."""
    categories = ", ".join(sorted(request.enterprise.categories(request.on))) or "none"
    lines = [f"{request.enterprise.name}  categories: {categories}  as of {request.on}"]
    for number, q in enumerate(quoted.quotes, 1):
        ratio = f"{q.ratio}%" if q.ratio else "-"
        lines.append(f"{number}. {q.item.value}  spend {q.spend}  ratio {ratio}  support {q.amount}")
        if q.refused:
            lines.append(f"     refused: {q.refused}")
        lines.extend(f"     {cut.rule}: {cut.reason}  {cut.before} → {cut.after}" for cut in q.cuts)
    if quoted.project_cut:
        cut = quoted.project_cut
        lines.append(f"project cap {cut.rule}: {cut.reason}  {cut.before} → {cut.after}")
    if quoted.annual_cut:
        cut = quoted.annual_cut
        lines.append(f"annual cap {cut.rule}: {cut.reason}  {cut.before} → {cut.after}")
    lines.append(f"total support {quoted.total}")
    return "\n".join(lines)


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
    lang_flag(quote)
    quote.set_defaults(run=cmd_subsidy_quote)
    plan = subsidy_commands.add_parser("plan", help="rank the projects awaiting plan selection in a budget")
    plan.add_argument("--year", type=int, required=True)
    plan.add_argument("--budget", required=True, help="the year's budget left, yuan")
    plan.add_argument(
        "--decide", action="store_true", help="send the select-plan decisions (logged in as municipal-bureau)"
    )
    plan.set_defaults(run=cmd_subsidy_plan)
