"""The complaint procedure (京商函字〔2021〕1056号) on the time-skipping server.

Each test files a complaint received "today" (the test server's date) and checks the due
dates the articles set, counted day by day with `is_working_day` (checked against
chinese-calendar in tests/unit), and the notices the case issued.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.calendar import local_date
from domain.case import Actor, CaseStatus
from domain.complaint import ComplaintFiling, NonAcceptanceGround
from domain.errors import InvalidInputError, WrongRoleError, WrongStageError
from domain.schedules import package_calendar
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import beijing, example, example_actor, nth_working_day_after, wait_for_status
from workers.settings import Settings

pytestmark = pytest.mark.workflow

CALENDAR = package_calendar()
RECEPTION = Actor(role="receiving-officer", id="recv-01")
OFFICER = Actor(role="handling-officer", id="hand-02")
HEAD = Actor(role="head-of-body", id="head-01")


class Complaint:
    def __init__(self, env: WorkflowEnvironment, gf: Govflow, pool: asyncpg.Pool, case_no: str) -> None:
        self.env, self.gf, self.pool, self.case_no = env, gf, pool, case_no

    async def status(self) -> CaseStatus:
        return await self.gf.status(self.case_no)

    async def due(self, clock: str) -> date:
        return next(d.due for d in (await self.status()).deadlines if d.name == clock)

    async def state(self, clock: str) -> str:
        return next(d.state for d in (await self.status()).deadlines if d.name == clock)

    async def types(self) -> list[str]:
        return [e.type for e in (await self.status()).history]

    async def decide(self, decision: str, actor: Actor, payload: dict[str, Any] | None = None) -> str:
        return (await self.gf.decide(self.case_no, decision, actor, payload or {})).stage

    async def notices(self) -> dict[str, str]:
        rows = await self.pool.fetch(
            "SELECT step, body FROM notices WHERE case_no = $1 ORDER BY seq", self.case_no
        )
        return {row["step"]: row["body"] for row in rows}

    async def sleep_until(self, instant: datetime) -> None:
        now = await self.env.get_current_time()
        assert instant > now, f"{instant} is already past ({now})"
        await self.env.sleep(instant - now)

    async def today(self) -> date:
        return local_date(await self.env.get_current_time())


def filing(name: str = "start", **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(example("complaint", name))
    document.update(changes)
    return document


class FileComplaint(Protocol):
    async def __call__(
        self, document: dict[str, Any] | None = None, received_on: date | None = None, dated: bool = True
    ) -> Complaint: ...


@pytest.fixture
async def file_complaint(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> AsyncIterator[FileComplaint]:
    started: list[str] = []

    async def file(
        document: dict[str, Any] | None = None, received_on: date | None = None, dated: bool = True
    ) -> Complaint:
        document = dict(document or filing())
        if dated:
            # None: the day it is filed, on the test server's clock (the filing's default); that
            # clock runs ahead of the wall clock the SDK judges a start file's dates by.
            document["received_on"] = received_on.isoformat() if received_on else None
        ref = await gf.start_case("complaint", ComplaintFiling.model_validate(document))
        started.append(ref.case_no)
        # Opened: its first clock started, or (an appeal referred to the national centre) closed.
        opened = {"ClockStarted", "CaseClosed"}
        await wait_for_status(gf, ref.case_no, lambda s: any(e.type in opened for e in s.history))
        return Complaint(time_skipping_env, gf, db_pool, ref.case_no)

    yield file


async def accept(complaint: Complaint, departments: tuple[str, ...] = ()) -> date:
    assert await complaint.decide("accept", RECEPTION, {"departments": list(departments)}) == "handling"
    return await complaint.today()


def same_day_next_year(day: date) -> date:
    """第十六条's year, counted by hand: the same date a year on (29 February → 28 February)."""
    return (
        day.replace(year=day.year + 1, day=28)
        if (day.month, day.day) == (2, 29)
        else day.replace(year=day.year + 1)
    )


def md(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# -- paths ---------------------------------------------------------------------------------------


async def test_complete_at_once_accepted_handled_with_two_departments_settled_and_notified(
    file_complaint: FileComplaint,
    db_pool: asyncpg.Pool,
) -> None:
    complaint = await file_complaint()
    received = await complaint.today()
    assert (await complaint.status()).stage == "reviewing"
    assert await complaint.due("acceptance") == nth_working_day_after(received, 7)  # 第十二条(一)

    accepted = await accept(complaint, ("市规划自然资源委", "市住房城乡建设委"))
    assert await complaint.due("handling") == nth_working_day_after(accepted, 60)  # 第十二条(二)
    assert await complaint.due("one-year") == same_day_next_year(accepted)  # 第十六条
    assert await complaint.due("letters") == nth_working_day_after(accepted, 5)  # 第十二条(三)
    assert md(nth_working_day_after(accepted, 60)) in (await complaint.notices())["accepted"]

    for department in ("市规划自然资源委", "市住房城乡建设委"):
        await complaint.decide(
            "send-letter", OFFICER, {"department": department, "matters": "请提出处理意见"}
        )
    assert await complaint.state("letters") == "met"
    reply_due = nth_working_day_after(accepted, 30)  # 30 WD from receipt of the letter
    assert await complaint.due("reply:市规划自然资源委") == reply_due
    assert f"请于{md(reply_due)}前" in (await complaint.notices())["letter-市规划自然资源委"]

    # One department reports next steps and a planned date; the complainant is told.
    planned = accepted + timedelta(days=40)
    await complaint.decide(
        "department-progress",
        OFFICER,
        {"department": "市住房城乡建设委", "next_steps": "组织现场核查", "planned_on": planned.isoformat()},
    )
    progress = (await complaint.notices())[f"progress-市住房城乡建设委-{planned.isoformat()}"]
    assert f"拟办结时间：{md(planned)}" in progress
    # The other replies late: breached on the day after its due date, escalated, handling goes on.
    await complaint.sleep_until(beijing(reply_due + timedelta(days=1), 0, 5))
    assert await complaint.state("reply:市规划自然资源委") == "breached"
    escalated = await db_pool.fetchval(
        "SELECT supervising_body FROM escalations WHERE case_no=$1 AND clock=$2",
        complaint.case_no,
        "reply:市规划自然资源委",
    )
    assert escalated == "北京市外商投诉协调机构（北京市商务局）"
    await complaint.decide(
        "department-reply", OFFICER, {"department": "市规划自然资源委", "opinion": "同意协调"}
    )

    await complaint.decide(
        "resolve",
        OFFICER,
        {"way": "settlement", "summary": "达成和解", "settled_matters": "备案", "settled_results": "已办理"},
    )
    assert (
        await complaint.decide("terminate", OFFICER, {"ground": 1, "explanation": "投诉人同意终结"})
        == "terminated"
    )
    terminated = await complaint.today()
    assert await complaint.due("result-notice") == nth_working_day_after(terminated, 3)  # 第十五条
    assert await complaint.state("handling") == "met"
    assert await complaint.decide("notify-result", OFFICER, {"result": "已解决"}) == "closed"
    final = await complaint.gf.result(complaint.case_no)
    assert final.outcome == "terminated (第十五条第（1）项)"
    notices = await complaint.notices()
    assert "处理结果：已解决" in notices["result"]
    assert "因经协调处理，投诉人同意终结（投诉人同意终结）" in notices["result"]
    assert set(notices) >= {"accepted", "letter-市规划自然资源委", "letter-市住房城乡建设委", "result"}


async def test_a_complaint_without_a_receipt_date_counts_from_the_day_it_is_filed(
    file_complaint: FileComplaint,
) -> None:
    complaint = await file_complaint(dated=False)
    today = await complaint.today()
    assert await complaint.due("acceptance") == nth_working_day_after(today, 7)
    opened = next(e for e in (await complaint.status()).history if e.type == "CaseOpened")
    assert opened.data["application"]["received_on"] == today.isoformat()


async def test_one_supplement_round_then_accepted(file_complaint: FileComplaint) -> None:
    complaint = await file_complaint(filing("start-incomplete"))
    received = await complaint.today()
    assert (await complaint.status()).stage == "incomplete"
    assert await complaint.due("supplement-notice") == nth_working_day_after(received, 7)  # 第十条

    await complaint.sleep_until(beijing(nth_working_day_after(received, 2), 10))
    assert await complaint.decide("request-supplement", RECEPTION) == "supplementing"
    noticed = await complaint.today()
    supplement_due = nth_working_day_after(noticed, 15)  # 第十条
    assert await complaint.due("supplement") == supplement_due
    # What the case waits for now is the complainant (第十条 names them), by the supplement's day.
    step = (await complaint.status()).next_step
    assert step is not None
    assert (step.waiting_for, step.who, step.due, step.article, step.clock) == (
        "party",
        ("投诉人",),
        supplement_due,
        "第十条",
        "supplement",
    )
    body = (await complaint.notices())["supplement-notice"]
    assert f"请你方于{md(supplement_due)}前" in body
    assert "1. 投诉人主体资格证明材料" in body
    assert "《Board resolution》的准确、完整的中文翻译件" in body

    await complaint.sleep_until(beijing(nth_working_day_after(noticed, 10), 10))
    supplemented = await complaint.today()
    document = filing(received_on=received.isoformat())
    assert await complaint.decide("supplement", RECEPTION, {"filing": document}) == "reviewing"
    # 第十二条(一): the 7 working days run from the complete materials, not from receipt.
    assert await complaint.due("acceptance") == nth_working_day_after(supplemented, 7)
    step = (await complaint.status()).next_step
    assert step is not None
    assert (step.waiting_for, step.roles, step.due) == (
        "decision",
        ("receiving-officer",),
        nth_working_day_after(supplemented, 7),
    )
    assert {"accept", "not-accept"} <= set(step.decisions)
    await accept(complaint)


async def test_the_readme_supplement_path_keeps_the_day_received_for_the_acceptance_notice(
    file_complaint: FileComplaint,
) -> None:
    """The README's 补正 path with its own example files, none of which gives received_on: the
    supplemented filing must not lose the day the complaint was received (the acceptance
    notice printed it as an empty date, and the case hung in its notice)."""
    complaint = await file_complaint(filing("start-incomplete"), dated=False)
    received = await complaint.today()
    for step in ("request-supplement", "supplement", "accept"):
        document = example("complaint", step)
        await complaint.gf.decide(
            complaint.case_no, step, example_actor("complaint", step), document.get("payload", {})
        )
    status = await complaint.status()
    assert status.stage == "handling" and status.attention is None
    assert f"你方于{md(received)}提交的投诉" in (await complaint.notices())["accepted"]


async def test_supplement_period_missed_is_not_accepted_on_ground_4(file_complaint: FileComplaint) -> None:
    complaint = await file_complaint(filing("start-incomplete"))
    await complaint.decide("request-supplement", RECEPTION)
    due = await complaint.due("supplement")
    await complaint.sleep_until(beijing(due + timedelta(days=1), 0, 5))
    final = await wait_for_status(complaint.gf, complaint.case_no, lambda s: s.outcome is not None)
    assert final.outcome == "not accepted (第十一条第（4）项)"
    body = (await complaint.notices())["not-accepted"]
    assert "第十一条第（4）项规定的情形（经通知补正后，投诉材料仍不符合第八条要求）" in body
    assert "现将投诉材料退回" in body
    # A lapse of the complainant's period is a fact, not the administration's failure.
    assert "Escalated" not in await complaint.types()


async def test_supplement_still_incomplete_is_not_accepted_on_ground_4(file_complaint: FileComplaint) -> None:
    complaint = await file_complaint(filing("start-incomplete"))
    await complaint.decide("request-supplement", RECEPTION)
    still = filing("start-incomplete", received_on=(await complaint.today()).isoformat())
    await complaint.decide("supplement", RECEPTION, {"filing": still})
    final = await wait_for_status(complaint.gf, complaint.case_no, lambda s: s.outcome is not None)
    assert final.outcome == "not accepted (第十一条第（4）项)"
    assert "补正后仍缺少：投诉人主体资格证明材料" in (await complaint.notices())["not-accepted"]


@pytest.mark.parametrize("ground", list(NonAcceptanceGround), ids=lambda g: f"ground-{int(g)}")
async def test_each_ground_of_article_11_is_a_reasoned_not_accepted_notice(
    file_complaint: FileComplaint,
    ground: NonAcceptanceGround,
) -> None:
    complaint = await file_complaint()
    assert (
        await complaint.decide("not-accept", RECEPTION, {"ground": int(ground), "explanation": "经审查"})
        == "closed"
    )
    body = (await complaint.notices())["not-accepted"]
    assert f"第十一条第（{int(ground)}）项规定的情形（{ground.text}）" in body
    assert "现将投诉材料退回" in body
    assert ("你方可以向" in body) == (ground is NonAcceptanceGround.OTHER_BODY)
    assert (await complaint.status()).outcome == f"not accepted (第十一条第（{int(ground)}）项)"


async def test_a_municipal_matter_filed_with_a_district_body_is_referred_to_the_municipal_body(
    file_complaint: FileComplaint,
) -> None:
    complaint = await file_complaint(filing(receiving_body={"level": "district", "district": "chaoyang"}))
    checked = next(e for e in (await complaint.status()).history if e.type == "MaterialsChecked")
    assert checked.data["jurisdiction_problem"] == "北京市外商投诉受理机构（北京市投资促进服务中心）"
    await complaint.decide("not-accept", RECEPTION, {"ground": 3, "explanation": "被投诉人为市级部门"})
    assert (
        "你方可以向北京市外商投诉受理机构（北京市投资促进服务中心）提出投诉"
        in (await complaint.notices())["not-accepted"]
    )


async def test_extension_moves_the_handling_due_date(file_complaint: FileComplaint) -> None:
    complaint = await file_complaint()
    accepted = await accept(complaint)
    await complaint.decide("extend", HEAD, {"new_length": 90, "reason": "涉及部门多、情况复杂"})
    assert await complaint.due("handling") == nth_working_day_after(accepted, 90)
    extended = next(e for e in (await complaint.status()).history if e.type == "ClockExtended")
    assert (extended.data["approver"], extended.data["reason"]) == ("head-01", "涉及部门多、情况复杂")


async def test_thirty_days_without_participation_after_contact_terminate_it(
    file_complaint: FileComplaint,
) -> None:
    complaint = await file_complaint()
    await accept(complaint)
    await complaint.decide("contact", OFFICER, {"means": "电话通知补充说明情况"})
    first_contact = await complaint.today()
    await complaint.sleep_until(beijing(first_contact + timedelta(days=20), 10))
    await complaint.decide("participation", OFFICER, {"summary": "投诉人到场说明"})  # resets the count
    await complaint.decide("contact", OFFICER, {"means": "书面通知参加协调会"})
    contacted = await complaint.today()
    assert await complaint.due("participation") == contacted + timedelta(days=30)  # 连续30日
    await complaint.sleep_until(beijing(contacted + timedelta(days=30), 23, 0))
    assert (await complaint.status()).stage == "handling"
    await complaint.sleep_until(beijing(contacted + timedelta(days=31), 0, 5))
    status = await wait_for_status(complaint.gf, complaint.case_no, lambda s: s.stage == "terminated")
    terminated = next(e for e in status.history if e.type == "ComplaintTerminated")
    assert terminated.data["ground"] == 6
    await complaint.decide("notify-result", OFFICER, {"result": "投诉处理终结"})
    assert "经联系，投诉人连续30日无正当理由不参加投诉处理工作" in (await complaint.notices())["result"]


async def test_proceedings_arising_during_handling_make_it_deemed_withdrawn(
    file_complaint: FileComplaint,
) -> None:
    complaint = await file_complaint()
    await accept(complaint)
    await complaint.decide(
        "deemed-withdrawn", OFFICER, {"proceedings_ground": 9, "explanation": "已提起行政诉讼"}
    )
    status = await complaint.status()
    terminated = next(e for e in status.history if e.type == "ComplaintTerminated")
    assert (terminated.data["ground"], terminated.data["deemed_withdrawn"]) == (4, True)
    await complaint.decide("notify-result", OFFICER, {"result": "视同撤回，处理终结"})
    assert "视同书面撤回投诉" in (await complaint.notices())["result"]


async def test_a_year_after_acceptance_unfinished_is_reported_to_the_government(
    file_complaint: FileComplaint,
    db_pool: asyncpg.Pool,
) -> None:
    complaint = await file_complaint()
    accepted = await accept(complaint)
    year_due = same_day_next_year(accepted)
    await complaint.sleep_until(beijing(year_due + timedelta(days=1), 0, 5))
    assert await complaint.state("one-year") == "breached"
    bodies = await db_pool.fetch(
        "SELECT clock, supervising_body FROM escalations WHERE case_no=$1 ORDER BY seq", complaint.case_no
    )
    assert ("one-year", "北京市人民政府") in [(r["clock"], r["supervising_body"]) for r in bodies]
    assert ("handling", "北京市外商投诉协调机构（北京市商务局）") in [
        (r["clock"], r["supervising_body"]) for r in bodies
    ]
    assert (await complaint.status()).stage == "handling"  # reported, and handling goes on


async def test_an_appeal_is_a_new_case_at_the_municipal_body_linked_to_the_original(
    file_complaint: FileComplaint,
) -> None:
    original = await file_complaint(
        filing(
            receiving_body={"level": "district", "district": "chaoyang"},
            respondent={
                "name": "朝阳区某局",
                "level": "district-department",
                "district": "chaoyang",
                "address": "朝阳区",
                "postcode": "100020",
                "contact": "010-1",
            },
        )
    )
    await original.decide("not-accept", RECEPTION, {"ground": 5, "explanation": "明显缺乏事实依据"})
    appeal = await file_complaint(filing(appeal_of=original.case_no))
    lodged = next(e for e in (await appeal.status()).history if e.type == "AppealLodged")
    assert lodged.data["original_case_no"] == original.case_no
    assert f"原案件编号：{original.case_no}" in (await appeal.notices())["appeal-registered"]


def test_an_appeal_cannot_go_to_a_district_body() -> None:
    document = filing(
        appeal_of="CMPL-2026-000001",
        received_on="2026-11-26",
        receiving_body={"level": "district", "district": "haidian"},
    )
    with pytest.raises(ValueError, match="next higher body"):
        ComplaintFiling.model_validate(document)


# -- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "actor", "payload", "error", "message"),
    [
        (
            "send-letter",
            OFFICER,
            {"department": "x", "matters": "y"},
            WrongStageError,
            "not allowed in stage 'reviewing'",
        ),
        ("accept", OFFICER, {}, WrongRoleError, "role 'handling-officer' may not take decision 'accept'"),
        ("not-accept", RECEPTION, {"ground": 10, "explanation": "x"}, InvalidInputError, "payload.ground"),
        ("not-accept", RECEPTION, {"ground": 2}, InvalidInputError, "payload.explanation: Field required"),
        ("request-supplement", RECEPTION, {}, WrongStageError, "not allowed in stage 'reviewing'"),
    ],
)
async def test_a_wrong_decision_is_refused_and_changes_nothing(
    file_complaint: FileComplaint,
    decision: str,
    actor: Actor,
    payload: dict[str, Any],
    error: type,
    message: str,
) -> None:
    complaint = await file_complaint()
    before = await complaint.status()
    with pytest.raises(DecisionRejectedError) as refused:
        await complaint.decide(decision, actor, payload)
    assert isinstance(refused.value.reason, error)
    assert message in str(refused.value)
    assert await complaint.status() == before


async def test_the_same_decision_sent_twice_is_taken_once(file_complaint: FileComplaint) -> None:
    complaint = await file_complaint()
    await complaint.gf.decide(complaint.case_no, "accept", RECEPTION, {}, request_id="accept-1")
    before = await complaint.status()
    with pytest.raises(DecisionRejectedError, match="request 'accept-1' was already taken"):
        await complaint.gf.decide(complaint.case_no, "accept", RECEPTION, {}, request_id="accept-1")
    assert await complaint.status() == before


async def test_handling_refusals_name_the_rule(file_complaint: FileComplaint) -> None:
    complaint = await file_complaint()
    await accept(complaint)
    before = await complaint.status()
    refusals: list[tuple[str, dict[str, Any], str | None]] = [
        (
            "department-reply",
            {"department": "市某局", "opinion": "x"},
            "no letter awaits a reply from 市某局",
        ),
        ("participation", {"summary": "x"}, "the complainant was not contacted"),
        ("extend", {"new_length": 61, "reason": "x"}, None),
        ("resolve", {"way": "settlement", "summary": "x"}, "a settlement agreement states the matters"),
        ("terminate", {"ground": 6, "explanation": "x"}, "30 days since contact have not passed"),
    ]
    for decision, payload, message in refusals:
        actor = HEAD if decision == "extend" else OFFICER
        if message is None:
            await complaint.decide(decision, actor, payload)  # 61 > 60: a valid extension
            before = await complaint.status()
            continue
        with pytest.raises(DecisionRejectedError, match=message):
            await complaint.decide(decision, actor, payload)
        assert await complaint.status() == before
    with pytest.raises(DecisionRejectedError, match="must lengthen"):
        await complaint.decide("extend", HEAD, {"new_length": 61, "reason": "again"})


async def test_an_acceptance_done_late_is_no_longer_what_the_case_waits_for(
    file_complaint: FileComplaint,
) -> None:
    """第十二条第（一）项 breached, then the acceptance done after all (ClockCompletedLate): the next
    step is the handling of 第十二条第（二）项 (60 working days from the acceptance), not the old
    acceptance date shown as overdue; the occasional decisions of handling (an extension, a
    department added) are not what it waits for."""
    complaint = await file_complaint()
    received = await complaint.today()
    acceptance_due = nth_working_day_after(received, 7)
    await complaint.sleep_until(beijing(acceptance_due + timedelta(days=3), 10))
    assert await complaint.state("acceptance") == "breached"
    overdue = (await complaint.status()).next_step
    assert overdue is not None and (overdue.clock, overdue.due) == ("acceptance", acceptance_due)
    accepted_on = await accept(complaint)
    step = (await complaint.status()).next_step
    assert step is not None
    assert (step.waiting_for, step.clock, step.due, step.article) == (
        "decision",
        "handling",
        nth_working_day_after(accepted_on, 60),
        "第十二条第（二）项",
    )
    assert "extend" not in step.decisions and "add-department" not in step.decisions
    assert step.roles == ("handling-officer",)
