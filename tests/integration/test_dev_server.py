"""The case core on the real Temporal dev server: search attributes, listing, and a worker
killed with SIGKILL mid-case."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.complaint import ComplaintFiling
from domain.demo import DemoApplication
from govflow.client import Govflow
from tests.helpers import (
    CLERK,
    REVIEWER,
    dev_tokens,
    example,
    govflow_command,
    unique_case_no,
    wait_for_status,
    wait_until_opened,
)
from workers.main import build_worker
from workers.settings import Settings
from workflows import search_attributes as sa

pytestmark = pytest.mark.integration


@pytest.fixture
async def dev_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"task_queue": f"dev-{uuid.uuid4().hex[:8]}"})


@pytest.fixture
async def dev_worker(
    dev_server_env: WorkflowEnvironment, db_pool: asyncpg.Pool, dev_settings: Settings
) -> AsyncIterator[Worker]:
    async with build_worker(dev_server_env.client, db_pool, dev_settings) as worker:
        yield worker


async def start_demo(gf: Govflow, prefix: str = "DEV") -> str:
    application = DemoApplication.model_validate(example("demo", "start"))
    ref = await gf.start_case("demo", application)
    await wait_until_opened(gf, ref.case_no)
    return ref.case_no


T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = 20.0) -> T:
    """Visibility is eventually consistent: ask again until the answer holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(0.2)


async def test_search_attributes_follow_the_case(
    dev_server_env: WorkflowEnvironment, dev_worker: Worker, dev_settings: Settings
) -> None:
    gf = Govflow(dev_server_env.client, dev_settings, tokens=dev_tokens(dev_settings))
    case_no = await start_demo(gf)
    handle = dev_server_env.client.get_workflow_handle(case_no)
    attributes = (await handle.describe()).typed_search_attributes
    assert attributes.get(sa.CASE_NO) == case_no
    assert attributes.get(sa.CASE_TYPE) == "demo"
    assert attributes.get(sa.STAGE) == "intake"
    assert attributes.get(sa.APPLICANT_ID) == "91110108MA01ABCD1E"
    assert attributes.get(sa.DISTRICT) == "haidian"
    assert attributes.get(sa.NEXT_DEADLINE) is None

    await gf.decide(case_no, "accept", CLERK)
    status = await gf.status(case_no)
    attributes = (await handle.describe()).typed_search_attributes
    assert attributes.get(sa.STAGE) == "review"
    # The review clock ends at 23:59:59 Beijing time of its last day.
    due = status.deadlines[0].due
    assert attributes.get(sa.NEXT_DEADLINE) == datetime(due.year, due.month, due.day, 15, 59, 59, tzinfo=UTC)

    async def listed_in_review() -> bool:
        cases = await gf.list_cases(procedure="demo", stage="review")
        return case_no in {c.case_no for c in cases}

    assert await eventually(listed_in_review)
    assert case_no not in {c.case_no for c in await gf.list_cases(procedure="demo", stage="intake")}

    await gf.decide(case_no, "approve", REVIEWER, {"conclusion": "符合条件"})
    await gf.result(case_no)
    attributes = (await handle.describe()).typed_search_attributes
    assert attributes.get(sa.STAGE) == "closed"
    assert attributes.get(sa.NEXT_DEADLINE) is None


async def test_overdue_lists_only_running_cases_past_their_next_deadline(
    dev_server_env: WorkflowEnvironment, dev_settings: Settings
) -> None:
    """Cases parked on a task queue no worker polls, with NextDeadline set at start."""
    client = dev_server_env.client
    now = datetime.now(UTC)
    parked = {}
    for label, deadline in (("PAST", now - timedelta(days=1)), ("FUTURE", now + timedelta(days=1))):
        case_no = unique_case_no(f"OVERDUE{label}")
        await client.start_workflow(
            "demo",
            id=case_no,
            task_queue=f"nobody-{uuid.uuid4().hex[:6]}",
            search_attributes=TypedSearchAttributes(
                [
                    SearchAttributePair(sa.CASE_NO, case_no),
                    SearchAttributePair(sa.CASE_TYPE, "demo"),
                    SearchAttributePair(sa.STAGE, "review"),
                    SearchAttributePair(sa.NEXT_DEADLINE, deadline),
                ]
            ),
        )
        parked[label] = case_no
    gf = Govflow(client, dev_settings, tokens=dev_tokens(dev_settings))

    async def overdue() -> set[str]:
        return {c.case_no for c in await gf.list_cases(overdue=True)}

    assert parked["PAST"] in await eventually(lambda: _contains(overdue, parked["PAST"]))
    listed = await overdue()
    assert parked["FUTURE"] not in listed
    summary = next(c for c in await gf.list_cases(overdue=True) if c.case_no == parked["PAST"])
    assert summary.overdue
    for case_no in parked.values():
        await client.get_workflow_handle(case_no).terminate("test over")


async def _contains(source: Callable[[], Awaitable[set[str]]], case_no: str) -> set[str]:
    found = await source()
    return found if case_no in found else set()


def spawn_worker(
    env: WorkflowEnvironment, settings: Settings, postgres_url: str, log: Path, level: str = "INFO"
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "TEMPORAL_ADDRESS": env.client.service_client.config.target_host,
        "DATABASE_URL": postgres_url,
        "GOVFLOW_TASK_QUEUE": settings.task_queue,
        "GOVFLOW_STATE_DIR": str(settings.state_dir),
        "GOVFLOW_LOG_FORMAT": "json",
        "GOVFLOW_LOG_LEVEL": level,
    }
    return subprocess.Popen(
        [*govflow_command(), "worker"],
        env=environment,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )


async def test_worker_killed_mid_case_loses_nothing_and_duplicates_nothing(
    dev_server_env: WorkflowEnvironment,
    dev_settings: Settings,
    db_pool: asyncpg.Pool,
    postgres_url: str,
    tmp_path: Path,
) -> None:
    log = tmp_path / "worker.log"
    first = spawn_worker(dev_server_env, dev_settings, postgres_url, log)
    second = None
    try:
        gf = Govflow(dev_server_env.client, dev_settings, tokens=dev_tokens(dev_settings))
        case_no = await start_demo(gf, "KILL")
        accepting = asyncio.create_task(gf.decide(case_no, "accept", CLERK, request_id="accept-1"))
        # Kill as soon as the decision is in the log: the handler is between its activities.
        await _wait_for_event_count(db_pool, case_no, 2)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

        second = spawn_worker(dev_server_env, dev_settings, postgres_url, log)
        accepted = await asyncio.wait_for(accepting, timeout=90)
        assert accepted.stage == "review"
        await gf.decide(case_no, "approve", REVIEWER, {"conclusion": "符合条件"})
        final = await wait_for_status(gf, case_no, lambda s: s.outcome is not None, timeout=90)
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=30)

    expected = [
        "CaseOpened",
        "DecisionTaken",
        "ClockStarted",
        "NoticeIssued",
        "StageChanged",
        "DecisionTaken",
        "ClockMet",
        "NoticeIssued",
        "CaseClosed",
    ]
    assert [e.type for e in final.history] == expected
    rows = await db_pool.fetch("SELECT seq, type FROM case_events WHERE case_no = $1 ORDER BY seq", case_no)
    assert [(r["seq"], r["type"]) for r in rows] == list(enumerate(expected, start=1))
    notices = await db_pool.fetch("SELECT step FROM notices WHERE case_no=$1 ORDER BY seq", case_no)
    assert [n["step"] for n in notices] == ["accepted", "result"]
    deliveries = await db_pool.fetch(
        "SELECT step, channel FROM notice_deliveries WHERE case_no=$1 ORDER BY step", case_no
    )
    assert [(d["step"], d["channel"]) for d in deliveries] == [("accepted", "folder"), ("result", "folder")]
    folder = dev_settings.notices_dir / case_no
    assert sorted(p.name for p in folder.iterdir()) == ["accepted.txt", "result.txt"]


async def _wait_for_event_count(pool: asyncpg.Pool, case_no: str, count: int) -> None:
    for _ in range(600):
        if await pool.fetchval("SELECT count(*) FROM case_events WHERE case_no=$1", case_no) >= count:
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"{case_no}: fewer than {count} events after 12 s")


async def test_sixty_filings_at_once_before_the_worker_is_up_all_start_with_their_own_numbers(
    dev_server_env: WorkflowEnvironment, db_pool: asyncpg.Pool, settings: Settings
) -> None:
    """A counter's morning: 60 complaints filed at once, before the worker is up. Every one
    starts, each with a number of its own, none refused. (The server lets a workflow have 10
    updates in flight; an intake busier than that, as while it continues as new under a stream of
    filings, refuses the rest, and the SDK sends them again a moment later: `_too_many_updates`,
    see tests/unit/test_sdk_errors.py. Here the intake keeps up.)"""
    settings = settings.model_copy(update={"task_queue": f"busy-{uuid.uuid4().hex[:8]}"})
    gf = Govflow(dev_server_env.client, settings, tokens=dev_tokens(settings))
    application = ComplaintFiling.model_validate(example("complaint", "start"))
    filed = asyncio.gather(*(gf.start_case("complaint", application, wait=60) for _ in range(60)))
    await asyncio.sleep(2)
    async with build_worker(dev_server_env.client, db_pool, settings):
        refs = await filed
    numbers = [ref.case_no for ref in refs]
    assert len(set(numbers)) == 60, numbers
