"""A terminated workflow runs no more code: `govflow reconcile` records its end (CaseTerminated)
from Temporal's history, once — on the real dev server (visibility) and real PostgreSQL, in a
database of the test's own (the dev server is shared with other tests, whose terminated cases
this database does not hold)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.db.connection import create_pool
from activities.reconcile import reconcile_terminated
from domain.case import Actor
from domain.complaint import ComplaintFiling
from domain.demo import DemoApplication
from govflow.client import Govflow
from tests.helpers import dev_tokens, example, run_govflow_async, wait_for_status
from workers.identity import DevIdentityProvider
from workers.main import build_worker, projections
from workers.settings import Settings

pytestmark = pytest.mark.integration

RECEPTION = Actor(role="receiving-officer", id="recv-01")
REASON = "误立案，终止流程"


@pytest.fixture
async def own_pool(fresh_database: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(fresh_database)
    yield pool
    await pool.close()


async def terminated_in_visibility(env: WorkflowEnvironment, case_no: str) -> None:
    query = f"WorkflowId = '{case_no}' AND ExecutionStatus = 'Terminated' AND CaseNo IS NOT NULL"
    for _ in range(100):
        if [e async for e in env.client.list_workflows(query)]:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{case_no}: not listed as terminated")


async def complaint_rows(pool: asyncpg.Pool, case_no: str) -> tuple[dict[str, Any], dict[str, Any]]:
    complaint = await pool.fetchrow("SELECT * FROM complaints WHERE case_no = $1", case_no)
    case = await pool.fetchrow("SELECT * FROM cases WHERE case_no = $1", case_no)
    assert complaint is not None and case is not None
    return dict(complaint), dict(case)


async def test_a_terminated_complaint_is_reconciled_once_and_the_read_models_say_terminated(
    dev_server_env: WorkflowEnvironment,
    settings: Settings,
    fresh_database: str,
    own_pool: asyncpg.Pool,
) -> None:
    settings = settings.model_copy(update={"task_queue": f"reconcile-{uuid.uuid4().hex[:8]}"})
    gf = Govflow(dev_server_env.client, settings, tokens=dev_tokens(settings))
    async with build_worker(dev_server_env.client, own_pool, settings):
        document = example("complaint", "start") | {"received_on": None}
        ref = await gf.start_case("complaint", ComplaintFiling.model_validate(document))
        await wait_for_status(gf, ref.case_no, lambda s: any(e.type == "ClockStarted" for e in s.history))
        await gf.decide(ref.case_no, "accept", RECEPTION, {"departments": []})
        opened = await gf.status(ref.case_no)
        assert opened.stage == "handling"
        await dev_server_env.client.get_workflow_handle(ref.case_no).terminate(reason=REASON)
    case_no = ref.case_no
    await terminated_in_visibility(dev_server_env, case_no)
    complaint, case = await complaint_rows(own_pool, case_no)
    assert (complaint["stage"], case["outcome"]) == ("handling", None)  # what nobody told it

    # Younger than the settling time: left for the next run.
    early = await reconcile_terminated(dev_server_env.client, own_pool, projections())
    assert case_no in early.too_recent and not early.reconciled

    environment = {
        "TEMPORAL_ADDRESS": dev_server_env.client.service_client.config.target_host,
        "DATABASE_URL": fresh_database,
        "GOVFLOW_STATE_DIR": str(settings.state_dir),
        "GOVFLOW_TASK_QUEUE": settings.task_queue,
    }
    done = await run_govflow_async("reconcile", "--settle", "0", "--json", env=environment)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    [reconciled] = [r for r in report["reconciled"] if r["case_no"] == case_no]
    identity = dev_server_env.client.identity
    assert reconciled == {
        "case_no": case_no,
        "procedure": "complaint",
        "seq": len(opened.history) + 1,
        "event": "CaseTerminated",
        "actor": f"operator:{identity}",
        "reason": REASON,
        "terminated_at": reconciled["terminated_at"],
        "stage": "handling",
    }

    # Run again, through the command line and at once twice: nothing more is recorded.
    again = await run_govflow_async("reconcile", "--settle", "0", env=environment)
    assert again.returncode == 0, again.stderr
    assert case_no not in again.stdout
    assert "无需补记" in again.stdout and "(nothing to reconcile)" in again.stdout
    twice = await asyncio.gather(
        *(
            reconcile_terminated(dev_server_env.client, own_pool, projections(), settle=timedelta(0))
            for _ in range(2)
        )
    )
    assert all(case_no not in [r.case_no for r in run.reconciled] for run in twice)

    rows = await own_pool.fetch(
        "SELECT seq, type, actor, data FROM case_events WHERE case_no = $1 AND type = 'CaseTerminated'",
        case_no,
    )
    assert [(r["seq"], r["actor"]) for r in rows] == [(len(opened.history) + 1, f"operator:{identity}")]
    assert rows[0]["data"]["reason"] == REASON and rows[0]["data"]["stage"] == "handling"
    complaint, case = await complaint_rows(own_pool, case_no)
    assert (complaint["stage"], complaint["outcome"]) == ("closed", "terminated")
    assert complaint["closed_on"] is not None and complaint["termination_ground"] is None
    assert (case["stage"], case["outcome"], case["next_deadline"]) == ("closed", "terminated", None)

    # Rebuilt from case_events alone, the read models say the same.
    rebuilt = await run_govflow_async("rebuild-projections", env={"DATABASE_URL": fresh_database})
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert await complaint_rows(own_pool, case_no) == (complaint, case)


async def test_a_case_cancelled_through_temporal_needs_no_reconciling(
    dev_server_env: WorkflowEnvironment,
    settings: Settings,
    own_pool: asyncpg.Pool,
) -> None:
    settings = settings.model_copy(update={"task_queue": f"reconcile-{uuid.uuid4().hex[:8]}"})
    gf = Govflow(dev_server_env.client, settings, tokens=dev_tokens(settings))
    async with build_worker(dev_server_env.client, own_pool, settings):
        ref = await gf.start_case("demo", DemoApplication.model_validate(example("demo", "start")))
        handle = dev_server_env.client.get_workflow_handle(ref.case_no)
        await handle.cancel()
        final = await wait_for_status(gf, ref.case_no, lambda s: s.outcome is not None)
    assert final.outcome == "cancelled"
    assert [e.type for e in final.history][-2:] == ["CaseCancelled", "CaseClosed"]
    assert final.history[-2].actor == "operator:temporal"
    report = await reconcile_terminated(dev_server_env.client, own_pool, projections(), settle=timedelta(0))
    assert ref.case_no not in [r.case_no for r in report.reconciled]


async def test_govflow_cancel_on_the_command_line(
    dev_server_env: WorkflowEnvironment, settings: Settings, own_pool: asyncpg.Pool
) -> None:
    settings = settings.model_copy(update={"task_queue": f"reconcile-{uuid.uuid4().hex[:8]}"})
    gf = Govflow(dev_server_env.client, settings, tokens=dev_tokens(settings))
    operator = Actor(role="operator", id="ops-09")
    environment = {
        "TEMPORAL_ADDRESS": dev_server_env.client.service_client.config.target_host,
        "GOVFLOW_STATE_DIR": str(settings.state_dir),
        "GOVFLOW_TASK_QUEUE": settings.task_queue,
        "GOVFLOW_TOKEN": DevIdentityProvider(settings.state_dir).token_for(operator),
    }
    async with build_worker(dev_server_env.client, own_pool, settings):
        ref = await gf.start_case("demo", DemoApplication.model_validate(example("demo", "start")))
        await wait_for_status(gf, ref.case_no, lambda s: s.stage == "intake")
        done = await run_govflow_async("cancel", ref.case_no, "--reason", "申请人撤回申请", env=environment)
        assert done.returncode == 0, done.stderr
        assert (
            done.stdout.strip() == f"{ref.case_no}：案件已取消 (cancelled)；阶段 closed；理由：申请人撤回申请"
        )
        again = await run_govflow_async("cancel", ref.case_no, "--reason", "再次撤销", env=environment)
        assert again.returncode == 1 and "the case has ended" in again.stderr, again
    rows = await own_pool.fetch(
        "SELECT actor, data FROM case_events WHERE case_no = $1 AND type = 'CaseCancelled'", ref.case_no
    )
    assert [(r["actor"], r["data"]["reason"]) for r in rows] == [("operator:ops-09", "申请人撤回申请")]
