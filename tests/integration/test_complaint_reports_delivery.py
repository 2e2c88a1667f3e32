"""第十九条: who each report goes to, the district bodies' policy suggestions, and the year's
外商投资企业权益保护建议书 with its typical cases, as the report activity stores them."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest
from temporalio.testing import ActivityEnvironment

from activities.db.calendar_store import CalendarSource
from activities.db.connection import create_pool
from activities.db.event_log import append_events
from activities.reports import MakeReport, ReportActivities
from domain.case import CaseEvent
from tests.helpers import example
from tests.integration.test_complaint_reports import at, seed
from workers.main import projections

pytestmark = pytest.mark.integration

MUNICIPAL_BODY = "北京市外商投诉受理机构（北京市投资促进服务中心）"
COORDINATING_BODY = "北京市外商投诉协调机构（北京市商务局）"
NATIONAL_CENTRE = "全国外商投资企业投诉中心"


async def seed_suggestions(url: str) -> None:
    """A kind B complaint to the 朝阳区 body with its suggestions, received 2026-10-05, and a
    suggestion the body made in handling it on 2026-10-09 (第十四条(三))."""
    filing: dict[str, Any] = copy.deepcopy(example("complaint", "start")) | {
        "kind": "B",
        "received_on": "2026-10-05",
        "receiving_body": {"level": "district", "district": "chaoyang"},
        "respondent": None,
        "environment_problem": "审批环节多",
        "policy_suggestions": "建议合并审批环节",
    }
    events = [
        CaseEvent(
            seq=1,
            at=at(date(2026, 10, 5)),
            type="CaseOpened",
            actor="system:govflow",
            data={
                "procedure": "complaint",
                "applicant_id": "91110105MA01FDQ8KY",
                "district": "chaoyang",
                "stage": "reviewing",
                "received_at": at(date(2026, 10, 5)).isoformat(),
                "application": filing,
            },
        ),
        CaseEvent(
            seq=2,
            at=at(date(2026, 10, 9)),
            type="ComplaintResolved",
            actor="x:y",
            data={
                "way": "policy-suggestion",
                "summary": "向区政府提交简化审批的建议",
                "settled_matters": None,
                "settled_results": None,
            },
        ),
    ]
    pool = await create_pool(url)
    try:
        async with pool.acquire() as conn:
            await append_events(conn, "CMPL-2026-000105", events, projections())
    finally:
        await pool.close()


async def test_19_reports_go_to_whom_the_article_names_with_the_districts_suggestions(
    fresh_database: str,
) -> None:
    """第十九条第一款: 区外商投诉受理机构…向市外商投诉受理机构上报…有关政策建议; 第二款:
    市外商投诉受理机构…向全国外资投诉中心和市外商投诉协调机构上报."""
    await seed(fresh_database)
    await seed_suggestions(fresh_database)
    pool = await create_pool(fresh_database)
    try:
        activities = ReportActivities(pool, CalendarSource(pool))
        made = await ActivityEnvironment().run(
            activities.make_municipal_report, MakeReport(report_month=date(2026, 11, 1))
        )
        assert made.annual_report is None  # November: no 建议书
        rows = {
            r["report_id"]: r["content"]
            for r in await pool.fetch("SELECT report_id, content FROM complaint_reports")
        }
    finally:
        await pool.close()
    municipal = rows["complaints-municipal-2026-11"]
    assert municipal["delivered_to"] == [NATIONAL_CENTRE, COORDINATING_BODY]
    chaoyang = rows["complaints-district-chaoyang-2026-11"]
    assert chaoyang["delivered_to"] == [MUNICIPAL_BODY]
    assert chaoyang["reported_by"] == "朝阳区外商投诉受理机构"
    assert [(s["source"], s["text"]) for s in chaoyang["policy_suggestions"]] == [
        ("complaint", "建议合并审批环节"),
        ("handling", "向区政府提交简化审批的建议"),
    ]
    assert rows["complaints-district-haidian-2026-11"]["policy_suggestions"] == []
    assert len(municipal["policy_suggestions"]) == 2  # the city's are every district's


async def test_19_the_january_run_makes_the_years_recommendations_with_typical_cases(
    fresh_database: str,
) -> None:
    """第十九条第二款: 按年度向市外商投诉协调机构报送外商投资企业权益保护建议书，总结…典型案例、
    重大问题、政策措施建议 — made with January's report, for the year before."""
    await seed(fresh_database)
    await seed_suggestions(fresh_database)
    pool = await create_pool(fresh_database)
    try:
        activities = ReportActivities(pool, CalendarSource(pool))
        made = await ActivityEnvironment().run(
            activities.make_municipal_report, MakeReport(report_month=date(2027, 1, 1))
        )
        assert made.annual_report == "complaints-annual-2026"
        row = await pool.fetchrow("SELECT * FROM complaint_reports WHERE report_id = $1", made.annual_report)
    finally:
        await pool.close()
    assert row is not None
    assert (row["kind"], row["period_start"], row["period_end"]) == (
        "annual",
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    content = row["content"]
    assert content["title"] == "外商投资企业权益保护建议书"
    assert content["delivered_to"] == [COORDINATING_BODY]
    # The seed: 000103 was handled to a result (第十五条(一), settled); 000101 was refused.
    assert [c["case_no"] for c in content["typical_cases"]] == ["CMPL-2026-000103"]
    assert content["typical_cases"][0]["resolution_ways"] == ["settlement"]
    assert content["figures"]["received"] == 5  # 000101–000105
    assert len(content["policy_suggestions"]) == 2
