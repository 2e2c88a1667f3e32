"""The auction permit application (京商流通字〔2021〕9号 一 to 三) on the time-skipping server."""

from __future__ import annotations

import calendar
import copy
import json
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.db.event_log import append_events
from activities.db.read_models.certificates import look_up
from domain.calendar import local_date
from domain.case import Actor, CaseEvent, CaseStatus
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import (
    beijing,
    example,
    nth_working_day_after,
    run_govflow_async,
    start_from,
)
from tests.workflows.test_credit_record import fresh_uscc
from workers.main import projections
from workers.settings import Settings

pytestmark = pytest.mark.workflow

DISTRICT = Actor(role="district-officer", id="haidian-01")
WINDOW = Actor(role="window-officer", id="window-03")
REVIEWER = Actor(role="reviewer", id="review-02")


class Permit:
    def __init__(self, env: WorkflowEnvironment, gf: Govflow, pool: asyncpg.Pool, case_no: str) -> None:
        self.env, self.gf, self.pool, self.case_no = env, gf, pool, case_no

    async def status(self) -> CaseStatus:
        return await self.gf.status(self.case_no)

    async def decide(self, decision: str, actor: Actor, payload: dict[str, Any]) -> str:
        return (await self.gf.decide(self.case_no, decision, actor, payload)).stage

    async def notice(self, step: str) -> tuple[str, str]:
        row = await self.pool.fetchrow(
            "SELECT template, body FROM notices WHERE case_no=$1 AND step=$2", self.case_no, step
        )
        assert row is not None
        return row["template"], row["body"]

    async def today(self) -> date:
        return local_date(await self.env.get_current_time())


class ApplyFor(Protocol):
    async def __call__(self, name: str, **changes: Any) -> Permit: ...


@pytest.fixture
async def apply(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> ApplyFor:

    async def apply_for(name: str, **changes: Any) -> Permit:
        document = copy.deepcopy(example("auction-permit", name)) | changes
        return Permit(time_skipping_env, gf, db_pool, await start_from(gf, "auction-permit", document))

    return apply_for


async def test_commitment_route_is_decided_on_the_spot_with_a_spot_check_within_3_months(
    apply: ApplyFor,
) -> None:
    permit = await apply("start-commitment", applicant={"uscc": fresh_uscc(), "name": "北京示例拍卖有限公司"})
    assert (
        await permit.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
        == "formal-review"
    )
    assert await permit.decide("formal-review", WINDOW, {"compliant": True}) == "closed"
    decided = await permit.today()
    status = await permit.status()
    assert status.outcome == "granted"
    [decision] = [e.data for e in status.history if e.type == "PermitDecided"]
    year, month = (
        (decided.year, decided.month + 3) if decided.month <= 9 else (decided.year + 1, decided.month - 9)
    )
    due = date(year, month, min(decided.day, calendar.monthrange(year, month)[1]))  # 三(一), by hand
    assert decision["spot_check_due"] == due.isoformat()
    template, body = await permit.notice("decision")
    assert template == "permit_certificate" and f"BJPM-{permit.case_no}" in body
    async with permit.pool.acquire() as conn:
        registered = await look_up(conn, f"BJPM-{permit.case_no}")
    assert registered is not None
    assert (registered["status"], [h["action"] for h in registered["history"]]) == ("issued", ["issued"])


async def test_cancellation_on_the_commitment_route_issues_the_cancellation_notice(
    apply: ApplyFor,
    postgres_url: str,
) -> None:
    permit = await apply(
        "start-commitment",
        matter="cancellation",
        certificate_no="京拍2024-0042",
        applicant={"uscc": fresh_uscc(), "name": "北京示例拍卖有限公司"},
    )
    await permit.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
    await permit.decide("formal-review", WINDOW, {"compliant": True})
    template, body = await permit.notice("decision")
    assert template == "permit_cancellation_notice"
    assert "拍卖经营批准证书（编号：京拍2024-0042）已依申请注销" in body
    assert (await permit.status()).outcome == "cancelled"
    # The command line reads the register through the worker: it needs Temporal, not the database.
    env = {
        "TEMPORAL_ADDRESS": permit.env.client.service_client.config.target_host,
        "GOVFLOW_TASK_QUEUE": permit.gf.settings.task_queue,
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
    }
    shown = await run_govflow_async("certificate", "京拍2024-0042", "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["status"] == "cancelled"
    missing = await run_govflow_async("certificate", "京拍1999-0000", env=env)
    assert (missing.returncode, missing.stderr) == (
        1,
        "govflow: no certificate 京拍1999-0000 in the register\n",
    )


async def test_general_route_review_clock_met(apply: ApplyFor) -> None:
    permit = await apply("start-general")
    await permit.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
    assert await permit.decide("receive", WINDOW, {"complete": True}) == "review"
    accepted = await permit.today()
    [review] = (await permit.status()).deadlines
    assert review.due == nth_working_day_after(accepted, 9)  # 二(一): 9 working days
    await permit.env.sleep(
        beijing(nth_working_day_after(accepted, 5), 10) - await permit.env.get_current_time()
    )
    await permit.decide("grant", REVIEWER, {"certificate_no": "京拍2026-0101"})
    final = await permit.status()
    assert (final.outcome, final.deadlines[0].state) == ("granted", "met")


async def test_general_route_review_clock_breached_is_escalated_and_the_review_goes_on(
    apply: ApplyFor,
) -> None:
    permit = await apply("start-general")
    await permit.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
    await permit.decide("receive", WINDOW, {"complete": True})
    due = (await permit.status()).deadlines[0].due
    await permit.env.sleep(beijing(due + timedelta(days=1), 0, 5) - await permit.env.get_current_time())
    status = await permit.status()
    assert status.deadlines[0].state == "breached" and status.stage == "review"
    body = await permit.pool.fetchval(
        "SELECT supervising_body FROM escalations WHERE case_no=$1", permit.case_no
    )
    assert body == "北京市商务局"
    await permit.decide("refuse", REVIEWER, {"reasons": "拍卖师人数不符合条件"})
    assert (await permit.status()).outcome == "not granted"


async def test_incomplete_materials_are_returned_with_the_missing_items(apply: ApplyFor) -> None:
    permit = await apply("start-general")
    await permit.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
    before = await permit.status()
    with pytest.raises(DecisionRejectedError, match="returned materials name what is missing"):
        await permit.decide("receive", WINDOW, {"complete": False})
    with pytest.raises(DecisionRejectedError, match="role 'reviewer' may not take decision 'receive'"):
        await permit.decide("receive", REVIEWER, {"complete": True})
    with pytest.raises(DecisionRejectedError, match="not allowed in stage 'acceptance'"):
        await permit.decide("grant", REVIEWER, {"certificate_no": "x"})
    assert await permit.status() == before
    await permit.decide("receive", WINDOW, {"complete": False, "missing": ["拍卖师执业资格证书"]})
    template, body = await permit.notice("returned")
    assert template == "permit_returned" and "1. 拍卖师执业资格证书" in body


async def test_the_credit_gate_sends_a_repeat_offender_to_the_general_route(
    apply: ApplyFor,
    db_pool: asyncpg.Pool,
) -> None:
    uscc = fresh_uscc()
    record = f"CRED-{uscc}"
    found = local_date(datetime.now().astimezone()) - timedelta(days=1)
    at = beijing(found, 10)
    async with db_pool.acquire() as conn:  # a general breach, published 6 months, not repaired
        await append_events(
            conn,
            record,
            [
                CaseEvent(
                    seq=1,
                    at=at,
                    type="CaseOpened",
                    actor="system:govflow",
                    data={
                        "procedure": "credit-record",
                        "applicant_id": uscc,
                        "district": None,
                        "stage": "open",
                        "received_at": at.isoformat(),
                        "application": {"uscc": uscc, "name": "x"},
                    },
                ),
                CaseEvent(
                    seq=2,
                    at=at,
                    type="BreachRecorded",
                    actor="credit-officer:c",
                    data={
                        "breach_id": "SPCK-1",
                        "found_on": (found - timedelta(days=400)).isoformat(),
                        "reported_grade": "general",
                        "grade": "general",
                        "publicity_months": 6,
                        "publicity_ends": (found + timedelta(days=3000)).isoformat(),
                    },
                ),
            ],
            projections(),
        )
    permit = await apply("start-commitment", applicant={"uscc": uscc, "name": "北京示例拍卖有限公司"})
    # Sent at once, the consent waits for the credit gate: it cannot slip in on the commitment route.
    assert (
        await permit.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
        == "acceptance"
    )
    status = await permit.status()
    [changed] = [e.data for e in status.history if e.type == "RouteChanged"]
    assert (changed["from_route"], changed["to_route"]) == ("commitment", "general")
    with pytest.raises(DecisionRejectedError, match="not allowed in stage 'acceptance'"):
        await permit.decide("formal-review", WINDOW, {"compliant": True})
    template, _ = await permit.notice("route-changed")
    assert template == "permit_route_changed"
