"""第十九条: the municipal complaints report, made from the read model within the first 7
working days of each odd month (by the `complaint-report` workflow, on a schedule)."""

from __future__ import annotations

from datetime import date

import asyncpg
from temporalio import activity

from govflow.boundary import translate_activity_errors
from govflow.db.calendar_store import CalendarSource
from govflow.db.read_models.complaints import period_figures
from govflow.domain import complaint as rules
from govflow.domain.models import Record


class MakeReport(Record):
    report_month: date


class ReportMade(Record):
    report_id: str
    period_start: date
    period_end: date
    due_on: date
    received: int


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
        report_id = f"complaints-municipal-{order.report_month:%Y-%m}"
        async with self._pool.acquire() as conn:
            figures = await period_figures(conn, start, end)
            await conn.execute(
                """INSERT INTO complaint_reports (report_id, kind, period_start, period_end, due_on, content)
                   VALUES ($1, 'municipal', $2, $3, $4, $5) ON CONFLICT (report_id) DO NOTHING""",
                report_id, start, end, due, figures,
            )
        return ReportMade(report_id=report_id, period_start=start, period_end=end, due_on=due,
                          received=sum(figures["received"].values()))
