"""A spot-check round (京商流通字〔2021〕9号 三) on the time-skipping server: the recorded draw, each
outcome, revocation, and the breaches reaching the applicants' credit records."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.db.read_models.certificates import look_up
from domain.calendar import local_date
from domain.case import Actor
from domain.credit import CreditSubject
from domain.spot_check import Candidate, DrawInput, SpotCheckRound, draw
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import beijing, nth_working_day_after, wait_for_status
from tests.workflows.test_credit_record import fresh_uscc
from workers.settings import Settings

pytestmark = pytest.mark.workflow

INSPECTORS = ("insp-1", "insp-2", "insp-3", "insp-4")


def three_months_after(day: date) -> date:
    year, month = (day.year, day.month + 3) if day.month <= 9 else (day.year + 1, day.month - 9)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


async def test_a_round_draws_checks_within_3_months_and_acts_on_each_outcome(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> None:
    today = local_date(await time_skipping_env.get_current_time())
    decided = today - timedelta(days=20)
    entities = [fresh_uscc() for _ in range(5)]
    round_ = SpotCheckRound(
        round_name="2026年第4季度从事拍卖业务许可告知承诺抽查",
        candidates=tuple(
            Candidate(
                uscc=u,
                name=f"拍卖公司{n}",
                permit_case_no=f"AUCP-2026-00010{n}",
                certificate_no=f"京拍2026-010{n}",
                decided_on=decided,
            )
            for n, u in enumerate(entities)
        ),
        inspectors=INSPECTORS,
        conflicts={entities[0]: ("insp-1",)},
        sampling_rate=1.0,
        seed="round-seed-2026-q4",
    )
    expected = draw(
        DrawInput(
            seed="round-seed-2026-q4",
            entities=tuple(entities),
            inspectors=INSPECTORS,
            conflicts={entities[0]: ("insp-1",)},
            sampling_rate=1.0,
        )
    )
    case_no = (await gf.start_case("spot-check", round_)).case_no
    status = await wait_for_status(
        gf, case_no, lambda s: sum(e.type == "ClockStarted" for e in s.history) == 5
    )
    [made] = [e.data for e in status.history if e.type == "DrawMade"]
    assert made["seed"] == "round-seed-2026-q4"
    assert made["checks"] == [c.model_dump(mode="json") for c in expected.checks]
    assert all("insp-1" not in c["inspectors"] for c in made["checks"] if c["entity"] == entities[0])
    assert {d.due for d in status.deadlines} == {three_months_after(decided)}  # 三(一)

    team = {c.entity: c.inspectors for c in expected.checks}

    async def decide(
        entity: str, decision: str, payload: dict[str, object], inspector: str | None = None
    ) -> None:
        actor = Actor(role="inspector", id=inspector or team[entity][0])
        await gf.decide(case_no, decision, actor, {"entity": entity, **payload})

    outsider = next(i for i in INSPECTORS if i not in team[entities[1]])
    before = await gf.status(case_no)
    with pytest.raises(DecisionRejectedError, match=f"inspector {outsider} was not drawn"):
        await decide(entities[1], "record-finding", {"outcome": "true", "findings": "x"}, outsider)
    with pytest.raises(DecisionRejectedError, match="rectify_by"):
        await decide(entities[1], "record-finding", {"outcome": "minor", "findings": "x"})
    assert await gf.status(case_no) == before

    rectify_by = (today + timedelta(days=15)).isoformat()
    await decide(entities[0], "record-finding", {"outcome": "true", "findings": "材料核对一致"})
    await decide(
        entities[1],
        "record-finding",
        {"outcome": "minor", "findings": "信息不准确", "rectify_by": rectify_by},
    )
    await decide(
        entities[2],
        "record-finding",
        {"outcome": "general", "findings": "材料与事实有出入", "rectify_by": rectify_by},
    )
    await decide(entities[3], "record-finding", {"outcome": "severe", "findings": "提供虚假材料"})
    await decide(
        entities[4],
        "record-finding",
        {"outcome": "general", "findings": "不能提供准确材料", "rectify_by": rectify_by},
    )
    await decide(entities[1], "record-rectification", {"rectified": True, "notes": "已补正"})
    await decide(entities[2], "record-rectification", {"rectified": False, "notes": "仍不符合条件"})
    # entities[4] lets its rectification date pass: revoked, a severe breach. A party's period
    # that ends on a rest day runs to the next working day (民法典 第二百零三条): the first
    # working day on or after today + 15, counted one by one; the day after it, it has passed.
    last_day = nth_working_day_after(today + timedelta(days=14), 1)
    await time_skipping_env.sleep(
        beijing(last_day + timedelta(days=1), 1) - await time_skipping_env.get_current_time()
    )

    final = await wait_for_status(gf, case_no, lambda s: s.outcome == "published")
    assert {d.name: d.state for d in final.deadlines if d.name.startswith("check:")} == {
        f"check:{e}": "met" for e in entities
    }
    revoked = sorted(e.data["entity"] for e in final.history if e.type == "CertificateRevoked")
    assert revoked == sorted([entities[2], entities[3], entities[4]])
    referred = [
        e.data["entity"]
        for e in final.history
        if e.type == "CertificateRevoked" and e.data["legal_liability_referred"]
    ]
    assert referred == [entities[3]]
    results = await db_pool.fetchval("SELECT body FROM notices WHERE case_no=$1 AND step='results'", case_no)
    assert "随机种子：round-seed-2026-q4" in results
    assert "拍卖公司0（" in results and "承诺属实" in results
    assert "拍卖公司3（" in results and "依法追究法律责任" in results

    async def grades(entity: str) -> list[str]:
        record = await gf.status(f"CRED-{entity}")
        return [e.data["grade"] for e in record.history if e.type == "BreachRecorded"]

    assert await grades(entities[1]) == ["minor"]
    assert await grades(entities[2]) == ["general", "severe"]
    assert await grades(entities[3]) == ["severe"]
    assert await grades(entities[4]) == ["general", "severe"]
    async with db_pool.acquire() as conn:
        register = await look_up(conn, "京拍2026-0103")
    assert register is not None and register["status"] == "revoked"
    assert register["holder_id"] == entities[3]


async def test_a_general_breach_that_is_the_second_within_a_year_is_revoked_not_rectified(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> None:
    """四(一): two general breaches within a year are handled as severe. The record already
    holds a general breach of 60 days ago; the round's general finding is severe there, so the
    round revokes the certificate (三(二)) at once, with no rectification order, and the record
    publishes the one severe entry for the bureau's 6 months (四(二)) — the decision returns."""
    today = local_date(await time_skipping_env.get_current_time())
    entity = fresh_uscc()
    record = await gf.start_case("credit-record", CreditSubject(uscc=entity, name="拍卖公司甲"))
    await gf.decide(
        record.case_no,
        "record-breach",
        Actor(role="credit-officer", id="credit-01"),
        {
            "breach_id": "EARLIER-1",
            "found_on": (today - timedelta(days=60)).isoformat(),
            "grade": "general",
            "matter": "licence",
            "publicity_months": 1,
        },
    )
    round_ = SpotCheckRound(
        round_name="2026年第4季度抽查（复查）",
        inspectors=INSPECTORS,
        sampling_rate=1.0,
        seed="second-general-2026",
        candidates=(
            Candidate(
                uscc=entity,
                name="拍卖公司甲",
                permit_case_no="AUCP-2026-000201",
                certificate_no="京拍2026-0201",
                decided_on=today - timedelta(days=20),
            ),
        ),
    )
    case_no = (await gf.start_case("spot-check", round_)).case_no
    [check] = draw(round_.draw_input("second-general-2026")).checks
    inspector = Actor(role="inspector", id=check.inspectors[0])

    accepted = await gf.decide(
        case_no,
        "record-finding",
        inspector,
        {
            "entity": entity,
            "outcome": "general",
            "findings": "材料与事实不符",
            "rectify_by": (today + timedelta(days=15)).isoformat(),
        },
        wait=30,
    )
    assert accepted.decision == "record-finding"

    final = await wait_for_status(gf, case_no, lambda s: s.outcome == "published")
    [revoked] = [e.data for e in final.history if e.type == "CertificateRevoked"]
    assert revoked["certificate_no"] == "京拍2026-0201"
    assert revoked["reason"].startswith("一年内再次违诺失信，按严重违诺失信处理")
    assert not revoked["legal_liability_referred"]
    assert not [d for d in final.deadlines if d.name.startswith("rectify:")]
    steps = {row["step"] for row in await db_pool.fetch("SELECT step FROM notices WHERE case_no=$1", case_no)}
    assert f"revocation-{entity}" in steps and f"rectification-order-{entity}" not in steps

    recorded = [e.data for e in (await gf.status(record.case_no)).history if e.type == "BreachRecorded"]
    assert [(r["reported_grade"], r["grade"], r["publicity_months"]) for r in recorded] == [
        ("general", "general", 1),
        ("general", "severe", 6),
    ]
    # 四(二): a severe entry is published at least 6 months: from the finding (today) to the
    # same day number 6 months on (or that month's last day), worked out by hand.
    year, month = (today.year, today.month + 6) if today.month <= 6 else (today.year + 1, today.month - 6)
    six_months_on = date(year, month, min(today.day, calendar.monthrange(year, month)[1]))
    assert recorded[1]["found_on"] == today.isoformat()
    assert recorded[1]["publicity_ends"] == six_months_on.isoformat()
    async with db_pool.acquire() as conn:
        register = await look_up(conn, "京拍2026-0201")
    assert register is not None and register["status"] == "revoked"
