"""An official schedule loaded for a provisional year: the operator's command stores it and
tells open cases to re-plan; a case's provisional clock re-plans with an event."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.db.connection import create_pool
from activities.db.migrate import migrate
from domain.calendar import local_date
from domain.clocks import Unit
from domain.schedules import package_calendar, package_schedule, parse_schedule_file
from govflow.client import Govflow
from tests.conftest import register_search_attributes
from tests.helpers import (
    dev_tokens,
    nth_working_day_after,
    run_govflow_async,
    unique_case_no,
    wait_for_status,
    with_database,
)
from tests.workflows.clock_probe import ClockProbeWorkflow, ProbeOpening
from workers.codec import data_converter
from workers.devstack import installed_binary
from workers.identity import DevIdentityProvider
from workers.keyring import keyring_file
from workers.main import build_activities
from workers.settings import Settings
from workflows.reads import OperatorActWorkflow, ReadModelWorkflow

pytestmark = pytest.mark.integration


@pytest.fixture
async def own_database(postgres_url: str) -> AsyncIterator[str]:
    """A database of its own: a loaded schedule must not leak into other tests' calendar."""
    name = f"replan_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(postgres_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    yield with_database(postgres_url, name)
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()


def schedule_for(year: int) -> dict[str, object]:
    """An 'official' schedule for a year the package only guesses: its rule-based holidays,
    and every Saturday of January made a working day (so that January due dates move)."""
    guessed = package_schedule(year)
    saturdays = [date(year, 1, d) for d in range(1, 32) if date(year, 1, d).weekday() == 5]
    days = [{"name": "假日", "date": d.isoformat(), "isOffDay": True} for d in sorted(guessed.holidays)]
    days += [{"name": "调休上班", "date": d.isoformat(), "isOffDay": False} for d in saturdays]
    return {"year": year, "days": days}


async def test_loading_the_schedule_of_a_provisional_year_replans_open_cases(
    own_database: str, settings: Settings, tmp_path: Path
) -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(settings),
        test_server_existing_path=str(installed_binary("temporal-test-server")),
    )
    pool = await create_pool(own_database)
    try:
        await register_search_attributes(env.client)
        async with pool.acquire() as conn:
            await migrate(conn)
        settings = settings.model_copy(
            update={"database_url": own_database, "task_queue": f"replan-{uuid.uuid4().hex[:6]}"}
        )
        today = local_date(await env.get_current_time())
        year = package_calendar().official_through() + 1
        target = max(date(year, 1, 25), today + timedelta(days=30))
        length = package_calendar().working_days_between(today, target)

        # The probe, and the platform's read and act workflows the command line goes through.
        async with Worker(
            env.client,
            task_queue=settings.task_queue,
            workflows=[ClockProbeWorkflow, ReadModelWorkflow, OperatorActWorkflow],
            activities=build_activities(pool, settings),
        ):
            case_no = unique_case_no("REPLAN")
            await env.client.start_workflow(
                ClockProbeWorkflow.run,
                ProbeOpening(case_no=case_no, length=length, unit=Unit.WORKING_DAYS),
                id=case_no,
                task_queue=settings.task_queue,
            )
            gf = Govflow(env.client, settings, tokens=dev_tokens(settings))
            status = await wait_for_status(
                gf, case_no, lambda s: any(e.type == "ClockStarted" for e in s.history)
            )
            started_on = date.fromisoformat(
                next(e for e in status.history if e.type == "ClockStarted").data["started_on"]
            )
            [before] = status.deadlines
            assert before.provisional
            assert before.due == nth_working_day_after(started_on, length, package_calendar())

            schedule_file = tmp_path / f"{year}.json"
            schedule_file.write_text(json.dumps(schedule_for(year)), encoding="utf-8")
            done = await run_govflow_async(
                "calendar",
                "load",
                str(schedule_file),
                "--replan",
                env={
                    "GOVFLOW_TOKEN": DevIdentityProvider(settings.state_dir).issue("operator", "ops-7"),
                    "GOVFLOW_DATA_KEYS": settings.data_keys or str(keyring_file(settings)),
                    "GOVFLOW_TASK_QUEUE": settings.task_queue,
                    "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                },
            )
            assert done.returncode == 0, done.stderr
            lines = done.stdout.splitlines()
            assert lines[0].startswith(f"loaded the official schedule of {year}; calendar now holidays-")
            assert lines[0].endswith(f"official through {year}")
            assert lines[1:] == [
                f"{case_no}: re-planned probe",
                "told 1 open cases to re-plan; 1 changed a due date",
            ]

            official = package_calendar((parse_schedule_file(schedule_for(year)),))
            status = await gf.status(case_no)
            [after] = status.deadlines
            assert not after.provisional
            assert after.due == nth_working_day_after(started_on, length, official)
            assert after.due < before.due  # January Saturdays became working days
            [replanned] = [e for e in status.history if e.type == "ClockReplanned"]
            assert replanned.actor == "operator:ops-7"
            assert replanned.data["previous_due"] == before.due.isoformat()
            assert replanned.data["previous_provisional"] is True
            assert f"+{year}:" in replanned.data["calendar_version"]

            again = await run_govflow_async(
                "calendar",
                "replan",
                env={
                    "GOVFLOW_TOKEN": DevIdentityProvider(settings.state_dir).issue("operator", "ops-7"),
                    "GOVFLOW_DATA_KEYS": settings.data_keys or str(keyring_file(settings)),
                    "GOVFLOW_TASK_QUEUE": settings.task_queue,
                    "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
                },
            )
            assert again.stdout.splitlines() == ["told 1 open cases to re-plan; 0 changed a due date"]
            assert [e.type for e in (await gf.status(case_no)).history].count("ClockReplanned") == 1
    finally:
        await pool.close()
        await env.shutdown()
