"""An applicant's credit record (京商流通字〔2021〕9号 四, 五) on the time-skipping server."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.client import WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.db.read_models.credit import barring_entries
from domain.calendar import local_date
from domain.case import Actor, CaseStatus
from domain.credit import CreditRecordOpening, CreditSubject
from domain.identifiers import uscc_check_character
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import beijing, replays_on_this_code, stored_events, wait_for_status
from workers.settings import Settings

pytestmark = pytest.mark.workflow

OFFICER = Actor(role="credit-officer", id="credit-01")
ECONOMY_BUREAU = Actor(role="economy-bureau", id="jxj-01")


def fresh_uscc() -> str:
    body = "9111010" + "".join(str(int(c, 16) % 10) for c in uuid.uuid4().hex[:10])
    return body + uscc_check_character(body)


def months_later(day: date, months: int) -> date:
    """By hand: the same day number `months` later (these tests use days ≤ 28)."""
    index = day.month - 1 + months
    return day.replace(year=day.year + index // 12, month=index % 12 + 1)


class Record:
    def __init__(self, env: WorkflowEnvironment, gf: Govflow, case_no: str) -> None:
        self.env, self.gf, self.case_no = env, gf, case_no

    async def status(self) -> CaseStatus:
        return await self.gf.status(self.case_no)

    async def events(self, kind: str) -> list[dict[str, Any]]:
        return [e.data for e in (await self.status()).history if e.type == kind]

    async def breach(self, breach_id: str, found_on: date, grade: str, months: int | None = None) -> None:
        await self.gf.decide(
            self.case_no,
            "record-breach",
            OFFICER,
            {
                "breach_id": breach_id,
                "found_on": found_on.isoformat(),
                "grade": grade,
                "matter": "licence",
                "publicity_months": months,
            },
        )

    async def today(self) -> date:
        return local_date(await self.env.get_current_time())


class OpenRecord(Protocol):
    async def __call__(self, continue_after_events: int = 1000) -> Record: ...


@pytest.fixture
async def open_record(
    gf: Govflow, time_skipping_env: WorkflowEnvironment, time_skipping_worker: Worker, settings: Settings
) -> OpenRecord:

    async def open_one(continue_after_events: int = 1000) -> Record:
        subject = CreditSubject(uscc=fresh_uscc(), name="北京示例拍卖有限公司")
        case_no = f"CRED-{subject.uscc}"
        await gf.client.start_workflow(  # signed: a record is started directly, its start checked
            "credit-record",
            CreditRecordOpening(
                case_no=case_no, application=subject, continue_after_events=continue_after_events
            ),
            id=case_no,
            task_queue=settings.task_queue,
        )
        await wait_for_status(gf, case_no, lambda s: bool(s.history))
        return Record(time_skipping_env, gf, case_no)

    return open_one


async def test_three_minor_breaches_in_a_year_are_general_and_a_fourth_after_the_year_is_not(
    open_record: OpenRecord,
) -> None:
    record = await open_record()
    day = await record.today() - timedelta(days=500)  # a breach is found on a day that has come
    await record.breach("B1", day, "minor")
    await record.breach("B2", day + timedelta(days=100), "minor")
    await record.breach("B3", day + timedelta(days=200), "minor", months=2)  # handled as general
    await record.breach("B4", months_later(day + timedelta(days=100), 12) + timedelta(days=1), "minor")
    grades = [
        (e["breach_id"], e["reported_grade"], e["grade"]) for e in await record.events("BreachRecorded")
    ]
    # B4 comes a day after B2's year (and B1's) has ended: of the minors only B3 is left in
    # the year, and B3 is handled as general, so B4 stays minor.
    assert grades == [
        ("B1", "minor", "minor"),
        ("B2", "minor", "minor"),
        ("B3", "minor", "general"),
        ("B4", "minor", "minor"),
    ]


async def test_two_general_breaches_in_a_year_are_severe(open_record: OpenRecord) -> None:
    record = await open_record()
    day = await record.today() - timedelta(days=30)  # a breach is found on a day that has come
    await record.breach("G1", day, "general", months=1)
    with pytest.raises(DecisionRejectedError, match="severe breach is published 6 to 12 months"):
        await record.breach("G2", day + timedelta(days=30), "general", months=3)  # it is severe now
    await record.breach("G2", day + timedelta(days=30), "general", months=6)
    assert [e["grade"] for e in await record.events("BreachRecorded")] == ["general", "severe"]


async def test_general_publicity_ends_by_itself_after_the_decided_months(
    open_record: OpenRecord,
    db_pool: asyncpg.Pool,
    settings: Settings,
) -> None:
    record = await open_record()
    applicant = record.case_no.removeprefix("CRED-")
    day = min(await record.today(), (await record.today()).replace(day=20))
    await record.breach("P1", day, "general", months=3)
    ends = months_later(day, 3)
    [recorded] = await record.events("BreachRecorded")
    assert recorded["publicity_ends"] == ends.isoformat()
    # The publication is the record's deadline: its last day is the day before it ends (四(二)).
    [window] = (await record.status()).deadlines
    assert (window.name, window.kind, window.due, window.state) == (
        "publicity:P1",
        "publicity",
        ends - timedelta(days=1),
        "running",
    )
    now = await record.env.get_current_time()
    await record.env.sleep(beijing(ends - timedelta(days=1), 23) - now)
    assert await record.events("PublicityEnded") == []
    async with db_pool.acquire() as conn:  # the credit gate of the commitment route
        assert [e["breach_id"] for e in await barring_entries(conn, applicant, ends - timedelta(days=1))] == [
            "P1"
        ]
    await record.env.sleep(timedelta(hours=2))
    assert await record.events("PublicityEnded") == [{"breach_id": "P1", "ended_on": ends.isoformat()}]
    async with db_pool.acquire() as conn:
        assert await barring_entries(conn, applicant, ends) == []
        assert await conn.fetchval(
            "SELECT publicity_ended FROM credit_entries WHERE case_no=$1 AND breach_id='P1'", record.case_no
        )
    status = await record.status()
    assert status.deadlines == ()
    assert status.next_step is not None and status.next_step.waiting_for == "idle"
    await replays_on_this_code(record.env.client, record.case_no, settings)  # waits-are-deadlines


async def test_a_repair_shortens_publicity_and_stops_it(open_record: OpenRecord) -> None:
    record = await open_record()
    day = await record.today()
    await record.breach("R1", day, "severe", months=12)
    await record.env.sleep(timedelta(days=40))
    repaired_on = await record.today()
    await record.gf.decide(
        record.case_no,
        "repair",
        OFFICER,
        {"breach_id": "R1", "shortening_months": 3, "means": "完成信用整改"},
    )
    [repaired] = await record.events("CreditRepaired")
    assert repaired["publicity_ends"] == repaired_on.isoformat()
    await record.env.sleep(timedelta(days=1))
    assert await record.events("PublicityEnded") == [{"breach_id": "R1", "ended_on": repaired_on.isoformat()}]
    with pytest.raises(DecisionRejectedError, match="already repaired"):
        await record.gf.decide(
            record.case_no, "repair", OFFICER, {"breach_id": "R1", "shortening_months": 1, "means": "x"}
        )


async def test_an_upheld_objection_takes_the_entry_off_and_refusals_change_nothing(
    open_record: OpenRecord,
) -> None:
    record = await open_record()
    day = await record.today()
    await record.breach("O1", day, "general", months=6)
    applicant = Actor(role="applicant", id=record.case_no.removeprefix("CRED-"))  # the company itself
    before = await record.status()
    refusals: list[tuple[str, Actor, dict[str, Any], str]] = [
        (
            "decide-objection",
            ECONOMY_BUREAU,
            {"breach_id": "O1", "upheld": True, "reason": "x", "evidence": "证明"},
            "no objection to O1",
        ),
        ("object", applicant, {"breach_id": "O9", "reasons": "x", "evidence": "证明"}, "no breach O9"),
        (
            "object",
            OFFICER,
            {"breach_id": "O1", "reasons": "x", "evidence": "证明"},
            "role 'credit-officer' may not",
        ),
    ]
    for decision, actor, payload, message in refusals:
        with pytest.raises(DecisionRejectedError, match=message):
            await record.gf.decide(record.case_no, decision, actor, payload)
    assert await record.status() == before
    await record.gf.decide(
        record.case_no,
        "object",
        applicant,
        {"breach_id": "O1", "reasons": "登记信息未更新", "evidence": "登记机关更正证明"},
    )
    await record.gf.decide(
        record.case_no,
        "decide-objection",
        ECONOMY_BUREAU,
        {"breach_id": "O1", "upheld": True, "reason": "经核实异议成立", "evidence": "登记机关更正证明"},
    )
    await record.env.sleep(timedelta(days=1))
    assert [e["breach_id"] for e in await record.events("PublicityEnded")] == ["O1"]


async def test_the_record_goes_on_in_a_new_run_with_its_entries_and_numbering(
    open_record: OpenRecord,
    db_pool: asyncpg.Pool,
) -> None:
    # Opened (1), then 3 events a breach (DecisionTaken, BreachRecorded, the applicant's notice).
    record = await open_record(continue_after_events=8)
    day = await record.today() - timedelta(days=3)  # a breach is found on a day that has come
    await record.breach("C1", day, "minor")
    await record.breach("C2", day + timedelta(days=1), "minor")
    await record.breach("C3", day + timedelta(days=2), "general", months=1)  # 10 events: hand over
    status = await wait_for_status(
        record.gf, record.case_no, lambda s: not any(e.type == "CaseOpened" for e in s.history)
    )
    assert status.stage == "open"
    # The entries came along: a third minor in the year is general, and with C3 severe.
    await record.breach("C4", day + timedelta(days=3), "minor", months=6)
    assert (await record.events("BreachRecorded"))[-1]["grade"] == "severe"
    rows = await db_pool.fetch(
        "SELECT seq, type FROM case_events WHERE case_no=$1 ORDER BY seq", record.case_no
    )
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert [r["type"] for r in rows][10:] == [
        "RecordContinued",
        "DecisionTaken",
        "BreachRecorded",
        "NoticeIssued",
    ]


async def test_a_record_started_without_a_proven_identity_is_refused_and_can_be_started_properly(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> None:
    """A credit record is started directly (one per company), not through an intake: its start
    is checked when it runs. Refused, it records nothing and fails; the company's record can
    then be started by someone who proves who they are. The refusal is read back from the
    history on replay (a query), not judged again."""
    subject = CreditSubject(uscc=fresh_uscc(), name="北京示例拍卖有限公司")
    case_no = f"CRED-{subject.uscc}"
    refused = await time_skipping_env.client.start_workflow(  # no identity token
        "credit-record",
        CreditRecordOpening(case_no=case_no, application=subject),
        id=case_no,
        task_queue=settings.task_queue,
    )
    with pytest.raises(WorkflowFailureError) as failed:
        await refused.result()
    assert isinstance(failed.value.cause, ApplicationError) and failed.value.cause.type == "Unauthenticated"
    assert await stored_events(db_pool, case_no) == []
    replayed = await refused.query("status")  # replays the refused run: the same verdict, no error
    assert replayed["history"] == []

    ref = await gf.start_case("credit-record", subject)
    assert ref.case_no == case_no
    assert [t for _, t in await stored_events(db_pool, case_no)][:1] == ["CaseOpened"]


async def test_五_an_objection_is_decided_by_the_economy_bureau_with_its_evidence_and_the_applicant_is_told(
    open_record: OpenRecord, db_pool: asyncpg.Pool
) -> None:
    """五: "向市经济信息化部门书面提出异议申请，并提供相关证明材料": the objection states its
    evidence, 市经济信息化部门 (not the commerce bureau's credit officer) decides it and states the
    evidence it rests on; 四, 五: the applicant is told of the entry, the repair and the ruling."""
    record = await open_record()
    day = await record.today()
    await record.breach("E1", day, "general", months=3)
    await record.breach("E2", day, "general")  # the second in a year: severe (四(一)), 6 months
    applicant = Actor(role="applicant", id=record.case_no.removeprefix("CRED-"))
    with pytest.raises(DecisionRejectedError, match="evidence"):
        await record.gf.decide(record.case_no, "object", applicant, {"breach_id": "E1", "reasons": "有误"})
    await record.gf.decide(
        record.case_no,
        "object",
        applicant,
        {"breach_id": "E1", "reasons": "有误", "evidence": "登记机关更正证明"},
    )
    before = await record.status()
    ruling = {"breach_id": "E1", "upheld": False, "reason": "材料差异属实"}
    with pytest.raises(DecisionRejectedError, match="市经济信息化部门"):
        await record.gf.decide(record.case_no, "decide-objection", OFFICER, ruling | {"evidence": "核查记录"})
    with pytest.raises(DecisionRejectedError, match="evidence"):
        await record.gf.decide(record.case_no, "decide-objection", ECONOMY_BUREAU, ruling)
    assert await record.status() == before
    await record.gf.decide(
        record.case_no, "decide-objection", ECONOMY_BUREAU, ruling | {"evidence": "2026年抽查核查记录"}
    )
    [decided] = await record.events("ObjectionDecided")
    assert (decided["evidence"], decided["decided_by"]) == ("2026年抽查核查记录", "北京市经济和信息化局")
    await record.gf.decide(
        record.case_no,
        "repair",
        OFFICER,
        {"breach_id": "E2", "shortening_months": 2, "means": "作出信用承诺并完成整改"},
    )
    notices = {
        row["step"]: (row["template"], row["body"])
        for row in await db_pool.fetch(
            "SELECT step, template, body FROM notices WHERE case_no=$1", record.case_no
        )
    }
    assert notices["entry-E1"][0] == "credit_entry_recorded"
    assert "公示期3个月" in notices["entry-E1"][1]
    assert notices["entry-E2"][0] == "credit_entry_recorded"
    assert "按严重违诺失信情节处理" in notices["entry-E2"][1] and "公示期6个月" in notices["entry-E2"][1]
    template, body = notices["objection-E1"]
    assert template == "credit_objection_decided"
    assert "异议不成立" in body and "所依据的证据：2026年抽查核查记录" in body
    assert body.rstrip().splitlines()[-2] == "北京市经济和信息化局"
    assert notices["repair-E2"][0] == "credit_repaired" and "公示期缩短2个月" in notices["repair-E2"][1]
