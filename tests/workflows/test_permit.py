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
from domain.spot_check import Candidate, SpotCheckRound, draw
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import (
    beijing,
    example,
    nth_working_day_after,
    run_govflow_async,
    start_from,
    wait_for_status,
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


def three_months_after(day: date) -> date:
    """By hand: the same day number three months on, or that month's last day (三(一))."""
    year, month = (day.year, day.month + 3) if day.month <= 9 else (day.year + 1, day.month - 9)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
    # 三(一): decided on the spot, the case now waits for its spot check.
    assert await permit.decide("formal-review", WINDOW, {"compliant": True}) == "awaiting-spot-check"
    decided = await permit.today()
    status = await permit.status()
    assert status.outcome is None
    [decision] = [e.data for e in status.history if e.type == "PermitDecided"]
    due = three_months_after(decided)
    assert decision["spot_check_due"] == due.isoformat()
    assert [(d.name, d.due) for d in status.deadlines] == [("spot-check", due)]
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
    assert (await permit.status()).stage == "awaiting-spot-check"  # 三(一): any commitment decision
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


async def entry_on_record(db_pool: asyncpg.Pool, uscc: str, grade: str, breach_id: str = "SPCK-1") -> None:
    """An unrepaired entry of `grade` on the applicant's record, still published for years."""
    record = f"CRED-{uscc}"
    found = local_date(datetime.now().astimezone()) - timedelta(days=1)
    at = beijing(found, 10)
    async with db_pool.acquire() as conn:
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
                        "breach_id": breach_id,
                        "found_on": (found - timedelta(days=30)).isoformat(),
                        "reported_grade": grade,
                        "grade": grade,
                        "publicity_months": 6,
                        "publicity_ends": (found + timedelta(days=3000)).isoformat(),
                    },
                ),
            ],
            projections(),
        )


async def test_一_国办发2020_42号_a_severe_unrepaired_entry_sends_the_applicant_to_the_general_route_and_says_why(
    apply: ApplyFor,
    db_pool: asyncpg.Pool,
) -> None:
    """国办发〔2020〕42号: an applicant with a serious bad credit record is not admitted to the
    commitment route until repaired; the route-changed notice names the basis and the entry."""
    uscc = fresh_uscc()
    await entry_on_record(db_pool, uscc, "severe", "SPCK-SEVERE-1")
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
    template, body = await permit.notice("route-changed")
    assert template == "permit_route_changed"
    assert "国办发〔2020〕42号" in body and "SPCK-SEVERE-1" in body and "严重违诺失信" in body
    assert "信用修复前不适用告知承诺制" in body


async def test_一_a_general_breach_does_not_take_the_commitment_route_from_the_applicant(
    apply: ApplyFor,
    db_pool: asyncpg.Pool,
) -> None:
    """一: "申请人可选择告知承诺方式办理"; 国办发〔2020〕42号 bars only a severe record or a false
    commitment: an unrepaired, published general breach leaves the applicant's choice standing."""
    uscc = fresh_uscc()
    await entry_on_record(db_pool, uscc, "general")
    permit = await apply("start-commitment", applicant={"uscc": uscc, "name": "北京示例拍卖有限公司"})
    assert (
        await permit.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
        == "formal-review"
    )
    assert not [e for e in (await permit.status()).history if e.type == "RouteChanged"]


async def test_二_一_1_a_district_that_does_not_consent_ends_the_case_before_the_bureau(
    apply: ApplyFor,
) -> None:
    """二(一)1 / 二(二)1: the applicant reaches the municipal window only "经所在区商务主管部门初审
    同意…后": the district's refusal is the district's notice with its reasons, signed by the
    district's 商务主管部门; the bureau issues no 不予许可决定书 and no 不予受理告知书."""
    for route in ("start-general", "start-commitment"):
        permit = await apply(
            route, district="chaoyang", applicant={"uscc": fresh_uscc(), "name": "北京示例拍卖有限公司"}
        )
        await permit.decide(
            "district-consent", DISTRICT, {"consented": False, "opinion": "经营场所与登记不符"}
        )
        status = await permit.status()
        assert status.outcome == "not consented by the district"
        assert not [e for e in status.history if e.type == "PermitDecided"]
        [refused] = [e.data for e in status.history if e.type == "DistrictNotConsented"]
        assert refused == {"department": "北京市朝阳区商务局", "opinion": "经营场所与登记不符"}
        template, body = await permit.notice("district-not-consented")
        assert template == "permit_district_not_consented"
        assert "理由：经营场所与登记不符" in body
        assert body.rstrip().splitlines()[-2] == "北京市朝阳区商务局"
        steps = [
            r["template"]
            for r in await permit.pool.fetch("SELECT template FROM notices WHERE case_no=$1", permit.case_no)
        ]
        assert "permit_refused" not in steps and "permit_not_accepted" not in steps


async def test_一_a_commitment_case_opens_with_the_bureaus_one_time_written_notification(
    apply: ApplyFor,
) -> None:
    """一: "由市商务局一次性告知申请人事项办理的标准、申请材料、需要履行的法律责任": told once,
    in writing, when the commitment case opens, and recorded in its history."""
    permit = await apply("start-commitment", applicant={"uscc": fresh_uscc(), "name": "北京示例拍卖有限公司"})
    status = await wait_for_status(
        permit.gf, permit.case_no, lambda s: any(e.type == "NoticeIssued" for e in s.history)
    )
    [issued] = [e.data for e in status.history if e.type == "NoticeIssued"]
    assert (issued["step"], issued["template"]) == (
        "commitment-notification",
        "permit_commitment_notification",
    )
    _, body = await permit.notice("commitment-notification")
    assert "一次性告知" in body
    assert "办理标准" in body and "申请材料" in body and "法律责任" in body
    general = await apply("start-general", applicant={"uscc": fresh_uscc(), "name": "北京示例拍卖有限公司"})
    await general.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
    assert not [e for e in (await general.status()).history if e.type == "NoticeIssued"]


async def test_二_一_1_complete_materials_are_accepted_with_a_受理通知书(apply: ApplyFor) -> None:
    """二(一)1: "材料齐全的予以受理": the window's acceptance is a 受理通知书 of 北京市商务局,
    naming the 9 working days of 二(一)."""
    permit = await apply("start-general")
    await permit.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
    await permit.decide("receive", WINDOW, {"complete": True})
    accepted = await permit.today()
    due = nth_working_day_after(accepted, 9)  # 二(一): 9 working days, counted one by one
    template, body = await permit.notice("accepted")
    assert template == "permit_accepted"
    assert "决定予以受理" in body and "审定时限为9个工作日" in body
    assert f"{due.year}年{due.month}月{due.day}日前作出决定" in body
    assert body.rstrip().splitlines()[-2] == "北京市商务局"


async def granted_on_commitment(apply: ApplyFor, uscc: str | None = None) -> Permit:
    applicant = {"uscc": uscc or fresh_uscc(), "name": "北京示例拍卖有限公司"}
    permit = await apply("start-commitment", applicant=applicant)
    await permit.decide("district-consent", DISTRICT, {"consented": True, "opinion": "同意"})
    await permit.decide("formal-review", WINDOW, {"compliant": True})
    return permit


async def test_三_一_a_commitment_decision_unchecked_for_3_months_is_escalated_and_still_waits(
    apply: ApplyFor,
) -> None:
    """三(一): "市商务局在作出相应决定后3个月内…进行抽查检查": a window that passes with no spot
    check is escalated to the supervising body, never dropped; the case keeps waiting."""
    permit = await granted_on_commitment(apply)
    due = three_months_after(await permit.today())
    await permit.env.sleep(beijing(due + timedelta(days=1), 0, 5) - await permit.env.get_current_time())
    status = await permit.status()
    assert (status.stage, status.outcome) == ("awaiting-spot-check", None)
    assert [(d.name, d.state) for d in status.deadlines] == [("spot-check", "breached")]
    row = await permit.pool.fetchrow(
        "SELECT clock, article, supervising_body FROM escalations WHERE case_no=$1", permit.case_no
    )
    assert row is not None and tuple(row) == ("spot-check", "三(一)", "北京市商务局")
    # The bureau may then close it unchecked, with its reasons; the breach stays.
    assert await permit.decide("close-unchecked", REVIEWER, {"reasons": "本批次未抽中，期满未查"}) == "closed"
    closed = await permit.status()
    assert closed.outcome == "granted" and closed.deadlines[0].state == "breached"
    assert [e.data["reasons"] for e in closed.history if e.type == "SpotCheckWindowClosed"] == [
        "本批次未抽中，期满未查"
    ]


async def test_三_一_a_spot_check_round_reports_to_each_permit_case_it_drew_or_passed_over(
    apply: ApplyFor,
) -> None:
    """三(一): the round tells each candidate's permit case: the drawn one when its finding is
    recorded, the other when the draw leaves it out; both close with the decision's outcome."""
    codes = [fresh_uscc(), fresh_uscc()]
    permits = [await granted_on_commitment(apply, uscc) for uscc in codes]
    today = await permits[0].today()
    round_ = SpotCheckRound(
        round_name="2026年告知承诺抽查（许可案件）",
        inspectors=("insp-1", "insp-2", "insp-3"),
        sampling_rate=0.5,  # 2 candidates × 0.5 = 1 drawn
        seed="permit-window-2026",
        candidates=tuple(
            Candidate(
                uscc=uscc,
                name="北京示例拍卖有限公司",
                permit_case_no=p.case_no,
                certificate_no=f"BJPM-{p.case_no}",
                decided_on=today,
            )
            for p, uscc in zip(permits, codes, strict=True)
        ),
    )
    [check] = draw(round_.draw_input("permit-window-2026")).checks
    drawn = permits[codes.index(check.entity)]
    passed_over = next(p for p in permits if p is not drawn)
    gf = permits[0].gf
    spot = (await gf.start_case("spot-check", round_)).case_no
    skipped = await wait_for_status(gf, passed_over.case_no, lambda s: s.outcome is not None)
    [told] = [e.data for e in skipped.history if e.type == "SpotCheckReported"]
    assert (told["spot_check_case_no"], told["drawn"]) == (spot, False)
    assert skipped.outcome == "granted" and skipped.deadlines[0].state == "met"
    assert (await drawn.status()).stage == "awaiting-spot-check"
    await gf.decide(
        spot,
        "record-finding",
        Actor(role="inspector", id=check.inspectors[0]),
        {"entity": check.entity, "outcome": "true", "findings": "材料核对一致"},
    )
    checked = await wait_for_status(gf, drawn.case_no, lambda s: s.outcome is not None)
    [told] = [e.data for e in checked.history if e.type == "SpotCheckReported"]
    assert (told["result"], told["drawn"]) == ("承诺属实", True)
    assert checked.outcome == "granted" and checked.deadlines[0].state == "met"


async def test_三_一_only_the_round_reports_a_spot_check_and_only_for_this_certificate(
    apply: ApplyFor,
) -> None:
    """三(一): the result that ends the wait is a signed decision of the round
    (`inspector:spot-check`): an applicant, another role or an inspector in person cannot report
    it, nor can the round report another certificate; each refusal changes nothing."""
    permit = await granted_on_commitment(apply)
    certificate = f"BJPM-{permit.case_no}"
    result = {"spot_check_case_no": "SPCK-2026-000001", "certificate_no": certificate, "result": "承诺属实"}
    before = await permit.status()
    assert before.stage == "awaiting-spot-check"
    for who in (Actor(role="applicant", id="x"), WINDOW, REVIEWER):
        with pytest.raises(DecisionRejectedError, match="may not take decision 'report-spot-check'"):
            await permit.decide("report-spot-check", who, result)
    with pytest.raises(DecisionRejectedError, match="抽查结果由抽查批次报送"):
        await permit.decide("report-spot-check", Actor(role="inspector", id="insp-1"), result)
    round_ = Actor(role="inspector", id="spot-check")
    with pytest.raises(DecisionRejectedError, match="certificate_no: 本案的证书是"):
        await permit.decide("report-spot-check", round_, result | {"certificate_no": "BJPM-AUCP-2026-999999"})
    with pytest.raises(DecisionRejectedError, match="抽查期限（3个月）尚未届满"):
        await permit.decide("close-unchecked", REVIEWER, {"reasons": "无人抽查"})
    assert await permit.status() == before
    assert await permit.decide("report-spot-check", round_, result) == "closed"
    after = await permit.status()
    assert after.outcome == "granted" and after.deadlines[0].state == "met"
