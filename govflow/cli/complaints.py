"""Complaints (京商函字〔2021〕1056号): the read model by body, stage, ground and overdue clocks;
第十九条 reports.

People read tables in Chinese, with the code beside what they may type back (a stage for
`--stage`, a district for `--district`); `--lang en` gives the codes in English and `--json`
the read model's JSON as it is.

`report municipal --month M` is the report made in the odd month M, of the two months before
it (第十九条): `--month 2026-11` counts September and October. Without `--month` the report is
the one of the period in progress (November and December, reported in January), counted up to
today and marked provisional.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from typing import Any

from domain import complaint as rules
from domain.beijing import District
from domain.calendar import SHANGHAI
from domain.errors import DomainError
from domain.labels import Lang, vocabulary
from govflow.cli.common import Commands, parse_month
from govflow.cli.tables import day_text, table
from govflow.client import errors
from govflow.client.sdk import Govflow
from workers.settings import Settings

WORDS = vocabulary(rules.PROCEDURE)

KIND_MEANING: dict[Lang, dict[str, str]] = {
    "zh": {
        "A": "行政行为侵犯合法权益（第二条第一款第（一）项）",
        "B": "反映投资环境问题、提出政策措施建议（第二条第一款第（二）项）",
    },
    "en": {
        "A": "rights infringed by an administrative act (art. 2(1)(i))",
        "B": "investment environment, policy suggestions (art. 2(1)(ii))",
    },
}
RESOLUTION_WAYS = {  # 第十四条第一款
    "settlement": "和解",
    "coordination": "协调",
    "joint-meeting": "联席会议协调",
    "policy-suggestion": "政策措施建议",
    "other": "其他方式",
}

HEADERS: dict[Lang, dict[str, str]] = {
    "zh": {
        "case_no": "案件编号",
        "kind": "类别",
        "body": "受理机构",
        "stage": "环节",
        "received_on": "收到日期",
        "ground": "依据",
        "overdue": "逾期期限",
        "outcome": "办理结果",
        "ways": "处理方式",
        "closed_on": "办结日期",
        "count": "件数",
        "item": "项目",
    },
    "en": {
        "case_no": "case",
        "kind": "kind",
        "body": "body",
        "stage": "stage",
        "received_on": "received",
        "ground": "ground",
        "overdue": "overdue clocks",
        "outcome": "outcome",
        "ways": "ways",
        "closed_on": "closed",
        "count": "cases",
        "item": "item",
    },
}


def beijing_today() -> date:
    return datetime.now(SHANGHAI).date()


# -- complaints ----------------------------------------------------------------------------------


async def cmd_complaints(args: argparse.Namespace, settings: Settings) -> int:
    """Complaints from the read model, by body, stage, ground and overdue clocks."""
    overdue_at = datetime.now(SHANGHAI) if args.overdue else None
    async with await Govflow.connect(settings) as gf:
        rows = await gf.complaints(
            level="district" if args.district else args.body,
            district=args.district,
            stage=args.stage,
            ground=args.ground,
            overdue_at=overdue_at,
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
    else:
        print(render_complaints(rows, args.lang, overdue_on=overdue_at.date() if overdue_at else None))
    return 0


def render_complaints(rows: list[dict[str, Any]], lang: Lang, *, overdue_on: date | None = None) -> str:
    """The complaints as a table, the grounds they name spelled out under it."""
    words = HEADERS[lang]
    lines = []
    if overdue_on is not None:
        lines.append(
            f"截至{day_text(overdue_on)}逾期的投诉"
            if lang == "zh"
            else f"Complaints with a clock past due on {day_text(overdue_on, lang)}"
        )
    if not rows:
        lines.append("（无投诉）" if lang == "zh" else "(no complaints)")
        return "\n".join(lines)
    columns = ["case_no", "kind", "body", "stage", "received_on", "ground"]
    if overdue_on is not None:  # the clocks past due are worked out for --overdue only
        columns.append("overdue")
    grounds: dict[str, str] = {}
    body = []
    for row in rows:
        ground = _listed_ground(row, lang)
        if ground:
            grounds.setdefault(*ground)
        cells = [
            row["case_no"],
            kind_label(row["kind"], lang),
            body_label(row["body"], row["district"], lang),
            WORDS.label("stage", row["stage"], lang),
            day_text(date.fromisoformat(row["received_on"]), lang),
            ground[0] if ground else None,
        ]
        if overdue_on is not None:
            clocks = [WORDS.label("clock", clock, lang, code_beside=False) for clock in row["overdue_clocks"]]
            cells.append(("、" if lang == "zh" else ", ").join(clocks))
        body.append(cells)
    header = [words[column] for column in columns]
    lines.append(table(header, body))
    lines.append(f"共 {len(rows)} 件" if lang == "zh" else f"{len(rows)} complaint{'s' * (len(rows) != 1)}")
    lines.extend(_legend(grounds, lang))
    return "\n".join(lines)


def _listed_ground(row: dict[str, Any], lang: Lang) -> tuple[str, str] | None:
    """A listed complaint's ground: 第十一条 if it was not accepted, else 第十五条."""
    if row.get("non_acceptance_ground"):
        return ground_of(11, row["non_acceptance_ground"], lang)
    if row.get("termination_ground"):
        return ground_of(15, row["termination_ground"], lang)
    if row.get("ground"):  # a worker older than this command line: the number alone
        return (str(row["ground"]), "")
    return None


def ground_of(article: int, number: int, lang: Lang) -> tuple[str, str]:
    """(`第十一条第（2）项`, its text): a ground as the notices cite it, and what it says."""
    ground: rules.NonAcceptanceGround | rules.TerminationGround = (
        rules.NonAcceptanceGround(number) if article == 11 else rules.TerminationGround(number)
    )
    if lang == "en":
        return f"art. {article}({number})", ground.name.lower().replace("_", " ")
    return f"{'第十一条' if article == 11 else '第十五条'}第（{number}）项", ground.text


def _legend(grounds: dict[str, str], lang: Lang) -> list[str]:
    if not any(grounds.values()):
        return []
    lines = ["", "依据：" if lang == "zh" else "Grounds:"]
    separator = "：" if lang == "zh" else ": "
    lines.extend(f"  {ref}{separator}{text}" for ref, text in sorted(grounds.items()) if text)
    return lines


def kind_label(kind: str, lang: Lang) -> str:
    """第二条第一款: `A 类`, `B 类`."""
    return f"{kind} 类" if lang == "zh" else kind


def body_label(level: str, district: str | None, lang: Lang) -> str:
    """The receiving body, with what `--body` or `--district` takes: `朝阳区 chaoyang`, `市级 municipal`."""
    code = district or level
    if lang == "en":
        return code
    if district is None:
        return f"{'市级' if level == 'municipal' else '区级'} {level}"
    return f"{District(district).chinese_name} {district}"


# -- reports -------------------------------------------------------------------------------------


async def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """第十九条 reports, from the complaints read model; a period not yet ended is counted up to
    today and says so."""
    today = beijing_today()
    if args.report_kind == "annual":
        report = await _annual_report(settings, args.year or today.year, today)
        text = render_annual(report, args.lang)
    else:
        month = parse_month(args.month) if args.month else next_report_month(today)
        district = getattr(args, "district", None)
        report = await _period_report(settings, args.report_kind, month, district, today)
        text = render_period_report(report, args.lang, district=district, report_month=month, today=today)
    print(json.dumps(report, ensure_ascii=False, indent=2, default=str) if args.json else text)
    return 0


async def _annual_report(settings: Settings, year: int, today: date) -> dict[str, Any]:
    if year > today.year:
        raise errors.InputError(f"{year}: the year has not begun")
    async with await Govflow.connect(settings) as gf:
        report = await gf.complaint_report("annual", year=year)
    return _as_of(report, today, date(year, 12, 31))


async def _period_report(
    settings: Settings, kind: str, month: date, district: str | None, today: date
) -> dict[str, Any]:
    try:
        start, end = rules.bimonthly_period(month)
    except DomainError as error:
        raise errors.InputError(error.message) from None
    if start > today:
        raise errors.InputError(
            f"{month:%Y-%m}: its report counts {start} to {end}, which has not begun "
            "(leave out --month for the period in progress)"
        )
    async with await Govflow.connect(settings) as gf:
        report = await gf.complaint_report(kind, month=month, district=district)
    return _as_of(report, today, end)


def _as_of(report: dict[str, Any], today: date, end: date) -> dict[str, Any]:
    """A period not yet ended is counted up to today: provisional (`--json` says so too)."""
    if today <= end:
        return report | {"as_of": today.isoformat(), "provisional": True}
    return report


def next_report_month(day: date) -> date:
    """第十九条: the odd month whose report will count `day` (the report of the period `day` is
    in): two months on, the odd month on or before."""
    later = day.year * 12 + day.month - 1 + 2
    return rules.report_month_for(date(later // 12, later % 12 + 1, 1))


def render_period_report(
    report: dict[str, Any], lang: Lang, *, district: str | None, report_month: date, today: date
) -> str:
    """A bi-monthly report: what was received, what is in progress by stage, what concluded."""
    words = HEADERS[lang]
    start, end = (date.fromisoformat(day) for day in report["period"])
    zh = lang == "zh"
    lines = [*_report_heading(district, report_month, lang), _period_line(start, end, report, lang)]

    received = report["received"]
    lines += ["", "一、收到投诉" if zh else "1. Complaints received"]
    if received:
        rows: list[list[object]] = [
            [f"{kind_label(kind, lang)}  {KIND_MEANING[lang].get(kind, '')}", n]
            for kind, n in sorted(received.items())
        ]
        rows.append(["合计" if zh else "total", sum(received.values())])
        lines.append(table([words["kind"], words["count"]], rows, right={1}))
    else:
        lines.append("（本期未收到投诉）" if zh else "(none)")

    progress = report["in_progress_by_stage"]
    if zh:
        title = (
            "二、在办（截至统计之日），按所处环节" if "provisional" in report else "二、期末在办，按所处环节"
        )
    else:
        title = (
            "2. In progress "
            + ("so far" if "provisional" in report else "at the period's end")
            + ", by stage"
        )
    lines += ["", title]
    if progress:
        rows = [[WORDS.label("stage", stage, lang), n] for stage, n in sorted(progress.items())]
        rows.append(["合计" if zh else "total", sum(progress.values())])
        lines.append(table([words["stage"], words["count"]], rows, right={1}))
    else:
        lines.append("（无在办投诉）" if zh else "(none)")

    concluded = report["concluded"]
    lines += ["", "三、本期办结" if zh else "3. Concluded in the period"]
    grounds: dict[str, str] = {}
    if concluded:
        rows = []
        for case in concluded:
            ground = _concluded_ground(case, lang)
            if ground:
                grounds.setdefault(*ground)
            rows.append(
                [
                    case["case_no"],
                    kind_label(case["kind"], lang),
                    outcome_label(case, lang),
                    ground[0] if ground else None,
                    "、".join(way_label(way, lang) for way in case["resolution_ways"])
                    if zh
                    else ", ".join(case["resolution_ways"]),
                    day_text(date.fromisoformat(case["received_on"]), lang),
                    day_text(date.fromisoformat(case["closed_on"]), lang),
                ]
            )
        header = [
            words[k] for k in ("case_no", "kind", "outcome", "ground", "ways", "received_on", "closed_on")
        ]
        lines.append(table(header, rows))
        lines.extend(_legend(grounds, lang))
    else:
        lines.append("（本期无办结投诉）" if zh else "(none)")

    if report_month == today.replace(day=1):  # this month's report counts nothing of this month
        start_now, end_now = rules.bimonthly_period(next_report_month(today))
        command = f"govflow report {'district --district ' + district if district else 'municipal'}"
        lines += [
            "",
            f"本月收到的投诉计入统计期间{day_text(start_now)}至{day_text(end_now)}"
            f"（{_chinese_month(next_report_month(today))}报送）：{command}"
            if zh
            else f"Complaints received this month count in {start_now} to {end_now} "
            f"(reported {next_report_month(today):%Y-%m}): {command}",
        ]
    return "\n".join(lines)


def _report_heading(district: str | None, report_month: date, lang: Lang) -> list[str]:
    """第十九条第一款 (a district body's, to the municipal body) or 第二款 (the city's, to the
    national centre and the coordinating body)."""
    if lang == "en":
        whose = f"art. 19(1)), district {district}" if district else "art. 19(2)), city-wide"
        return [f"Complaints report ({whose}, made in {report_month:%Y-%m}"]
    if district:
        body = rules.ReceivingBody(level="district", district=District(district)).name
        return [
            f"外商投资企业投诉情况报告（第十九条第一款）：{District(district).chinese_name}，"
            f"{_chinese_month(report_month)}报送",
            f"报送机构：{body}",
            f"报送对象：{rules.MUNICIPAL_BODY}",
        ]
    return [
        f"外商投资企业投诉情况报告（第十九条第二款）：全市，{_chinese_month(report_month)}报送",
        f"报送机构：{rules.MUNICIPAL_BODY}",
        f"报送对象：{rules.NATIONAL_CENTRE}、{rules.COORDINATING_BODY}",
    ]


def _chinese_month(month: date) -> str:
    return f"{month.year}年{month.month}月"


def _period_line(start: date, end: date, report: dict[str, Any], lang: Lang) -> str:
    if lang == "en":
        line = f"Period: {start} to {end}"
        if "provisional" in report:
            line += f" (as of {report['as_of']}: the period has not ended, the figures are provisional)"
        return line
    line = f"统计期间：{day_text(start)}至{day_text(end)}"
    if "provisional" in report:
        line += f"（截至{day_text(date.fromisoformat(report['as_of']))}，统计期间未结束，数据为临时统计）"
    return line


def _concluded_ground(case: dict[str, Any], lang: Lang) -> tuple[str, str] | None:
    if case["non_acceptance_ground"]:
        return ground_of(11, case["non_acceptance_ground"], lang)
    if case["termination_ground"]:
        return ground_of(15, case["termination_ground"], lang)
    return None


def outcome_label(case: dict[str, Any], lang: Lang) -> str:
    """How a concluded complaint ended, its ground in a column of its own: `不予受理`, `已终止`
    (`已终止（视同撤回）` under 第十五条第二款)."""
    outcome = (case["outcome"] or "").partition(" (")[0]
    label = WORDS.label("outcome", outcome, lang, code_beside=False)
    if case["deemed_withdrawn"]:
        label += "（视同撤回）" if lang == "zh" else " (deemed withdrawn)"
    return label


def way_label(way: str, lang: Lang) -> str:
    """第十四条第一款: how the complaint was handled, `和解 settlement`."""
    chinese = RESOLUTION_WAYS.get(way)
    return f"{chinese} {way}" if chinese and lang == "zh" else way


def render_annual(report: dict[str, Any], lang: Lang) -> str:
    """第十九条第二款: the figures of the year's rights-protection recommendations."""
    zh = lang == "zh"
    year = report["year"]
    period = f"统计期间：{year}年1月1日至{year}年12月31日" if zh else f"Period: {year}-01-01 to {year}-12-31"
    if "provisional" in report:
        as_of = date.fromisoformat(report["as_of"])
        period += (
            f"（截至{day_text(as_of)}，年度未结束，数据为临时统计）"
            if zh
            else f" (as of {as_of}: the year has not ended, the figures are provisional)"
        )
    lines = [
        f"{year}年外商投资企业投诉情况（第十九条第二款，外商投资企业权益保护建议书）"
        if zh
        else f"Complaints of {year} (art. 19(2), the rights-protection recommendations)",
        period,
        "",
    ]
    indent = "  "
    rows: list[list[object]] = [["收到投诉" if zh else "received", report["received"]]]
    rows += [[indent + kind_label(kind, lang), n] for kind, n in report["by_kind"].items()]
    rows += [[indent + body_label(level, None, lang), n] for level, n in report["by_body"].items()]
    rows.append(["予以受理" if zh else "accepted", report["accepted"]])
    grounds: dict[str, str] = {}
    for article, key, title in (
        (11, "not_accepted_by_ground", "不予受理" if zh else "not accepted"),
        (15, "terminated_by_ground", "处理终结" if zh else "terminated"),
    ):
        by_ground = report[key]
        rows.append([title, sum(by_ground.values())])
        for number, n in sorted(by_ground.items(), key=lambda item: int(item[0])):
            ref, text = ground_of(article, int(number), lang)
            grounds.setdefault(ref, text)
            rows.append([indent + ref, n])
    rows.append(
        [indent + ("其中视同撤回" if zh else "of which deemed withdrawn"), report["deemed_withdrawn"]]
    )
    if report["resolution_ways"]:
        rows.append(["处理方式（第十四条）" if zh else "ways of handling (art. 14)", ""])
        rows += [[indent + way_label(way, lang), n] for way, n in report["resolution_ways"].items()]
    words = HEADERS[lang]
    lines.append(table([words["item"], words["count"]], rows, right={1}))
    lines.extend(_legend(grounds, lang))
    return "\n".join(lines)


def _lang_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang",
        choices=["zh", "en"],
        default="zh",
        help="Chinese with the codes beside (default), or English",
    )


def register(commands: Commands) -> None:
    complaints = commands.add_parser("complaints", help="complaints from the read model")
    complaints.add_argument("--body", choices=["municipal", "district"])
    complaints.add_argument("--district", choices=[d.value for d in District])
    complaints.add_argument("--stage")
    complaints.add_argument("--ground", type=int, help="a 第十一条 or 第十五条 ground")
    complaints.add_argument("--overdue", action="store_true", help="only those with a clock past due")
    complaints.add_argument("--json", action="store_true")
    _lang_flag(complaints)
    complaints.set_defaults(run=cmd_complaints)

    report = commands.add_parser("report", help="第十九条 complaint reports from the read model")
    report_kinds = report.add_subparsers(dest="report_kind", required=True)
    month_help = (
        "the odd month the report is made in, YYYY-MM: it counts the two months before "
        "(default: the period in progress, counted up to today)"
    )
    municipal = report_kinds.add_parser("municipal", help="city-wide, the two months before MONTH")
    municipal.add_argument("--month", help=month_help)
    district = report_kinds.add_parser("district", help="a district body's bi-monthly report")
    district.add_argument("--district", required=True, choices=[d.value for d in District])
    district.add_argument("--month", help=month_help)
    annual = report_kinds.add_parser("annual", help="figures of the annual rights-protection report")
    annual.add_argument("--year", type=int, help="default: this year, counted up to today")
    for parser in (municipal, district, annual):
        parser.add_argument("--json", action="store_true", help="the read model's JSON, for machines")
        _lang_flag(parser)
        parser.set_defaults(run=cmd_report)
