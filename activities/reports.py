"""第十九条: the complaints reports of each odd month, made from the read model by the
`complaint-report` workflow (on a schedule): every district body's report of the two
previous months to the municipal body, with its policy suggestions, and the city-wide
municipal report to the national centre and the coordinating body, due within the month's
first 7 working days. The January run also makes the year's 外商投资企业权益保护建议书 for the
coordinating body, with its typical cases."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db.calendar_store import CalendarSource
from activities.db.connection import Connection
from activities.db.read_models.complaints import annual_figures, period_figures
from domain import complaint as rules
from domain.beijing import District
from domain.models import Record


class MakeReport(Record):
    report_month: date


class ReportMade(Record):
    report_id: str
    period_start: date
    period_end: date
    due_on: date
    received: int
    district_reports: tuple[str, ...] = ()
    annual_report: str | None = None


class ReportActivities:
    def __init__(self, pool: asyncpg.Pool, calendars: CalendarSource) -> None:
        self._pool = pool
        self._calendars = calendars

    @activity.defn(name="make_municipal_complaint_report")
    @translate_activity_errors
    async def make_municipal_report(self, order: MakeReport) -> ReportMade:
        """City-wide figures of the two previous months, stored once per report month."""
        start, end = rules.bimonthly_period(order.report_month)
        calendar = await self._calendars.current()
        # The 7th working day of the report month: counted from the last day of the period.
        due = calendar.add_working_days(end, rules.MUNICIPAL_REPORT_WORKING_DAYS).due
        month = f"{order.report_month:%Y-%m}"
        report_id = f"complaints-municipal-{month}"
        district_reports = []
        annual_id = None
        async with self._pool.acquire() as conn, conn.transaction():
            figures = await period_figures(conn, start, end)
            figures |= {
                "reported_by": rules.MUNICIPAL_BODY,
                "delivered_to": [rules.NATIONAL_CENTRE, rules.COORDINATING_BODY],  # 第十九条第二款
                "policy_suggestions": await _policy_suggestions(conn, start, end),
            }
            await _store(conn, report_id, "municipal", start, end, due, figures)
            # 第十九条第一款: each district body's two months, which the city-wide one sums up.
            for district in District:
                district_figures = await period_figures(
                    conn, start, end, level="district", district=district.value
                )
                district_figures |= {
                    "reported_by": f"{district.chinese_name}外商投诉受理机构",
                    "delivered_to": [rules.MUNICIPAL_BODY],
                    "policy_suggestions": await _policy_suggestions(conn, start, end, district.value),
                }
                district_id = f"complaints-district-{district.value}-{month}"
                await _store(
                    conn, district_id, f"district:{district.value}", start, end, due, district_figures
                )
                district_reports.append(district_id)
            if order.report_month.month == 1:  # 第十九条第二款: 按年度, for the year just ended
                annual_id = await _store_recommendations(conn, order.report_month.year - 1, due)
        return ReportMade(
            report_id=report_id,
            period_start=start,
            period_end=end,
            due_on=due,
            received=sum(figures["received"].values()),
            district_reports=tuple(district_reports),
            annual_report=annual_id,
        )


TYPICAL_CASES = 10
"""At most this many candidate typical cases in the 建议书: the body chooses among them."""


async def _store_recommendations(conn: Connection, year: int, due: date) -> str:
    """第十九条第二款: the year's 外商投资企业权益保护建议书 to the coordinating body: the year's
    figures, the typical cases (the handled complaints, the most worked first), the problems
    and the policy suggestions raised."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    typical = await conn.fetch(
        """SELECT case_no, kind, receiving_level, district, outcome, termination_ground,
                  resolution_ways, received_on, closed_on
           FROM complaints WHERE closed_on BETWEEN $1 AND $2 AND termination_ground IS NOT NULL
           ORDER BY cardinality(resolution_ways) DESC, closed_on, case_no LIMIT $3""",
        start,
        end,
        TYPICAL_CASES,
    )
    report_id = f"complaints-annual-{year}"
    content = {
        "title": "外商投资企业权益保护建议书",
        "reported_by": rules.MUNICIPAL_BODY,
        "delivered_to": [rules.COORDINATING_BODY],
        "figures": await annual_figures(conn, year),
        "typical_cases": [
            {
                **dict(row),
                "resolution_ways": list(row["resolution_ways"]),
                "received_on": row["received_on"].isoformat(),
                "closed_on": row["closed_on"].isoformat(),
            }
            for row in typical
        ],
        "policy_suggestions": await _policy_suggestions(conn, start, end),
    }
    await _store(conn, report_id, "annual", start, end, due, content)
    return report_id


async def _policy_suggestions(
    conn: Connection, start: date, end: date, district: str | None = None
) -> list[dict[str, str]]:
    """第十九条: the policy suggestions of the period: those of kind B complaints received
    (第二条第一款(二)), and those the body made in handling (第十四条(三))."""
    rows = await conn.fetch(
        """SELECT c.case_no, 'complaint' AS source, e.data->'application'->>'policy_suggestions' AS text
             FROM complaints c JOIN case_events e ON e.case_no = c.case_no AND e.type = 'CaseOpened'
            WHERE c.kind = 'B' AND c.received_on BETWEEN $1 AND $2
              AND ($3::text IS NULL OR c.district = $3)
              AND e.data->'application'->>'policy_suggestions' IS NOT NULL
           UNION ALL
           SELECT c.case_no, 'handling' AS source, e.data->>'summary' AS text
             FROM complaints c JOIN case_events e ON e.case_no = c.case_no AND e.type = 'ComplaintResolved'
            WHERE e.data->>'way' = 'policy-suggestion'
              AND (e.at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $1 AND $2
              AND ($3::text IS NULL OR c.district = $3)
           ORDER BY 1, 2""",
        start,
        end,
        district,
    )
    return [dict(row) for row in rows]


async def _store(
    conn: Connection, report_id: str, kind: str, start: date, end: date, due: date, content: dict[str, Any]
) -> None:
    """Once per report: a retried or re-triggered run keeps what was first reported."""
    await conn.execute(
        """INSERT INTO complaint_reports (report_id, kind, period_start, period_end, due_on, content)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (report_id) DO NOTHING""",
        report_id,
        kind,
        start,
        end,
        due,
        content,
    )
