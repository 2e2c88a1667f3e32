"""`govflow report` and `govflow complaints` as a person runs them: tables in Chinese with the
period stated, the period in progress reported on demand as provisional, and a case counted in
progress in the stage it stood in at the period's end (never as `closed`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.db.connection import create_pool
from domain.calendar import SHANGHAI
from domain.complaint import bimonthly_period
from govflow.cli.complaints import next_report_month
from govflow.cli.tables import chinese_date
from tests.helpers import run_govflow_async
from tests.integration.test_complaint_reports import file, seed
from workers.main import build_worker
from workers.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
async def cli_env(
    dev_server_env: WorkflowEnvironment, fresh_database: str, settings: Settings
) -> AsyncIterator[dict[str, str]]:
    """Temporal and a worker of its own on a seeded database: September and October's cases
    (tests/integration/test_complaint_reports.py), one accepted in October and closed in
    November, and one received today. Seeded once the worker is built (it sets up the keys
    the event log seals with)."""
    settings = settings.model_copy(
        update={"task_queue": f"report-cli-{uuid.uuid4().hex[:6]}", "database_url": fresh_database}
    )
    today = datetime.now(SHANGHAI).date()
    pool = await create_pool(fresh_database)
    try:
        async with build_worker(dev_server_env.client, pool, settings):
            await seed(fresh_database)
            async with pool.acquire() as conn:
                await file(
                    conn,
                    "CMPL-2026-000106",
                    date(2026, 10, 15),
                    then=[
                        (date(2026, 10, 16), "ComplaintAccepted", {"receiving_body": "x", "departments": []}),
                        (
                            date(2026, 10, 16),
                            "StageChanged",
                            {"from_stage": "reviewing", "to_stage": "handling"},
                        ),
                        (
                            date(2026, 11, 5),
                            "ComplaintTerminated",
                            {"ground": 4, "ground_text": "x", "explanation": "y", "deemed_withdrawn": False},
                        ),
                        (
                            date(2026, 11, 5),
                            "StageChanged",
                            {"from_stage": "handling", "to_stage": "terminated"},
                        ),
                        (
                            date(2026, 11, 6),
                            "CaseClosed",
                            {"outcome": "terminated (第十五条第（4）项)", "stage": "closed"},
                        ),
                    ],
                )
                await file(conn, f"CMPL-{today.year}-000199", today, kind="B")
            yield {
                "TEMPORAL_ADDRESS": dev_server_env.client.service_client.config.target_host,
                "GOVFLOW_TASK_QUEUE": settings.task_queue,
                "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",
            }
    finally:
        await pool.close()


async def govflow(env: dict[str, str], *args: str) -> str:
    done = await run_govflow_async(*args, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_a_case_closed_after_the_period_counts_in_the_stage_it_stood_in_at_its_end(
    cli_env: dict[str, str],
) -> None:
    report: dict[str, Any] = json.loads(
        await govflow(cli_env, "report", "municipal", "--month", "2026-11", "--json")
    )
    assert report["period"] == ["2026-09-01", "2026-10-31"]
    assert report["in_progress_by_stage"] == {"handling": 2}  # 000102, and 000106 (closed in November)
    assert "provisional" not in report


async def test_the_report_month_names_the_two_months_before_it_and_says_so(cli_env: dict[str, str]) -> None:
    text = await govflow(cli_env, "report", "municipal", "--month", "2026-11")
    lines = text.splitlines()
    assert lines[0] == "外商投资企业投诉情况报告（第十九条第二款）：全市，2026年11月报送"
    assert lines[3] == "统计期间：2026年9月1日至2026年10月31日"
    assert "类别" in lines[6] and "件数" in lines[6]
    assert any(line.startswith("投诉处理 handling") and line.endswith(" 2") for line in lines)
    assert (
        "  第十一条第（2）项：申请协调解决与其他自然人、法人或者其他组织之间民商事纠纷，或者不属于外商投资企业投诉事项范围"
        in lines
    )

    english = await govflow(
        cli_env, "report", "district", "--district", "chaoyang", "--month", "2026-11", "--lang", "en"
    )
    assert english.splitlines()[:2] == [
        "Complaints report (art. 19(1)), district chaoyang, made in 2026-11",
        "Period: 2026-09-01 to 2026-10-31",
    ]
    assert "  art. 15(1): agreed after coordination" in english.splitlines()


async def test_the_period_in_progress_is_reported_on_demand_as_provisional(cli_env: dict[str, str]) -> None:
    """The README runs `govflow report municipal` on the day it files its complaint: that
    complaint is in the report, counted up to today."""
    today = datetime.now(SHANGHAI).date()
    start, end = bimonthly_period(next_report_month(today))
    report: dict[str, Any] = json.loads(await govflow(cli_env, "report", "municipal", "--json"))
    assert report["period"] == [start.isoformat(), end.isoformat()]
    assert (report["as_of"], report["provisional"]) == (today.isoformat(), True)
    assert report["received"]["B"] == 1
    assert report["in_progress_by_stage"]["reviewing"] >= 1

    text = await govflow(cli_env, "report", "municipal")
    assert text.splitlines()[3] == (
        f"统计期间：{chinese_date(start)}至{chinese_date(end)}"
        f"（截至{chinese_date(today)}，统计期间未结束，数据为临时统计）"
    )
    assert any(line.startswith("B 类  反映投资环境问题") for line in text.splitlines())

    later = next_report_month(end + timedelta(days=1))  # the report of the period after this one
    refused = await run_govflow_async("report", "municipal", "--month", f"{later:%Y-%m}", env=cli_env)
    assert refused.returncode == 1
    assert "has not begun" in refused.stderr


async def test_the_complaint_list_is_a_table_with_a_header_and_its_grounds(cli_env: dict[str, str]) -> None:
    lines = (await govflow(cli_env, "complaints", "--ground", "2")).splitlines()
    assert lines[0].split() == ["案件编号", "类别", "受理机构", "环节", "收到日期", "依据"]
    assert lines[2].split() == [
        "CMPL-2026-000101",
        "A",
        "类",
        "市级",
        "municipal",
        "已办结",
        "closed",
        "2026年9月3日",
        "第十一条第（2）项",
    ]
    assert lines[3:5] == ["共 1 件", ""]
    english = (await govflow(cli_env, "complaints", "--district", "chaoyang", "--lang", "en")).splitlines()
    assert english[0].split() == ["case", "kind", "body", "stage", "received", "ground"]
    assert english[2].split() == [
        "CMPL-2026-000103",
        "A",
        "chaoyang",
        "closed",
        "2026-10-20",
        "art.",
        "15(1)",
    ]
    listed: list[dict[str, Any]] = json.loads(await govflow(cli_env, "complaints", "--ground", "2", "--json"))
    assert [(c["ground"], c["non_acceptance_ground"], c["termination_ground"]) for c in listed] == [
        (2, 2, None)
    ]
