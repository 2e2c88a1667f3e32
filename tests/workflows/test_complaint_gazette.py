"""The complaint procedure against the gazette's words (京商函字〔2021〕1056号), where the code
used to read it otherwise: refusing before complete materials (第十一条), a department found
later (第十二条(三)), an excused absence (第十五条(六)), an unperformed settlement (第十四条),
the joint report of a year-old case (第十六条) and the appeal's original case (第十七条).

Dates are counted by hand with `nth_working_day_after` (checked against chinese-calendar in
tests/unit) and calendar-day arithmetic.
"""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import pytest

from domain.case import Actor
from domain.errors import ClockStateError, InvalidInputError
from govflow.client.errors import DecisionRejectedError
from tests.helpers import beijing, nth_working_day_after, wait_for_status
from tests.workflows.test_complaint import (
    OFFICER,
    RECEPTION,
    FileComplaint,
    accept,
    file_complaint,
    filing,
    same_day_next_year,
)

__all__ = ["file_complaint"]  # the fixture, shared with test_complaint

pytestmark = pytest.mark.workflow

COORDINATOR = Actor(role="coordinating-officer", id="coord-01")
COORDINATING_BODY = "北京市外商投诉协调机构（北京市商务局）"
NATIONAL_CENTRE = "全国外商投资企业投诉中心"


# -- 第十一条, 第十二条(一): refusing before complete materials --------------------------------


async def test_11_incomplete_materials_may_be_refused_on_ground_1_without_a_supplement_notice(
    file_complaint: FileComplaint,
) -> None:
    """第十一条(一): 投诉主体不属于外商投资企业、外国投资者的，不予受理 — whether the materials are
    complete or not; asking for a supplement first would only delay the refusal."""
    complaint = await file_complaint(filing("start-incomplete"))
    assert (await complaint.status()).stage == "incomplete"
    with pytest.raises(DecisionRejectedError) as refused:  # (四) needs the 补正通知 first
        await complaint.decide("not-accept", RECEPTION, {"ground": 4, "explanation": "材料不全"})
    assert isinstance(refused.value.reason, InvalidInputError)
    assert (await complaint.status()).stage == "incomplete"

    stage = await complaint.decide("not-accept", RECEPTION, {"ground": 1, "explanation": "投诉人为内资企业"})
    assert stage == "closed"
    status = await complaint.status()
    assert status.outcome == "not accepted (第十一条第（1）项)"
    assert await complaint.state("supplement-notice") == "met"  # the body answered in time
    assert "supplement" not in [d.name for d in status.deadlines]
    notices = await complaint.notices()
    assert "supplement-notice" not in notices
    assert "第十一条第（1）项" in notices["not-accepted"]


async def test_11_a_complaint_awaiting_its_supplement_may_be_refused_on_ground_9(
    file_complaint: FileComplaint,
) -> None:
    """第十一条(九): 同一投诉事项已经进入行政诉讼程序 — refused while the supplement is awaited;
    the lapse of the 15 working days (第十条) then refuses nothing a second time."""
    complaint = await file_complaint(filing("start-incomplete"))
    assert await complaint.decide("request-supplement", RECEPTION) == "supplementing"
    noticed = await complaint.today()
    stage = await complaint.decide("not-accept", RECEPTION, {"ground": 9, "explanation": "已提起行政诉讼"})
    assert stage == "closed"
    # 15 working days from the notice, plus a margin: the supplement clock no longer runs.
    await complaint.sleep_until(beijing(nth_working_day_after(noticed, 15) + timedelta(days=3), 10))
    status = await complaint.status()
    assert status.outcome == "not accepted (第十一条第（9）项)"
    assert [e.type for e in status.history].count("NonAcceptanceDecided") == 1
    assert await complaint.state("supplement") == "met"


# -- 第十二条(三): a department found later --------------------------------------------------


async def test_12_3_a_department_added_after_acceptance_gets_its_own_5_working_days(
    file_complaint: FileComplaint,
) -> None:
    """第十二条(三): 投诉受理机构应在5个工作日内向有关部门发函 — for a department found to be
    involved after acceptance, counted from the day it is added, not from acceptance."""
    complaint = await file_complaint()
    accepted = await accept(complaint, ("市某局",))
    assert await complaint.due("letters") == nth_working_day_after(accepted, 5)
    # Ten working days on, the first 5 are long past: a new department's clock starts afresh.
    await complaint.sleep_until(beijing(nth_working_day_after(accepted, 10), 10))
    added_on = await complaint.today()
    await complaint.decide("add-department", OFFICER, {"department": "区某局", "reason": "涉及区级审批"})
    assert await complaint.due("letters:区某局") == nth_working_day_after(added_on, 5)
    with pytest.raises(DecisionRejectedError) as twice:
        await complaint.decide("add-department", OFFICER, {"department": "区某局", "reason": "再次"})
    assert isinstance(twice.value.reason, ClockStateError)

    await complaint.decide("send-letter", OFFICER, {"department": "区某局", "matters": "请提出处理意见"})
    assert await complaint.state("letters:区某局") == "met"
    assert await complaint.state("letters") == "breached"  # 市某局: no letter in its 5 days


# -- 第十五条(六): an excused absence ---------------------------------------------------------


async def test_15_6_an_absence_with_a_good_reason_is_recorded_and_does_not_terminate(
    file_complaint: FileComplaint,
) -> None:
    """第十五条(六): 投诉人连续30日无正当理由不参加投诉处理工作的 — only an unexcused 30 days end
    the handling; an excused absence stops the count, the next contact starts it again."""
    complaint = await file_complaint()
    await accept(complaint)
    await complaint.decide("contact", OFFICER, {"means": "书面通知参加协调会"})
    contacted = await complaint.today()
    await complaint.sleep_until(beijing(contacted + timedelta(days=10), 10))
    await complaint.decide("excuse-absence", OFFICER, {"reason": "法定代表人住院，书面说明"})
    # 40 days after the contact: the old code had terminated on day 31.
    await complaint.sleep_until(beijing(contacted + timedelta(days=40), 10))
    status = await complaint.status()
    assert status.stage == "handling"
    assert "AbsenceExcused" in [e.type for e in status.history]
    assert await complaint.state("participation") == "met"
    with pytest.raises(DecisionRejectedError):
        await complaint.decide("terminate", OFFICER, {"ground": 6, "explanation": "未参加"})

    await complaint.decide("contact", OFFICER, {"means": "再次书面通知"})
    again = await complaint.today()
    # 连续30日, a party's period: its last day, on a rest day or holiday, moves to the next
    # working day (民法典 第二百零三条): the first working day after day 29.
    last_day = nth_working_day_after(again + timedelta(days=29), 1)
    assert await complaint.due("participation") == last_day
    await complaint.sleep_until(beijing(last_day + timedelta(days=1), 0, 5))
    status = await wait_for_status(complaint.gf, complaint.case_no, lambda s: s.stage == "terminated")
    assert next(e for e in status.history if e.type == "ComplaintTerminated").data["ground"] == 6


# -- 第十四条: a settlement not performed ------------------------------------------------------


async def test_14_a_settlement_not_performed_is_reported_and_the_handling_goes_on(
    file_complaint: FileComplaint,
    db_pool: asyncpg.Pool,
) -> None:
    """第十四条第二款: 被投诉人不履行生效和解协议的，依据《外商投资法实施条例》第四十一条的规定处理
    — recorded, the coordinating body told, and the settlement no longer ends the handling."""
    complaint = await file_complaint()
    await accept(complaint)
    with pytest.raises(DecisionRejectedError) as nothing_settled:
        await complaint.decide("report-non-performance", OFFICER, {"summary": "未履行"})
    assert isinstance(nothing_settled.value.reason, InvalidInputError)
    settlement = {
        "way": "settlement",
        "summary": "和解",
        "settled_matters": "备案",
        "settled_results": "30日内办结",
    }
    await complaint.decide("resolve", OFFICER, settlement)
    await complaint.decide("report-non-performance", OFFICER, {"summary": "期限届满仍未办理备案"})
    status = await complaint.status()
    assert status.stage == "handling"
    assert "NonPerformanceReported" in [e.type for e in status.history]
    row = await db_pool.fetchrow(
        "SELECT recipient, body FROM notices WHERE case_no=$1 AND step='non-performance'", complaint.case_no
    )
    assert row is not None and row["recipient"] == COORDINATING_BODY
    assert "第四十一条" in row["body"] and "期限届满仍未办理备案" in row["body"]
    with pytest.raises(DecisionRejectedError):  # the unperformed settlement does not end it
        await complaint.decide("terminate", OFFICER, {"ground": 1, "explanation": "同意终结"})

    await complaint.decide("resolve", OFFICER, {"way": "coordination", "summary": "协调后被投诉人已办理"})
    assert (
        await complaint.decide("terminate", OFFICER, {"ground": 1, "explanation": "同意终结"}) == "terminated"
    )


# -- 第十六条: the joint report of a year-old case -------------------------------------------


async def test_16_a_year_unfinished_the_coordinating_body_reports_with_the_receiving_body(
    file_complaint: FileComplaint,
    db_pool: asyncpg.Pool,
) -> None:
    """第十六条: 投诉协调机构应当及时联合受理机构向本级人民政府报告有关情况，提出有关工作建议."""
    complaint = await file_complaint()
    accepted = await accept(complaint)
    report = {"situation": "三个部门尚未反馈", "suggestions": "建议召开联席会议"}
    with pytest.raises(DecisionRejectedError) as early:
        await complaint.decide("report-unfinished", COORDINATOR, report)
    assert isinstance(early.value.reason, ClockStateError)
    # A year from acceptance, by hand: the same date next year; the day after, it has passed.
    await complaint.sleep_until(beijing(same_day_next_year(accepted) + timedelta(days=1), 10))
    assert await complaint.state("one-year") == "breached"
    await complaint.decide("report-unfinished", COORDINATOR, report)
    row = await db_pool.fetchrow(
        "SELECT recipient, body FROM notices WHERE case_no=$1 AND step='unfinished-report'", complaint.case_no
    )
    assert row is not None and row["recipient"] == "北京市人民政府"
    body = row["body"]
    assert COORDINATING_BODY in body and "北京市外商投诉受理机构（北京市投资促进服务中心）" in body
    assert "建议召开联席会议" in body and "三个部门尚未反馈" in body
    with pytest.raises(DecisionRejectedError):  # once
        await complaint.decide("report-unfinished", COORDINATOR, report)
    assert (await complaint.status()).stage == "handling"


# -- 第十七条: the appeal's original case ---------------------------------------------------


async def test_17_an_appeal_of_a_municipal_case_is_referred_to_the_national_centre(
    file_complaint: FileComplaint,
) -> None:
    """第十七条: 逐级向上级投诉机构提起投诉 — the municipal body's higher body is the
    全国外商投资企业投诉中心 (第四条第二款): the complainant is told so, the case not taken."""
    original = await file_complaint()  # filed with the municipal body
    await original.decide("not-accept", RECEPTION, {"ground": 5, "explanation": "明显缺乏事实依据"})
    appeal = await file_complaint(filing(appeal_of=original.case_no))
    status = await wait_for_status(appeal.gf, appeal.case_no, lambda s: s.outcome is not None)
    assert status.outcome == "not accepted (第十一条第（3）项)"
    checked = next(e for e in status.history if e.type == "AppealChecked")
    assert (checked.data["original_body"], checked.data["referral"]) == ("municipal", NATIONAL_CENTRE)
    notice = (await appeal.notices())["not-accepted"]
    assert f"你方可以向{NATIONAL_CENTRE}提出投诉" in notice


async def test_17_an_appeal_of_a_case_that_does_not_exist_cannot_be_accepted(
    file_complaint: FileComplaint,
) -> None:
    """第十七条: an appeal is against 不予受理决定或者投诉处理结果 — of a case that exists and ended."""
    appeal = await file_complaint(filing(appeal_of="CMPL-2020-000404"))
    status = await appeal.status()
    checked = next(e for e in status.history if e.type == "AppealChecked")
    assert "不存在" in checked.data["problem"]
    with pytest.raises(DecisionRejectedError) as refused:
        await appeal.decide("accept", RECEPTION, {})
    assert isinstance(refused.value.reason, InvalidInputError)
    assert (
        await appeal.decide("not-accept", RECEPTION, {"ground": 2, "explanation": "原投诉事项不存在"})
        == "closed"
    )


async def test_17_an_appeal_of_a_case_still_handled_cannot_be_accepted(
    file_complaint: FileComplaint,
) -> None:
    """第十七条: no decision yet to disagree with: the original is still being handled."""
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
    await accept(original)
    appeal = await file_complaint(filing(appeal_of=original.case_no))
    checked = next(e for e in (await appeal.status()).history if e.type == "AppealChecked")
    assert checked.data["original_body"] == "district" and checked.data["referral"] is None
    assert "尚未作出" in checked.data["problem"]
    with pytest.raises(DecisionRejectedError):
        await appeal.decide("accept", RECEPTION, {})
