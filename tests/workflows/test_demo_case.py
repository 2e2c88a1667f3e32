"""The case core, exercised through the platform's demo procedure on the time-skipping server."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.db.event_log import append_events
from domain.calendar import local_date
from domain.case import Actor, CaseEvent
from domain.errors import (
    CaseClosedError,
    DuplicateRequestError,
    InvalidInputError,
    UnknownDecisionError,
    WrongRoleError,
    WrongStageError,
)
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import (
    CLERK,
    INSPECTOR,
    REVIEWER,
    start_demo,
    stored_events,
)
from workers.main import projections

pytestmark = pytest.mark.workflow


async def test_accepted_case_reviewed_and_approved_records_every_event(
    gf: Govflow, db_pool: asyncpg.Pool, time_skipping_env: WorkflowEnvironment
) -> None:
    case_no = await start_demo(gf)
    accepted = await gf.decide(case_no, "accept", CLERK, {"note": "材料齐全"})
    assert accepted.stage == "review"

    status = await gf.status(case_no)
    [review] = status.deadlines
    accepted_on = local_date(status.history[-1].at)
    assert review.due == accepted_on + timedelta(days=10)
    assert review.state == "running"

    await gf.decide(case_no, "verify", INSPECTOR, {"step": "营业执照核验", "result": "confirmed"})
    await gf.decide(case_no, "approve", REVIEWER, {"conclusion": "符合条件"})
    final = await gf.result(case_no)

    assert final.outcome == "approved"
    assert final.stage == "closed"
    assert final.deadlines[0].state == "met"
    types = [e.type for e in final.history]
    assert types == [
        "CaseOpened",
        "DecisionTaken",
        "ClockStarted",
        "NoticeIssued",
        "StageChanged",
        "DecisionTaken",
        "VerificationRecorded",
        "DecisionTaken",
        "ClockMet",
        "NoticeIssued",
        "CaseClosed",
    ]
    assert [e.seq for e in final.history] == list(range(1, len(types) + 1))
    assert await stored_events(db_pool, case_no) == list(enumerate(types, start=1))

    notices = await db_pool.fetch(
        "SELECT step, title, body FROM notices WHERE case_no = $1 ORDER BY seq", case_no
    )
    assert [(n["step"], n["title"]) for n in notices] == [("accepted", "受理通知书"), ("result", "结果通知")]
    due = review.due
    assert f"{due.year}年{due.month}月{due.day}日前作出审查决定" in notices[0]["body"]
    row = await db_pool.fetchrow("SELECT stage, outcome, next_deadline FROM cases WHERE case_no=$1", case_no)
    assert row is not None
    assert (row["stage"], row["outcome"], row["next_deadline"]) == ("closed", "approved", None)
    # Search attributes are checked on the dev server (tests/integration): the time-skipping
    # server cannot decode a Datetime attribute in describe().


async def test_review_past_its_tenth_day_is_escalated_and_the_case_goes_on(
    gf: Govflow, db_pool: asyncpg.Pool, time_skipping_env: WorkflowEnvironment
) -> None:
    case_no = await start_demo(gf)
    await gf.decide(case_no, "accept", CLERK)
    due: date = (await gf.status(case_no)).deadlines[0].due

    await time_skipping_env.sleep(timedelta(days=11))
    status = await gf.status(case_no)
    assert status.deadlines[0].state == "breached"
    assert status.stage == "review"
    types = [e.type for e in status.history]
    assert types[-5:] == [
        "ClockReminded",
        "NoticeIssued",  # to the reviewing office, 2 working days ahead
        "ClockBreached",
        "Escalated",
        "NoticeIssued",  # to the supervising body, once due passed
    ]
    escalation = await db_pool.fetchrow(
        "SELECT supervising_body, clock FROM escalations WHERE case_no = $1", case_no
    )
    assert escalation is not None
    assert (escalation["supervising_body"], escalation["clock"]) == ("北京市政务服务管理局", "review")
    notice = await db_pool.fetchrow(
        "SELECT recipient, body FROM notices WHERE case_no=$1 AND template='escalation'", case_no
    )
    assert notice is not None
    assert notice["recipient"] == "北京市政务服务管理局"
    assert f"{due.year}年{due.month}月{due.day}日届满" in notice["body"]

    await gf.decide(case_no, "refuse", REVIEWER, {"reason": "材料不实"})
    final = await gf.result(case_no)
    assert final.outcome == "refused"
    assert final.deadlines[0].state == "breached"


@pytest.mark.parametrize(
    ("decision", "actor", "payload", "error", "message"),
    [
        (
            "approve",
            REVIEWER,
            {"conclusion": "x"},
            WrongStageError,
            "decision 'approve' is not allowed in stage 'intake' (allowed in: review)",
        ),
        ("accept", REVIEWER, {}, WrongRoleError, "role 'reviewer' may not take decision 'accept'"),
        ("reject", CLERK, {}, InvalidInputError, "payload.reason: Field required"),
        ("reject", CLERK, {"reason": "x", "extra": 1}, InvalidInputError, "payload.extra"),
        ("grant", CLERK, {}, UnknownDecisionError, "unknown decision 'grant'"),
    ],
)
async def test_refused_decision_changes_nothing(
    gf: Govflow,
    db_pool: asyncpg.Pool,
    decision: str,
    actor: Actor,
    payload: dict[str, Any],
    error: type[Exception],
    message: str,
) -> None:
    case_no = await start_demo(gf)
    before = await gf.status(case_no)
    with pytest.raises(DecisionRejectedError) as refused:
        await gf.decide(case_no, decision, actor, payload)
    assert isinstance(refused.value.reason, error)
    assert message in str(refused.value)
    assert await gf.status(case_no) == before
    assert len(await stored_events(db_pool, case_no)) == len(before.history)


async def test_same_request_id_twice_is_refused_and_recorded_once(gf: Govflow, db_pool: asyncpg.Pool) -> None:
    case_no = await start_demo(gf)
    await gf.decide(case_no, "accept", CLERK, request_id="req-1")
    before = await gf.status(case_no)
    with pytest.raises(DecisionRejectedError) as refused:
        await gf.decide(case_no, "accept", CLERK, request_id="req-1")
    assert isinstance(refused.value.reason, DuplicateRequestError)
    assert "request 'req-1' was already taken" in str(refused.value)
    assert await gf.status(case_no) == before
    decisions = [e for e in before.history if e.type == "DecisionTaken"]
    assert len(decisions) == 1


async def test_closed_case_takes_no_decision(gf: Govflow) -> None:
    case_no = await start_demo(gf)
    await gf.decide(case_no, "reject", CLERK, {"reason": "不属于本机关职责"})
    final = await gf.result(case_no)
    assert final.outcome == "not-accepted"
    with pytest.raises(DecisionRejectedError) as refused:
        await gf.decide(case_no, "accept", CLERK)
    assert isinstance(refused.value.reason, CaseClosedError)
    assert "the case has ended" in str(refused.value)


async def test_a_number_another_intake_gave_over_the_same_database_is_not_given_again(
    gf: Govflow, db_pool: asyncpg.Pool
) -> None:
    """A second Temporal namespace over the same database (or this one, reset) has its own
    intake: a number it gave is on record only in the database. The next case here skips it."""
    first = await start_demo(gf)
    prefix, year, serial = first.rsplit("-", 2)
    elsewhere = f"{prefix}-{year}-{int(serial) + 1:06d}"
    opened = CaseEvent(
        seq=1,
        at=datetime.now(UTC),
        type="CaseOpened",
        actor="system:govflow",
        data=await db_pool.fetchval("SELECT data FROM case_events WHERE case_no = $1 AND seq = 1", first),
    )
    async with db_pool.acquire() as conn:
        await append_events(conn, elsewhere, [opened], projections())
    second = await start_demo(gf)
    assert second == f"{prefix}-{year}-{int(serial) + 2:06d}"
    assert (await gf.status(second)).attention is None
    async with db_pool.acquire() as conn:
        claimed = await conn.fetch(
            "SELECT serial FROM case_number_claims WHERE prefix = $1 AND year = $2 AND serial > $3",
            prefix,
            int(year),
            int(serial),
        )
    assert [row["serial"] for row in claimed] == [int(serial) + 2]
