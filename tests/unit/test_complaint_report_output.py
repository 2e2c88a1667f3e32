"""`govflow complaints` and `govflow report` as people read them: Chinese tables with the codes
one types back, the period stated, grounds spelled out; the period in progress is reported
as provisional, and the month a report is made in is not the months it counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.complaint import bimonthly_period
from govflow.cli.complaints import next_report_month, render_annual, render_complaints, render_period_report

SEP_OCT: dict[str, Any] = {
    "report": "municipal 2026-11",
    "period": ["2026-09-01", "2026-10-31"],
    "received": {"A": 2, "B": 1},
    "in_progress_by_stage": {"handling": 1},
    "concluded": [
        {
            "case_no": "CMPL-2026-000101",
            "kind": "A",
            "outcome": "not accepted (第十一条第（2）项)",
            "non_acceptance_ground": 2,
            "termination_ground": None,
            "deemed_withdrawn": False,
            "resolution_ways": [],
            "received_on": "2026-09-03",
            "closed_on": "2026-09-08",
        },
        {
            "case_no": "CMPL-2026-000103",
            "kind": "A",
            "outcome": "terminated (第十五条第（1）项)",
            "non_acceptance_ground": None,
            "termination_ground": 1,
            "deemed_withdrawn": False,
            "resolution_ways": ["settlement"],
            "received_on": "2026-10-20",
            "closed_on": "2026-10-30",
        },
    ],
}


@pytest.mark.parametrize(
    ("today", "report_month"),
    [
        (date(2026, 11, 1), date(2027, 1, 1)),
        (date(2026, 11, 27), date(2027, 1, 1)),
        (date(2026, 12, 31), date(2027, 1, 1)),
        (date(2027, 1, 5), date(2027, 3, 1)),
        (date(2026, 10, 31), date(2026, 11, 1)),
        (date(2026, 2, 28), date(2026, 3, 1)),
    ],
)
def test_the_period_in_progress_is_counted_by_the_report_of_the_next_odd_month(
    today: date, report_month: date
) -> None:
    assert next_report_month(today) == report_month
    start, end = bimonthly_period(report_month)
    assert start <= today <= end


def test_a_report_states_its_period_who_reports_and_to_whom_in_chinese() -> None:
    text = render_period_report(
        SEP_OCT, "zh", district=None, report_month=date(2026, 11, 1), today=date(2026, 12, 2)
    )
    lines = text.splitlines()
    assert lines[:4] == [
        "外商投资企业投诉情况报告（第十九条第二款）：全市，2026年11月报送",
        "报送机构：北京市外商投诉受理机构（北京市投资促进服务中心）",
        "报送对象：全国外商投资企业投诉中心、北京市外商投诉协调机构（北京市商务局）",
        "统计期间：2026年9月1日至2026年10月31日",
    ]
    [kind_a] = [
        line for line in lines if line.startswith("A 类  行政行为侵犯合法权益（第二条第一款第（一）项）")
    ]
    assert kind_a.endswith(" 2")
    assert "投诉处理 handling     1" in lines  # the stage with the code `--stage` takes
    assert (
        "CMPL-2026-000103  A 类  已终止    第十五条第（1）项  和解 settlement  2026年10月20日  2026年10月30日"
        in lines
    )
    assert "  第十五条第（1）项：经协调处理，投诉人同意终结" in lines
    assert "本月" not in text  # December: November's report is no longer this month's


def test_this_months_report_says_where_this_months_complaints_are_counted() -> None:
    text = render_period_report(
        SEP_OCT, "zh", district=None, report_month=date(2026, 11, 1), today=date(2026, 11, 27)
    )
    assert text.splitlines()[-1] == (
        "本月收到的投诉计入统计期间2026年11月1日至2026年12月31日（2027年1月报送）：govflow report municipal"
    )


def test_the_period_in_progress_is_marked_provisional_as_of_today() -> None:
    current = {
        "report": "district chaoyang 2027-01",
        "period": ["2026-11-01", "2026-12-31"],
        "received": {"B": 1},
        "in_progress_by_stage": {"reviewing": 1},
        "concluded": [],
        "as_of": "2026-11-27",
        "provisional": True,
    }
    text = render_period_report(
        current, "zh", district="chaoyang", report_month=date(2027, 1, 1), today=date(2026, 11, 27)
    )
    assert text.splitlines()[:4] == [
        "外商投资企业投诉情况报告（第十九条第一款）：朝阳区，2027年1月报送",
        "报送机构：朝阳区外商投诉受理机构",
        "报送对象：北京市外商投诉受理机构（北京市投资促进服务中心）",
        "统计期间：2026年11月1日至2026年12月31日（截至2026年11月27日，统计期间未结束，数据为临时统计）",
    ]
    assert "二、在办（截至统计之日），按所处环节" in text
    assert "（本期无办结投诉）" in text
    english = render_period_report(
        current, "en", district="chaoyang", report_month=date(2027, 1, 1), today=date(2026, 11, 27)
    )
    assert english.splitlines()[:2] == [
        "Complaints report (art. 19(1)), district chaoyang, made in 2027-01",
        "Period: 2026-11-01 to 2026-12-31 (as of 2026-11-27: the period has not ended, "
        "the figures are provisional)",
    ]


def test_english_gives_the_codes_and_iso_dates() -> None:
    text = render_period_report(
        SEP_OCT, "en", district=None, report_month=date(2026, 11, 1), today=date(2026, 12, 2)
    )
    assert "CMPL-2026-000101  A     not accepted  art. 11(2)              2026-09-03  2026-09-08" in text
    assert "  art. 11(2): civil dispute or out of scope" in text
    assert not any("\u4e00" <= char <= "\u9fff" for char in text)


def test_the_complaint_list_has_a_header_and_names_its_grounds() -> None:
    rows: list[dict[str, Any]] = [
        {
            "case_no": "CMPL-2026-000101",
            "kind": "A",
            "body": "municipal",
            "district": None,
            "stage": "closed",
            "received_on": "2026-09-03",
            "ground": 2,
            "non_acceptance_ground": 2,
            "termination_ground": None,
            "next_deadline": None,
            "overdue_clocks": [],
        },
        {
            "case_no": "CMPL-2026-000104",
            "kind": "B",
            "body": "district",
            "district": "chaoyang",
            "stage": "reviewing",
            "received_on": "2026-11-02",
            "ground": None,
            "non_acceptance_ground": None,
            "termination_ground": None,
            "next_deadline": "2026-11-11T15:59:59+00:00",
            "overdue_clocks": ["acceptance"],
        },
    ]
    lines = render_complaints(rows, "zh", overdue_on=date(2026, 11, 27)).splitlines()
    assert lines.pop(0) == "截至2026年11月27日逾期的投诉"
    assert lines[:4] == [
        "案件编号          类别  受理机构         环节                收到日期       依据               逾期期限",
        "----------------  ----  ---------------  ------------------  -------------  -----------------  ------------",
        "CMPL-2026-000101  A 类  市级 municipal   已办结 closed       2026年9月3日   第十一条第（2）项",
        "CMPL-2026-000104  B 类  朝阳区 chaoyang  受理审查 reviewing  2026年11月2日                     受理决定期限",
    ]
    assert lines[4:] == [
        "共 2 件",
        "",
        "依据：",
        "  第十一条第（2）项：申请协调解决与其他自然人、法人或者其他组织之间民商事纠纷，或者不属于外商投资企业投诉事项范围",
    ]
    assert render_complaints([], "zh", overdue_on=date(2026, 11, 27)).splitlines() == [
        "截至2026年11月27日逾期的投诉",
        "（无投诉）",
    ]
    assert render_complaints([], "en") == "(no complaints)"
    assert render_complaints(rows[:1], "en").splitlines()[:3] == [  # no overdue column unless asked
        "case              kind  body       stage   received    ground",
        "----------------  ----  ---------  ------  ----------  ----------",
        "CMPL-2026-000101  A     municipal  closed  2026-09-03  art. 11(2)",
    ]


def test_the_annual_figures_read_as_a_table_with_their_grounds() -> None:
    figures = {
        "year": 2026,
        "received": 4,
        "by_kind": {"A": 3, "B": 1},
        "by_body": {"district": 1, "municipal": 3},
        "accepted": 2,
        "not_accepted_by_ground": {"2": 1},
        "terminated_by_ground": {"1": 1},
        "deemed_withdrawn": 0,
        "resolution_ways": {"settlement": 1},
        "as_of": "2026-11-27",
        "provisional": True,
    }
    lines = render_annual(figures, "zh").splitlines()
    assert (
        lines[1] == "统计期间：2026年1月1日至2026年12月31日（截至2026年11月27日，年度未结束，数据为临时统计）"
    )
    assert "  第十一条第（2）项      1" in lines
    assert "  和解 settlement        1" in lines
