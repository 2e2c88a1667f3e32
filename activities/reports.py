"""第十九条: the complaints reports of each odd month, made from the read model by the
`complaint-report` workflow (on a schedule): every district body's report of the two
previous months, and the city-wide municipal report due within the month's first 7
working days."""

from __future__ import annotations

from datetime import date
from typing import Any

import asyncpg
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db.calendar_store import CalendarSource
from activities.db.connection import Connection
from activities.db.read_models.complaints import period_figures
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
        async with self._pool.acquire() as conn, conn.transaction():
            figures = await period_figures(conn, start, end)
            await _store(conn, report_id, "municipal", start, end, due, figures)
            # 第十九条第一款: each district body's two months, which the city-wide one sums up.
            for district in District:
                district_figures = await period_figures(
                    conn, start, end, level="district", district=district.value
                )
                district_id = f"complaints-district-{district.value}-{month}"
                await _store(
                    conn, district_id, f"district:{district.value}", start, end, due, district_figures
                )
                district_reports.append(district_id)
        return ReportMade(
            report_id=report_id,
            period_start=start,
            period_end=end,
            due_on=due,
            received=sum(figures["received"].values()),
            district_reports=tuple(district_reports),
        )


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
