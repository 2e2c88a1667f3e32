"""Build and run a worker: every procedure's workflows and the core activities."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from temporalio.client import Client
from temporalio.worker import Worker
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

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
from workers.identity import (
    IDENTITY_MODULES,
    KEYS_REFRESH,
    IdentityHeaders,
    IdentityInterceptor,
    KeySetError,
    ServiceSigner,
    Verifier,
)
from workers.logs import get_logger
from workers.metrics import ActivityRetries, metrics_runtime, metrics_url
from workers.registry import Wiring, direct_starts, procedure_activities, read_models, workflow_classes
from workers.settings import Settings
from workers.temporal import connect, with_sealed_headers


def build_activities(
    pool: asyncpg.Pool,
    settings: Settings,
    client: Client | None = None,
    renderer: NoticeRenderer | None = None,
) -> list[Any]:
    """The core's activities and every registered procedure's own. The data key ring (KeyRingError
    if there is none) seals personal data in the log and gives pseudonyms; it is also installed
    for the read models' own lookups (activities.db.event_log.install_data_keys)."""
    from activities.db.event_log import install_data_keys
    from workers.keyring import load_keyring

    keys = load_keyring(settings)
    install_data_keys(keys)
    case_log = CaseLogActivities(
        pool, renderer or NoticeRenderer(), [FolderChannel(settings.notices_dir)], projections(), keys
    )
    calendars = CalendarSource(pool)
    clocks = ClockActivities(calendars)
    reports = ReportActivities(pool, calendars)
    intake = IntakeActivities(pool, keys)
    reads = ReadActivities(pool)
    return [
        intake.counter,
        intake.claim,
        intake.applicant_pseudonym,
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
    client: Client,
    pool: asyncpg.Pool,
    settings: Settings,
    renderer: NoticeRenderer | None = None,
    verifier: Verifier | None = None,
) -> Worker:
    service = ServiceSigner.of(settings)
    client = with_sealed_headers(client)
    # What the activities ask of other cases is signed with the workers' own key.
    config = client.config()
    config["interceptors"] = [*config.get("interceptors", ()), IdentityHeaders(service.tokens())]
    signed = Client(**config)
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=workflow_classes(),
        activities=build_activities(pool, settings, signed, renderer),
        interceptors=[
            IdentityInterceptor(verifier or verifier_of(settings, service), direct_starts()),
            ActivityRetries(),
        ],
        # The identity check runs in update validators, inside the sandbox: the token libraries
        # (and the native code under them, which cannot be loaded twice) come from outside it.
        workflow_runner=SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_modules(*IDENTITY_MODULES)
        ),
        max_concurrent_activities=50,
    )


def verifier_of(settings: Settings, service: ServiceSigner | None = None) -> Verifier:
    """The identity key set the worker verifies tokens with, and the workers' own key
    (KeySetError if either cannot be read)."""
    return Verifier(
        settings.jwks_source,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        service=(service or ServiceSigner.of(settings)).public_jwk,
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
    """Poll the task queue until `stop` is set (or forever); then drain and leave. Metrics are
    served at GOVFLOW_METRICS_ADDRESS meanwhile (workers.metrics)."""
    log = get_logger("govflow.worker", task_queue=settings.task_queue)
    client = await connect(settings, metrics_runtime(settings))
    verifier = verifier_of(settings)  # refused at once if the key set cannot be read
    async with database(settings, database_url) as pool:
        worker = build_worker(client, pool, settings, verifier=verifier)
        log.info(
            "worker polling",
            address=settings.temporal_address,
            keys=settings.jwks_source,
            metrics=metrics_url(settings),
        )
        refresh = asyncio.create_task(_refresh_keys(verifier))
        try:
            async with worker:
                await (stop or asyncio.Event()).wait()
        finally:
            refresh.cancel()
        log.info("worker stopped")


async def _refresh_keys(verifier: Verifier) -> None:
    """Read the identity key set again now and then: a provider publishes its next key ahead."""
    log = get_logger("govflow.worker")
    while True:
        await asyncio.sleep(KEYS_REFRESH.total_seconds())
        try:
            await asyncio.to_thread(verifier.reload)
        except KeySetError as error:
            log.warning("identity keys not refreshed; the last ones stay in use", error=str(error))
