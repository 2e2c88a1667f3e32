"""第十九条: reports from the complaints read model, and the schedule that makes the municipal one."""

from __future__ import annotations

import asyncio
import copy
import json
import uuid
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from temporalio.client import ScheduleHandle
from temporalio.testing import WorkflowEnvironment

from activities.db.connection import Connection, create_pool
from activities.db.event_log import append_events
from domain.calendar import SHANGHAI
from domain.case import CaseEvent
from domain.complaint import bimonthly_period, report_month_for
from domain.schedules import package_calendar
from tests.helpers import example, run_govflow_async
from workers.main import build_worker, projections
from workers.schedules import ensure_report_schedule
from workers.settings import Settings
from workflows.reports import SCHEDULE_ID

pytestmark = pytest.mark.integration


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)


async def file(
    conn: Connection,
    case_no: str,
    received: date,
    *,
    district: str | None = None,
    kind: str = "A",
    then: Sequence[tuple[date, str, dict[str, Any]]] = (),
) -> None:
    """A complaint's events, as the workflow would have recorded them."""
    filing = copy.deepcopy(example("complaint", "start")) | {
        "received_on": received.isoformat(),
        "kind": kind,
    }
    if district:
        filing["receiving_body"] = {"level": "district", "district": district}
        filing["respondent"] = {"name": "区某局", "level": "district-department", "district": district}
    events = [
        CaseEvent(
            seq=1,
            at=at(received),
            type="CaseOpened",
            actor="system:govflow",
            data={
                "procedure": "complaint",
                "applicant_id": "91110105MA01FDQ8KY",
                "district": district,
                "stage": "reviewing",
                "received_at": at(received).isoformat(),
                "application": filing,
            },
        )
    ]
    for seq, (day, kind_of_event, data) in enumerate(then, start=2):
        events.append(CaseEvent(seq=seq, at=at(day), type=kind_of_event, actor="x:y", data=data))
    await append_events(conn, case_no, events, projections())


async def seed(url: str) -> None:
    pool = await create_pool(url)
    try:
        conn = await pool.acquire()
        await file(
            conn,
            "CMPL-2026-000101",
            date(2026, 9, 3),
            then=[
                (
                    date(2026, 9, 8),
                    "NonAcceptanceDecided",
                    {"ground": 2, "ground_text": "x", "explanation": "y", "referral": None},
                ),
                (
                    date(2026, 9, 8),
                    "CaseClosed",
                    {"outcome": "not accepted (第十一条第（2）项)", "stage": "closed"},
                ),
            ],
        )
        await file(
            conn,
            "CMPL-2026-000102",
            date(2026, 10, 12),
            kind="B",
            then=[
                (date(2026, 10, 14), "ComplaintAccepted", {"receiving_body": "x", "departments": []}),
                (date(2026, 10, 14), "StageChanged", {"from_stage": "reviewing", "to_stage": "handling"}),
            ],
        )
        await file(
            conn,
            "CMPL-2026-000103",
            date(2026, 10, 20),
            district="chaoyang",
            then=[
                (date(2026, 10, 21), "ComplaintAccepted", {"receiving_body": "x", "departments": []}),
                (date(2026, 10, 21), "StageChanged", {"from_stage": "reviewing", "to_stage": "handling"}),
                (
                    date(2026, 10, 27),
                    "ComplaintResolved",
                    {"way": "settlement", "summary": "s", "settled_matters": "m", "settled_results": "r"},
                ),
                (
                    date(2026, 10, 28),
                    "ComplaintTerminated",
                    {"ground": 1, "ground_text": "x", "explanation": "y", "deemed_withdrawn": False},
                ),
                (date(2026, 10, 28), "StageChanged", {"from_stage": "handling", "to_stage": "terminated"}),
                (
                    date(2026, 10, 30),
                    "CaseClosed",
                    {"outcome": "terminated (第十五条第（1）项)", "stage": "closed"},
                ),
            ],
        )
        await file(conn, "CMPL-2026-000104", date(2026, 11, 2))  # after the period
        await pool.release(conn)
    finally:
        await pool.close()


@pytest.fixture
async def reader(
    dev_server_env: WorkflowEnvironment, fresh_database: str, settings: Settings
) -> AsyncIterator[dict[str, str]]:
    """The command line's environment: Temporal, and a worker of its own on the seeded database
    (the command line reads the read models through the worker, never the database)."""
    settings = settings.model_copy(
        update={"task_queue": f"reads-{uuid.uuid4().hex[:6]}", "database_url": fresh_database}
    )
    pool = await create_pool(fresh_database)
    try:
        async with build_worker(dev_server_env.client, pool, settings):
            yield {
                "TEMPORAL_ADDRESS": dev_server_env.client.service_client.config.target_host,
                "GOVFLOW_TASK_QUEUE": settings.task_queue,
                "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
            }
    finally:
        await pool.close()


async def report(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = await run_govflow_async("report", *args, "--json", env=env)
    assert done.returncode == 0, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


async def test_the_municipal_district_and_annual_reports_count_from_the_read_model(
    fresh_database: str, reader: dict[str, str]
) -> None:
    await seed(fresh_database)
    municipal = await report(reader, "municipal", "--month", "2026-11")
    assert municipal["period"] == ["2026-09-01", "2026-10-31"]
    assert municipal["received"] == {"A": 2, "B": 1}
    assert municipal["in_progress_by_stage"] == {"handling": 1}  # the two closed in the period are not
    assert [c["case_no"] for c in municipal["concluded"]] == ["CMPL-2026-000101", "CMPL-2026-000103"]
    assert municipal["concluded"][1]["resolution_ways"] == ["settlement"]

    district = await report(reader, "district", "--district", "chaoyang", "--month", "2026-11")
    assert district["received"] == {"A": 1}
    assert [c["termination_ground"] for c in district["concluded"]] == [1]

    annual = await report(reader, "annual", "--year", "2026")
    assert (annual["received"], annual["accepted"]) == (4, 2)
    assert annual["not_accepted_by_ground"] == {"2": 1}
    assert annual["terminated_by_ground"] == {"1": 1}
    assert annual["by_kind"] == {"A": 3, "B": 1}

    refused = await run_govflow_async("report", "municipal", "--month", "2026-10", env=reader)
    assert (refused.returncode, refused.stderr) == (
        1,
        "govflow: 2026-10: the reports are made in odd months (1, 3, 5, 7, 9, 11)\n",
    )


async def test_the_schedule_makes_the_municipal_report_due_on_the_seventh_working_day(
    dev_server_env: WorkflowEnvironment, fresh_database: str, settings: Settings
) -> None:
    settings = settings.model_copy(
        update={"task_queue": f"reports-{uuid.uuid4().hex[:6]}", "database_url": fresh_database}
    )
    pool = await create_pool(fresh_database)
    client = dev_server_env.client
    handle: ScheduleHandle | None = None
    try:
        async with build_worker(client, pool, settings):
            assert await ensure_report_schedule(client, settings.task_queue) is True
            assert await ensure_report_schedule(client, settings.task_queue) is False  # idempotent
            handle = client.get_schedule_handle(SCHEDULE_ID)
            described = await handle.describe()
            assert described.schedule.spec.time_zone_name == "Asia/Shanghai"
            assert len(described.info.next_action_times) >= 3
            for run in described.info.next_action_times[:3]:  # the 1st of odd months, 09:00
                local = run.astimezone(SHANGHAI)
                assert (local.day, local.hour, local.minute, local.month % 2) == (1, 9, 0, 1)
            await handle.trigger()
            for _ in range(100):
                row = await pool.fetchrow("SELECT * FROM complaint_reports WHERE kind = 'municipal'")
                if row is not None:
                    break
                await asyncio.sleep(0.2)
        assert row is not None, "the triggered report was not made"
        month = report_month_for(datetime.now(UTC).date())
        start, end = bimonthly_period(month)
        calendar = package_calendar()
        day, counted = end, 0
        while counted < 7:
            day += timedelta(days=1)
            counted += calendar.is_working_day(day)
        assert (row["report_id"], row["period_start"], row["period_end"], row["due_on"]) == (
            f"complaints-municipal-{month:%Y-%m}",
            start,
            end,
            day,
        )
        districts = await pool.fetchval("SELECT count(*) FROM complaint_reports WHERE kind LIKE 'district:%'")
        assert districts == 17  # the sixteen districts and the Development Area
    finally:
        if handle is not None:
            await handle.delete()
        await pool.close()


async def test_operators_list_complaints_by_body_stage_ground_and_overdue_clocks(
    fresh_database: str, reader: dict[str, str]
) -> None:
    await seed(fresh_database)
    pool = await create_pool(fresh_database)
    try:
        async with pool.acquire() as conn:  # an acceptance clock of 000104, long past due
            await conn.execute(
                """UPDATE cases SET next_deadline = '2026-11-11T15:59:59Z',
                          deadlines = '[{"name": "acceptance", "article": "第十二条第（一）项",
                                         "due": "2026-11-11", "state": "breached", "provisional": false}]'
                   WHERE case_no = 'CMPL-2026-000104'"""
            )
    finally:
        await pool.close()

    async def listed(*args: str) -> list[dict[str, Any]]:
        done = await run_govflow_async("complaints", "--json", *args, env=reader)
        assert done.returncode == 0, done.stderr
        cases: list[dict[str, Any]] = json.loads(done.stdout)
        return cases

    assert [c["case_no"] for c in await listed("--district", "chaoyang")] == ["CMPL-2026-000103"]
    assert [c["case_no"] for c in await listed("--body", "municipal", "--stage", "handling")] == [
        "CMPL-2026-000102"
    ]
    assert [c["case_no"] for c in await listed("--ground", "2")] == ["CMPL-2026-000101"]
    overdue = await listed("--overdue")
    assert [(c["case_no"], c["overdue_clocks"]) for c in overdue] == [("CMPL-2026-000104", ["acceptance"])]
