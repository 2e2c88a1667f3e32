"""Statutory clocks in a workflow, on the time-skipping server: weeks pass in milliseconds.

Expected dates are counted day by day with the calendar's `is_working_day` (itself checked
against chinese-calendar in tests/unit), not with the arithmetic under test.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.calendar import local_date
from domain.case import Actor, CaseEvent, CaseStatus
from domain.clocks import Unit
from domain.schedules import package_calendar
from govflow.client import Govflow
from govflow.client.errors import GovflowError
from tests.helpers import beijing, nth_working_day_after, unique_case_no, wait_for_status
from tests.workflows.clock_probe import ClockProbeWorkflow, ProbeOpening
from workers.main import build_activities
from workers.settings import Settings

pytestmark = pytest.mark.workflow

OFFICER = Actor(role="officer", id="officer-1")
CALENDAR = package_calendar()


@pytest.fixture(scope="module")
async def probe_queue(
    time_skipping_env: WorkflowEnvironment, db_pool: asyncpg.Pool, settings: Settings
) -> AsyncIterator[str]:
    queue = f"clock-probe-{uuid.uuid4().hex[:6]}"
    async with Worker(
        time_skipping_env.client,
        task_queue=queue,
        workflows=[ClockProbeWorkflow],
        activities=build_activities(db_pool, settings),
    ):
        yield queue


class Probe:
    def __init__(self, env: WorkflowEnvironment, gf: Govflow, case_no: str) -> None:
        self.env, self.gf, self.case_no = env, gf, case_no

    async def status(self) -> CaseStatus:
        return await self.gf.status(self.case_no)

    async def events(self, kind: str) -> list[CaseEvent]:
        return [e for e in (await self.status()).history if e.type == kind]

    async def decide(self, decision: str, payload: dict[str, object] | None = None) -> None:
        await self.gf.decide(self.case_no, decision, OFFICER, payload or {})

    async def sleep_until(self, instant: datetime) -> None:
        now = await self.env.get_current_time()
        assert instant > now, f"{instant} is already past ({now})"
        await self.env.sleep(instant - now)


class StartProbe(Protocol):
    async def __call__(
        self, length: int, unit: Unit = Unit.WORKING_DAYS, reminder_lead: int = 2
    ) -> Probe: ...


@pytest.fixture
async def start_probe(
    gf: Govflow, time_skipping_env: WorkflowEnvironment, settings: Settings, probe_queue: str
) -> AsyncIterator[StartProbe]:
    started: list[str] = []

    async def start(length: int, unit: Unit = Unit.WORKING_DAYS, reminder_lead: int = 2) -> Probe:
        case_no = unique_case_no("CLOCK")
        started.append(case_no)
        await time_skipping_env.client.start_workflow(
            ClockProbeWorkflow.run,
            ProbeOpening(case_no=case_no, length=length, unit=unit, reminder_lead=reminder_lead),
            id=case_no,
            task_queue=probe_queue,
        )
        await wait_for_status(gf, case_no, lambda s: any(e.type == "ClockStarted" for e in s.history))
        return Probe(time_skipping_env, gf, case_no)

    yield start
    # The environment's clock is shared: a probe left running would hold timers that no
    # worker serves once this module's worker stops, and stall every later time skip. So
    # each ends as a case ends, by the act it waits for (terminating one stalls the test
    # server's time skipping as well).
    for case_no in started:
        with contextlib.suppress(GovflowError):  # already ended
            await gf.decide(case_no, "act", OFFICER)
        await gf.result(case_no)  # the run's last activities are done before the worker stops


async def test_a_clock_paused_for_ten_working_days_fires_ten_working_days_later(
    start_probe: StartProbe,
) -> None:
    probe = await start_probe(5)
    started = (await probe.events("ClockStarted"))[0]
    today = local_date(started.at)
    original_due = nth_working_day_after(today, 5)
    assert (await probe.status()).deadlines[0].due == original_due

    await probe.decide("pause", {"reason": "补正材料"})
    assert (await probe.status()).deadlines[0].state == "paused"
    resume_day = nth_working_day_after(today, 10)  # 10 working days pass while paused
    await probe.sleep_until(beijing(resume_day, 10))
    assert not await probe.events("ClockBreached")  # a paused clock does not run out
    await probe.decide("resume")

    moved_due = nth_working_day_after(original_due, 10)
    assert [d.due for d in (await probe.status()).deadlines] == [moved_due]
    await probe.sleep_until(beijing(moved_due, 23, 59))
    assert not await probe.events("ClockBreached")
    await probe.sleep_until(beijing(moved_due + timedelta(days=1), 0, 1))
    [breached] = await probe.events("ClockBreached")
    assert breached.data["due"] == moved_due.isoformat()
    assert local_date(breached.at) == moved_due + timedelta(days=1)


async def test_an_extension_moves_the_timer(start_probe: StartProbe) -> None:
    probe = await start_probe(3)
    today = local_date((await probe.events("ClockStarted"))[0].at)
    original_due = nth_working_day_after(today, 3)
    await probe.decide("extend", {"new_length": 8, "reason": "情况复杂", "approver": "处长"})
    extended_due = nth_working_day_after(today, 8)
    [extended] = await probe.events("ClockExtended")
    assert (extended.data["due"], extended.data["approver"]) == (extended_due.isoformat(), "处长")

    await probe.sleep_until(beijing(original_due + timedelta(days=1), 12))
    assert not await probe.events("ClockBreached")
    await probe.sleep_until(beijing(extended_due + timedelta(days=1), 0, 1))
    assert [e.data["due"] for e in await probe.events("ClockBreached")] == [extended_due.isoformat()]


async def test_a_reminder_goes_out_before_the_due_date(
    start_probe: StartProbe, db_pool: asyncpg.Pool
) -> None:
    probe = await start_probe(6, reminder_lead=2)
    today = local_date((await probe.events("ClockStarted"))[0].at)
    due = nth_working_day_after(today, 6)
    reminder_day = nth_working_day_after(today, 4)  # the 2nd working day before the 6th
    await probe.sleep_until(beijing(reminder_day, 8, 59))
    assert not await probe.events("ClockReminded")
    await probe.sleep_until(beijing(reminder_day, 9, 1))
    [reminded] = await probe.events("ClockReminded")
    assert timedelta(0) <= reminded.at - beijing(reminder_day, 9) < timedelta(seconds=1)
    notice = await db_pool.fetchrow(
        "SELECT recipient, body FROM notices WHERE case_no=$1 AND template='clock_reminder'",
        probe.case_no,
    )
    assert notice is not None
    assert notice["recipient"] == "承办科"
    assert f"将于{due.year}年{due.month}月{due.day}日届满" in notice["body"]
    assert (await probe.status()).deadlines[0].state == "running"


async def test_a_breach_is_recorded_and_escalated_and_the_case_goes_on(
    start_probe: StartProbe,
    db_pool: asyncpg.Pool,
) -> None:
    probe = await start_probe(2, reminder_lead=0)
    today = local_date((await probe.events("ClockStarted"))[0].at)
    due = nth_working_day_after(today, 2)
    await probe.sleep_until(beijing(due + timedelta(days=1), 0, 1))

    status = await probe.status()
    assert status.deadlines[0].state == "breached"
    assert status.outcome is None  # the case goes on
    types = [e.type for e in status.history]
    assert types[-3:] == ["ClockBreached", "Escalated", "NoticeIssued"]
    escalation = await db_pool.fetchrow(
        "SELECT supervising_body, article FROM escalations WHERE case_no=$1", probe.case_no
    )
    assert escalation is not None
    assert (escalation["supervising_body"], escalation["article"]) == ("督办机关", "测试条款")
    # Overdue until the act is done: the breached deadline stays the case's next deadline.
    overdue_since = await db_pool.fetchval("SELECT next_deadline FROM cases WHERE case_no=$1", probe.case_no)
    assert overdue_since == beijing(due, 23, 59) + timedelta(seconds=59)

    await probe.decide("act")
    final = await wait_for_status(probe.gf, probe.case_no, lambda s: s.outcome is not None)
    assert final.outcome == "acted late"
    assert final.deadlines[0].state == "breached"
    assert [e.type for e in final.history][-3:] == ["DecisionTaken", "ClockCompletedLate", "CaseClosed"]


async def test_a_decision_arriving_first_cancels_the_timer(start_probe: StartProbe) -> None:
    probe = await start_probe(3)
    today = local_date((await probe.events("ClockStarted"))[0].at)
    due = nth_working_day_after(today, 3)
    await probe.decide("act")
    final = await wait_for_status(probe.gf, probe.case_no, lambda s: s.outcome is not None)
    assert final.outcome == "acted in time"
    assert final.deadlines[0].state == "met"
    await probe.env.sleep(beijing(due + timedelta(days=3)) - await probe.env.get_current_time())
    history = await probe.env.client.get_workflow_handle(probe.case_no).fetch_history()
    fired = [e for e in history.events if e.HasField("timer_fired_event_attributes")]
    canceled = [e for e in history.events if e.HasField("timer_canceled_event_attributes")]
    assert fired == [] and len(canceled) >= 1
    assert not [e for e in final.history if e.type in ("ClockBreached", "ClockReminded")]


async def test_a_wrong_clock_change_is_refused_and_changes_nothing(start_probe: StartProbe) -> None:
    from govflow.client.errors import DecisionRejectedError

    probe = await start_probe(5)
    before = await probe.status()
    with pytest.raises(DecisionRejectedError, match="is not paused"):
        await probe.decide("resume")
    with pytest.raises(DecisionRejectedError, match="must lengthen"):
        await probe.decide("extend", {"new_length": 4, "reason": "x", "approver": "y"})
    assert await probe.status() == before  # refused in the validator: nothing recorded
