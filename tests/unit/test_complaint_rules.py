"""The complaint measures' rules that need no server: particulars, jurisdiction, reports."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from domain.complaint import (
    ComplaintFiling,
    ReceivingBody,
    bimonthly_period,
    competent_body,
    jurisdiction_problem,
    missing_particulars,
    report_month_for,
)
from domain.errors import InvalidInputError
from domain.schedules import package_calendar
from tests.helpers import example


def filing(**changes: Any) -> ComplaintFiling:
    document = copy.deepcopy(example("complaint", "start"))
    document.update(changes)
    return ComplaintFiling.model_validate(document)


def test_the_example_complaint_is_complete() -> None:
    assert missing_particulars(filing()) == []


def test_kind_a_lacking_particulars_lists_each_as_the_notice_will() -> None:
    document = copy.deepcopy(example("complaint", "start"))
    document["complainant"].update(postcode=None, status_proof=False)
    document["respondent"]["contact"] = None
    document.update(request=None, proceedings_statement=None)
    document["materials"] = [{"title": "Board resolution", "language": "en"}]
    assert missing_particulars(ComplaintFiling.model_validate(document)) == [
        "投诉人邮编",
        "投诉人主体资格证明材料",
        "被投诉人有关联系人和联系方式",
        "明确的投诉事项和投诉请求",
        "是否存在第十一条第（七）、（八）、（九）项所列情形的说明",
        "《Board resolution》的准确、完整的中文翻译件",
    ]


def test_kind_b_needs_the_problem_and_the_suggested_measures_not_a_respondent() -> None:
    complaint = filing(
        kind="B",
        respondent=None,
        matter=None,
        request=None,
        facts_and_evidence=None,
        proceedings_statement=None,
        environment_problem="审批环节多",
    )
    assert missing_particulars(complaint) == ["具体政策措施建议"]


def test_an_agent_needs_identity_proofs_and_a_power_of_attorney_with_matters_powers_and_term() -> None:
    complaint = filing(
        agent={
            "name": "李律师",
            "identity_proof": True,
            "power_of_attorney": {"matters": "投诉", "powers": "代为提交材料"},
        }
    )
    assert missing_particulars(complaint) == ["投诉人的身份证明", "授权委托书载明的期限"]


def test_a_chamber_files_only_kind_b() -> None:
    document = copy.deepcopy(example("complaint", "start"))
    document["complainant"]["kind"] = "chamber-or-association"
    with pytest.raises(ValueError, match="第二十一条"):
        ComplaintFiling.model_validate(document)


@pytest.mark.parametrize(
    ("level", "district", "body"),
    [
        ("municipal-department", None, ReceivingBody(level="municipal")),
        ("district-government", "haidian", ReceivingBody(level="municipal")),  # 第四条(一)
        ("district-department", "haidian", ReceivingBody(level="district", district="haidian")),  # 第五条(一)
        ("street-office", "xicheng", ReceivingBody(level="district", district="xicheng")),
    ],
)
def test_the_competent_body_follows_the_respondents_level(
    level: str, district: str | None, body: ReceivingBody
) -> None:
    respondent = {"name": "x", "level": level, "district": district}
    assert competent_body(filing(respondent=respondent)) == body


def test_a_district_body_receiving_a_municipal_matter_names_the_municipal_body() -> None:
    complaint = filing(receiving_body={"level": "district", "district": "chaoyang"})
    assert jurisdiction_problem(complaint) == "北京市外商投诉受理机构（北京市投资促进服务中心）"
    # 第四条(三): the municipal body may take a district matter: not a jurisdiction problem.
    district_matter = filing(respondent={"name": "x", "level": "township", "district": "miyun"})
    assert jurisdiction_problem(district_matter) is None


@pytest.mark.parametrize(
    ("day", "month", "period"),
    [
        (date(2026, 11, 26), date(2026, 11, 1), (date(2026, 9, 1), date(2026, 10, 31))),
        (date(2026, 12, 3), date(2026, 11, 1), (date(2026, 9, 1), date(2026, 10, 31))),
        (date(2027, 1, 4), date(2027, 1, 1), (date(2026, 11, 1), date(2026, 12, 31))),
    ],
)
def test_each_odd_month_reports_on_the_two_months_before(
    day: date, month: date, period: tuple[date, date]
) -> None:
    assert report_month_for(day) == month
    assert bimonthly_period(month) == period


def test_reports_are_made_in_odd_months_only() -> None:
    with pytest.raises(InvalidInputError, match="odd months"):
        bimonthly_period(date(2026, 10, 1))


def test_the_municipal_report_is_due_on_the_seventh_working_day_of_the_odd_month() -> None:
    calendar = package_calendar()
    # November 2026 starts on a Sunday: 2, 3, 4, 5, 6, 9, 10 → the 10th.
    assert calendar.add_working_days(date(2026, 10, 31), 7).due == date(2026, 11, 10)
    # September 2026: 1, 2, 3, 4, 7, 8, 9 → the 9th.
    assert calendar.add_working_days(date(2026, 8, 31), 7).due == date(2026, 9, 9)


def test_the_date_the_complaint_was_made_is_a_required_particular() -> None:
    assert missing_particulars(filing(dated_on=None)) == ["提出投诉的日期"]


def test_17_an_appeal_goes_above_the_body_that_decided_the_original_case() -> None:
    """第十七条: 逐级向上级投诉机构 — above a district body the municipal body; above the
    municipal body the 全国外商投资企业投诉中心 (第四条第二款), outside this system."""
    from domain.complaint import NATIONAL_CENTRE, OriginalCase, appeal_problem, appeal_referral

    district = OriginalCase(case_no="C1", body="district", district="chaoyang", stage="closed", ground=5)
    municipal = OriginalCase(case_no="C2", body="municipal", stage="closed", ground=1)
    open_case = OriginalCase(case_no="C3", body="district", district="chaoyang", stage="handling")
    assert (appeal_referral(district), appeal_problem("C1", district)) == (None, None)
    assert appeal_referral(municipal) == NATIONAL_CENTRE
    assert appeal_problem("C3", open_case) == "原投诉事项（C3）尚未作出不予受理决定或者投诉处理结果"
    assert appeal_problem("C4", None) == "原投诉事项（C4）不存在"
