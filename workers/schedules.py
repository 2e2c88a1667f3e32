"""The schedules a stack needs: the 第十九条 municipal complaints report."""

from __future__ import annotations

import asyncio

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleSpec,
)
from temporalio.service import RPCError

from workflows.reports import CRON, SCHEDULE_ID, WORKFLOW


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
