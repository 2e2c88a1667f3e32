from datetime import date

import pytest

from activities.notices.render import NoticeRenderer, NoticeTemplateError


def test_acceptance_notice_is_in_chinese_with_chinese_dates() -> None:
    notice = NoticeRenderer().render(
        "demo_accepted",
        {
            "case_no": "DEMO-2026-000001",
            "applicant_name": "北京示例科技有限公司",
            "subject": "示范事项申请",
            "received_on": date(2026, 9, 28),
            "review_due": date(2026, 10, 8),
            "issued_on": date(2026, 9, 29),
            "issuing_body": "北京市示范审批机关",
        },
    )
    assert notice.title == "受理通知书"
    assert "你单位于2026年9月28日提交的“示范事项申请”申请" in notice.body
    assert "本机关将于2026年10月8日前作出审查决定" in notice.body
    assert notice.body.rstrip().endswith("2026年9月29日")


def test_a_fact_the_template_needs_but_the_case_did_not_give_is_an_error() -> None:
    with pytest.raises(NoticeTemplateError, match="'review_due' is undefined"):
        NoticeRenderer().render(
            "demo_accepted",
            {"case_no": "X"}
            | {k: "x" for k in ("applicant_name", "subject", "issuing_body")}
            | {"received_on": date(2026, 9, 28), "issued_on": date(2026, 9, 28)},
        )


def test_unknown_template_is_an_error() -> None:
    with pytest.raises(NoticeTemplateError, match="no notice template 'nope'"):
        NoticeRenderer().render("nope", {})
