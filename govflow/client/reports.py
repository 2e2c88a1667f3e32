"""第十九条 reports from the complaints read model, and the schedule that makes them."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleSpec,
)
from temporalio.service import RPCError

from govflow.db.read_models.complaints import annual_figures, period_figures
from govflow.domain.complaint import bimonthly_period
from govflow.workflows.reports import CRON, SCHEDULE_ID, WORKFLOW


async def bimonthly_report(conn: Any, report_month: date, district: str | None) -> dict[str, Any]:
    """A district body's report (or, with no district, the city-wide municipal one)."""
    start, end = bimonthly_period(report_month)
    level = "district" if district else None
    figures = await period_figures(conn, start, end, level=level, district=district)
    return {"report": f"{'district ' + district if district else 'municipal'} {report_month:%Y-%m}",
            **figures}


async def annual_report(conn: Any, year: int) -> dict[str, Any]:
    return await annual_figures(conn, year)


async def ensure_report_schedule(client: Client, task_queue: str, *, attempts: int = 30) -> bool:
    """Create the municipal report schedule if it is not there; True if it was created.

    A server that has just started may refuse for a moment (its scheduler is not up yet):
    asked again once a second, `attempts` times.
    """
    schedule = Schedule(
        action=ScheduleActionStartWorkflow(WORKFLOW, id=f"{SCHEDULE_ID}-run", task_queue=task_queue),
        spec=ScheduleSpec(cron_expressions=[CRON], time_zone_name="Asia/Shanghai"),
    )
    for attempt in range(1, attempts + 1):
        try:
            await client.create_schedule(SCHEDULE_ID, schedule)
        except ScheduleAlreadyRunningError:
            return False
        except RPCError:
            if attempt == attempts:
                raise
            await asyncio.sleep(1)
        else:
            return True
    return False
