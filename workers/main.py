"""Build and run a worker: every procedure's workflows and the core activities."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from temporalio.client import Client
from temporalio.worker import Worker

from activities.case_log import CaseLogActivities
from activities.clocks import ClockActivities
from activities.db.calendar_store import CalendarSource
from activities.db.connection import create_pool
from activities.db.migrate import migrate
from activities.db.projections import Projections
from activities.intake import IntakeActivities
from activities.notices.channels import FolderChannel
from activities.notices.render import NoticeRenderer
from activities.reads import ReadActivities
from activities.reports import ReportActivities
from workers.database import resolve_database_url
from workers.logs import get_logger
from workers.registry import Wiring, procedure_activities, read_models, workflow_classes
from workers.settings import Settings
from workers.temporal import connect


def build_activities(
    pool: asyncpg.Pool,
    settings: Settings,
    client: Client | None = None,
    renderer: NoticeRenderer | None = None,
) -> list[Any]:
    """The core's activities and every registered procedure's own."""
    case_log = CaseLogActivities(
        pool, renderer or NoticeRenderer(), [FolderChannel(settings.notices_dir)], projections()
    )
    calendars = CalendarSource(pool)
    clocks = ClockActivities(calendars)
    reports = ReportActivities(pool, calendars)
    intake = IntakeActivities(pool)
    reads = ReadActivities(pool)
    return [
        intake.counter,
        intake.claim,
        reads.read,
        reads.act,
        case_log.append_events,
        case_log.issue_notice,
        case_log.escalate,
        case_log.record_verification,
        clocks.plan_clocks,
        reports.make_municipal_report,
        *procedure_activities(Wiring(pool, settings, client)),
    ]


def projections() -> Projections:
    """The read models of every registered procedure, the core's first."""
    return Projections(read_models())


def build_worker(
    client: Client, pool: asyncpg.Pool, settings: Settings, renderer: NoticeRenderer | None = None
) -> Worker:
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=workflow_classes(),
        activities=build_activities(pool, settings, client, renderer),
        max_concurrent_activities=50,
    )


@asynccontextmanager
async def database(settings: Settings, database_url: str | None = None) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url or resolve_database_url(settings))
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
        yield pool
    finally:
        await pool.close()


async def run_worker(
    settings: Settings, *, database_url: str | None = None, stop: asyncio.Event | None = None
) -> None:
    """Poll the task queue until `stop` is set (or forever); then drain and leave."""
    log = get_logger("govflow.worker", task_queue=settings.task_queue)
    client = await connect(settings)
    async with database(settings, database_url) as pool:
        worker = build_worker(client, pool, settings)
        log.info("worker polling", address=settings.temporal_address)
        async with worker:
            await (stop or asyncio.Event()).wait()
        log.info("worker stopped")
