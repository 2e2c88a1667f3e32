"""An operator's cancellation is a case event: the `cancel` update, and Temporal's own cancel
(`temporal workflow cancel`, here `handle.cancel()`), on the time-skipping server and real
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError, WorkflowUpdateFailedError
from temporalio.exceptions import CancelledError
from temporalio.testing import WorkflowEnvironment

from activities.boundary import from_application_error
from domain.case import Actor, CancelOrder, CaseStatus
from domain.complaint import ComplaintFiling
from domain.errors import CaseClosedError, DuplicateRequestError, InvalidInputError, WrongRoleError
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError, InputError
from govflow.client.identity import acting_as
from tests.helpers import (
    CLERK,
    example,
    start_demo,
    stored_events,
    wait_for_status,
)

pytestmark = pytest.mark.workflow

OPERATOR = Actor(role="operator", id="ops-07")
RECEPTION = Actor(role="receiving-officer", id="recv-01")
BY_TEMPORAL = "经 Temporal 取消（未注明理由）"


async def start_complaint(gf: Govflow) -> str:
    document = example("complaint", "start") | {"received_on": None}
    ref = await gf.start_case("complaint", ComplaintFiling.model_validate(document))
    await wait_for_status(gf, ref.case_no, lambda s: any(e.type == "ClockStarted" for e in s.history))
    return ref.case_no


async def case_row(pool: asyncpg.Pool, case_no: str) -> tuple[str, str | None, object]:
    row = await pool.fetchrow("SELECT stage, outcome, next_deadline FROM cases WHERE case_no=$1", case_no)
    assert row is not None
    return row["stage"], row["outcome"], row["next_deadline"]


async def test_an_operators_cancel_records_who_and_why_stops_the_clock_and_closes_the_case(
    gf: Govflow, db_pool: asyncpg.Pool, time_skipping_env: WorkflowEnvironment
) -> None:
    case_no = await start_demo(gf)
    await gf.decide(case_no, "accept", CLERK)  # the review clock runs
    done = await gf.cancel(case_no, OPERATOR, "申请人书面撤回申请", request_id="cancel-1")
    assert (done.case_no, done.request_id, done.outcome, done.stage) == (
        case_no,
        "cancel-1",
        "cancelled",
        "closed",
    )

    final = await gf.result(case_no)  # the workflow completes once the cancellation is recorded
    assert (final.outcome, final.stage) == ("cancelled", "closed")
    types = [e.type for e in final.history]
    assert types[-2:] == ["CaseCancelled", "CaseClosed"]
    cancelled, closed = final.history[-2:]
    assert cancelled.actor == closed.actor == "operator:ops-07"
    assert cancelled.data == {
        "reason": "申请人书面撤回申请",
        "stage": "review",
        "request_id": "cancel-1",
        "clocks_stopped": ["review"],
    }
    assert closed.data == {"outcome": "cancelled", "stage": "closed"}
    assert await stored_events(db_pool, case_no) == [(e.seq, e.type) for e in final.history]
    assert await case_row(db_pool, case_no) == ("closed", "cancelled", None)

    # The stopped clock breaches nothing: ten days on, nothing more is recorded.
    await time_skipping_env.sleep(timedelta(days=11))
    assert len(await stored_events(db_pool, case_no)) == len(final.history)


async def test_a_second_cancel_a_non_operator_and_a_closed_case_are_refused_and_change_nothing(
    gf: Govflow, db_pool: asyncpg.Pool
) -> None:
    case_no = await start_demo(gf)
    before = await gf.status(case_no)

    with pytest.raises(DecisionRejectedError) as not_operator:
        await gf.cancel(case_no, CLERK, "我来撤销")
    assert isinstance(not_operator.value.reason, WrongRoleError)
    assert "role 'clerk' may not cancel a case (only: operator)" in str(not_operator.value)
    with pytest.raises(InputError, match="reason: must not be blank"):
        await gf.cancel(case_no, OPERATOR, "   ")
    # The case's own validator applies the input boundary too (a request sent around the SDK).
    with acting_as(OPERATOR), pytest.raises(WorkflowUpdateFailedError) as blank:
        await gf.client.get_workflow_handle(case_no).execute_update(
            "cancel", CancelOrder(actor=OPERATOR, reason=" ", request_id="raw-1")
        )
    assert isinstance(from_application_error(blank.value), InvalidInputError)
    assert await gf.status(case_no) == before
    assert len(await stored_events(db_pool, case_no)) == len(before.history)

    await gf.cancel(case_no, OPERATOR, "重复立案", request_id="cancel-2")
    ended = await gf.result(case_no)
    for attempt in ("cancel-2", "cancel-3"):  # the same order again, and another
        with pytest.raises(DecisionRejectedError) as again:
            await gf.cancel(case_no, OPERATOR, "再次撤销", request_id=attempt)
        expected = DuplicateRequestError if attempt == "cancel-2" else CaseClosedError
        assert isinstance(again.value.reason, expected), again.value
    with pytest.raises(DecisionRejectedError) as decided:
        await gf.decide(case_no, "accept", CLERK)
    assert isinstance(decided.value.reason, CaseClosedError)
    assert [t for _, t in await stored_events(db_pool, case_no)].count("CaseCancelled") == 1
    assert len(await stored_events(db_pool, case_no)) == len(ended.history)


async def test_a_case_that_has_ended_cannot_be_cancelled(gf: Govflow, db_pool: asyncpg.Pool) -> None:
    case_no = await start_demo(gf)
    await gf.decide(case_no, "reject", CLERK, {"reason": "不属于本机关职责"})
    final = await gf.result(case_no)
    with pytest.raises(DecisionRejectedError) as refused:
        await gf.cancel(case_no, OPERATOR, "撤销")
    assert isinstance(refused.value.reason, CaseClosedError)
    assert await case_row(db_pool, case_no) == ("closed", "not-accepted", None)
    assert len(await stored_events(db_pool, case_no)) == len(final.history)


async def test_a_complaint_cancelled_says_so_in_the_complaints_read_model(
    gf: Govflow, db_pool: asyncpg.Pool
) -> None:
    case_no = await start_complaint(gf)
    assert (await gf.decide(case_no, "accept", RECEPTION, {"departments": []})).stage == "handling"
    await gf.cancel(case_no, OPERATOR, "投诉人已通过诉讼途径解决，依申请撤销")
    final = await gf.result(case_no)
    [cancelled] = [e for e in final.history if e.type == "CaseCancelled"]
    assert cancelled.actor == "operator:ops-07"
    assert cancelled.data["stage"] == "handling"
    assert set(cancelled.data["clocks_stopped"]) >= {"handling", "one-year"}
    row = await db_pool.fetchrow("SELECT stage, outcome, closed_on FROM complaints WHERE case_no=$1", case_no)
    assert row is not None
    assert (row["stage"], row["outcome"]) == ("closed", "cancelled")
    assert row["closed_on"] is not None
    assert await case_row(db_pool, case_no) == ("closed", "cancelled", None)
    listed = await gf.complaints(stage="closed")
    assert case_no in [c["case_no"] for c in listed]


async def _cancelled_through_temporal(gf: Govflow, case_no: str) -> CaseStatus:
    handle = gf.client.get_workflow_handle(case_no)
    await handle.cancel()
    with pytest.raises(WorkflowFailureError) as ended:
        await handle.result()
    assert isinstance(ended.value.cause, CancelledError)  # the workflow ends as Canceled
    described = await gf.client.workflow_service.describe_workflow_execution(  # raw: see test_demo_case
        DescribeWorkflowExecutionRequest(
            namespace=gf.client.namespace, execution=WorkflowExecution(workflow_id=case_no)
        )
    )
    assert described.workflow_execution_info.status == WorkflowExecutionStatus.CANCELED.value
    return await gf.status(case_no)


async def test_temporals_own_cancel_is_recorded_as_the_operators(gf: Govflow, db_pool: asyncpg.Pool) -> None:
    case_no = await start_demo(gf)
    await gf.decide(case_no, "accept", CLERK)
    final = await _cancelled_through_temporal(gf, case_no)
    assert (final.outcome, final.stage) == ("cancelled", "closed")
    cancelled, closed = final.history[-2:]
    assert (cancelled.type, closed.type) == ("CaseCancelled", "CaseClosed")
    assert cancelled.actor == "operator:temporal"
    assert cancelled.data == {
        "reason": BY_TEMPORAL,
        "stage": "review",
        "request_id": None,
        "clocks_stopped": ["review"],
    }
    assert await stored_events(db_pool, case_no) == [(e.seq, e.type) for e in final.history]
    assert await case_row(db_pool, case_no) == ("closed", "cancelled", None)


async def test_temporals_cancel_of_a_complaint_reaches_the_complaints_read_model(
    gf: Govflow, db_pool: asyncpg.Pool
) -> None:
    case_no = await start_complaint(gf)
    final = await _cancelled_through_temporal(gf, case_no)
    assert [e.type for e in final.history][-2:] == ["CaseCancelled", "CaseClosed"]
    assert final.history[-2].data["stage"] == "reviewing"
    row = await db_pool.fetchrow("SELECT stage, outcome FROM complaints WHERE case_no=$1", case_no)
    assert row is not None
    assert (row["stage"], row["outcome"]) == ("closed", "cancelled")
    assert await stored_events(db_pool, case_no) == [(e.seq, e.type) for e in final.history]
