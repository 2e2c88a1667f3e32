"""Acts dated when they happened: a decision entered later than the act or receipt carries its
legal date (`effective_on`); clocks count from it, the history keeps both dates, and a date in
the future or before the case's previous act is refused and changes nothing.

Dates are relative to the test server's today T (the demo's review period is 10 calendar days,
a body's period: it does not move off holidays).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import asyncpg
import chinese_calendar
import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.boundary import from_application_error
from domain.calendar import local_date, start_of_day
from domain.case import DecisionRequest
from domain.complaint import ComplaintFiling
from domain.demo import DemoApplication
from domain.errors import InvalidInputError
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from govflow.client.identity import acting_as
from tests.helpers import (
    CLERK,
    INSPECTOR,
    REVIEWER,
    example,
    example_actor,
    stored_events,
    wait_for_status,
    wait_until_opened,
)

pytestmark = pytest.mark.workflow


async def _demo_received(gf: Govflow, received_on_days_ago: int, today: datetime) -> str:
    received = start_of_day(local_date(today) - timedelta(days=received_on_days_ago), time(10))
    ref = await gf.start_case(
        "demo", DemoApplication.model_validate(example("demo", "start")), received_at=received
    )
    await wait_until_opened(gf, ref.case_no)
    return ref.case_no


async def test_a_decision_entered_late_counts_its_clock_from_the_day_of_the_act(
    gf: Govflow, time_skipping_env: WorkflowEnvironment
) -> None:
    now = await time_skipping_env.get_current_time()
    today = local_date(now)
    case_no = await _demo_received(gf, 20, now)

    # Accepted on paper 12 days ago, entered today: the review's 10 days run from T-12 to T-2.
    await gf.decide(case_no, "accept", CLERK, {"note": "材料齐全"}, effective_on=today - timedelta(days=12))
    status = await wait_for_status(gf, case_no, lambda s: s.deadlines[0].state == "breached")
    [review] = status.deadlines
    assert review.due == today - timedelta(days=2)
    taken = next(e for e in status.history if e.type == "DecisionTaken")
    assert taken.data["effective_on"] == (today - timedelta(days=12)).isoformat()
    assert local_date(taken.at) == today  # entered today: the history keeps both dates
    started = next(e for e in status.history if e.type == "ClockStarted")
    assert started.data["started_on"] == (today - timedelta(days=12)).isoformat()

    # Approved on paper on T-3, within the period: the clock is met after all; the breach the
    # timer recorded stays in the history.
    await gf.decide(
        case_no, "approve", REVIEWER, {"conclusion": "符合条件"}, effective_on=today - timedelta(days=3)
    )
    final = await gf.result(case_no)
    assert final.deadlines[0].state == "met"
    types = [e.type for e in final.history]
    assert types.index("ClockBreached") < types.index("ClockMet")
    met = next(e for e in final.history if e.type == "ClockMet")
    assert met.data["breach_withdrawn"] is True


async def test_an_act_entered_late_after_its_due_date_stays_late(
    gf: Govflow, time_skipping_env: WorkflowEnvironment
) -> None:
    now = await time_skipping_env.get_current_time()
    today = local_date(now)
    case_no = await _demo_received(gf, 20, now)
    await gf.decide(case_no, "accept", CLERK, effective_on=today - timedelta(days=15))  # due T-5
    await wait_for_status(gf, case_no, lambda s: s.deadlines[0].state == "breached")
    await gf.decide(
        case_no, "refuse", REVIEWER, {"reason": "材料不实"}, effective_on=today - timedelta(days=4)
    )
    final = await gf.result(case_no)
    assert final.deadlines[0].state == "breached"
    assert "ClockCompletedLate" in [e.type for e in final.history]


async def test_a_date_in_the_future_or_before_the_previous_act_is_refused_and_changes_nothing(
    gf: Govflow, db_pool: asyncpg.Pool, time_skipping_env: WorkflowEnvironment
) -> None:
    now = await time_skipping_env.get_current_time()
    today = local_date(now)
    case_no = await _demo_received(gf, 20, now)

    with pytest.raises(DecisionRejectedError, match="晚于今天"):  # refused before it is sent
        await gf.decide(case_no, "accept", CLERK, effective_on=today + timedelta(days=1))
    with pytest.raises(DecisionRejectedError, match="早于本案上一行为日期"):  # before the receipt
        await gf.decide(case_no, "accept", CLERK, effective_on=today - timedelta(days=21))
    # The case's own validator refuses a future date sent around the SDK.
    with acting_as(CLERK), pytest.raises(WorkflowUpdateFailedError) as raw:
        await gf.client.get_workflow_handle(case_no).execute_update(
            "decide",
            DecisionRequest(
                request_id="raw-future",
                decision="accept",
                actor=CLERK,
                effective_on=today + timedelta(days=2),
            ),
        )
    assert isinstance(from_application_error(raw.value), InvalidInputError)
    before = await gf.status(case_no)
    assert before.stage == "intake"

    await gf.decide(case_no, "accept", CLERK, effective_on=today - timedelta(days=5))
    with pytest.raises(
        DecisionRejectedError, match=f"早于本案上一行为日期{(today - timedelta(days=5)).isoformat()}"
    ):
        await gf.decide(
            case_no,
            "verify",
            INSPECTOR,
            {"step": "营业执照核验", "result": "confirmed"},
            effective_on=today - timedelta(days=6),
        )
    after = await gf.status(case_no)
    assert len(await stored_events(db_pool, case_no)) == len(after.history)
    assert [e.type for e in after.history].count("DecisionTaken") == 1


async def test_a_complaint_accepted_on_28_april_entered_later_keeps_the_60_working_days_from_28_april(
    gf: Govflow, time_skipping_env: WorkflowEnvironment
) -> None:
    """第十二条第（二）项: 60 working days from acceptance. Received Mon 2026-04-27 and accepted on
    paper Tue 2026-04-28, entered months later: the handling period still counts from 04-28."""
    accepted_on = date(2026, 4, 28)
    expected = accepted_on
    counted = 0
    while counted < 60:  # the oracle: chinese_calendar's working days (the 2026 schedule)
        expected += timedelta(days=1)
        counted += chinese_calendar.is_workday(expected)
    filing = ComplaintFiling.model_validate(example("complaint", "start") | {"received_on": "2026-04-27"})
    ref = await gf.start_case("complaint", filing, received_at=start_of_day(date(2026, 4, 27), time(10)))
    await wait_until_opened(gf, ref.case_no)
    await gf.decide(
        ref.case_no,
        "accept",
        example_actor("complaint", "accept"),
        example("complaint", "accept")["payload"],
        effective_on=accepted_on,
    )
    status = await gf.status(ref.case_no)
    handling = next(d for d in status.deadlines if d.name == "handling")
    assert handling.due == expected
    acceptance = next(d for d in status.deadlines if d.name == "acceptance")
    assert acceptance.state == "met"  # accepted on day 1 of its 7 working days
