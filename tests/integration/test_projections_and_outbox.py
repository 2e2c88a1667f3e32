"""Read models rebuilt from the log alone equal the live ones; a notice goes out once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import Worker

from activities.case_log import CaseLogActivities
from activities.models import IssueNotice
from activities.notices.channels import FolderChannel
from activities.notices.render import NoticeRenderer
from domain.case import Actor
from domain.complaint import ComplaintFiling
from domain.demo import DemoApplication
from govflow.client import Govflow
from tests.helpers import (
    CLERK,
    INSPECTOR,
    REVIEWER,
    dev_tokens,
    example,
    run_govflow,
    snapshot,
    unique_case_no,
    wait_for_status,
    wait_until_opened,
)
from workers.main import projections
from workers.settings import Settings

pytestmark = pytest.mark.integration


async def test_rebuilt_projections_equal_the_live_ones(
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
    postgres_url: str,
) -> None:
    gf = Govflow(
        time_skipping_env.client,
        settings,
        tokens=dev_tokens(settings),
        clock=time_skipping_env.get_current_time,
    )
    application = DemoApplication.model_validate(example("demo", "start"))
    cases = []
    for _ in range(3):
        ref = await gf.start_case("demo", application)
        await wait_until_opened(gf, ref.case_no)
        cases.append(ref.case_no)
    await gf.decide(cases[0], "reject", CLERK, {"reason": "不属于本机关职责"})
    await gf.decide(cases[1], "accept", CLERK)
    await gf.decide(cases[1], "verify", INSPECTOR, {"step": "现场核查", "result": "discrepancy"})
    await gf.decide(cases[1], "approve", REVIEWER, {"conclusion": "符合条件"})
    await gf.decide(cases[2], "accept", CLERK)
    complaint = example("complaint", "start-incomplete") | {"received_on": "2026-11-26"}
    filed = await gf.start_case("complaint", ComplaintFiling.model_validate(complaint))
    await wait_until_opened(gf, filed.case_no)
    reception = Actor(role="receiving-officer", id="r")
    await gf.decide(filed.case_no, "request-supplement", reception)
    supplemented = example("complaint", "start") | {"received_on": "2026-11-26"}
    await gf.decide(filed.case_no, "supplement", reception, {"filing": supplemented})
    await gf.decide(filed.case_no, "accept", reception, {"departments": []})
    officer = Actor(role="handling-officer", id="h")
    await gf.decide(filed.case_no, "resolve", officer, {"way": "coordination", "summary": "协调"})
    await gf.decide(filed.case_no, "terminate", officer, {"ground": 1, "explanation": "同意终结"})
    await wait_for_status(gf, cases[1], lambda status: status.outcome == "approved")

    live = await snapshot(db_pool)
    assert {row["case_no"] for row in live["cases"]} >= set(cases)
    assert any(row["case_no"] == cases[1] for row in live["verifications"])
    [projected] = [row for row in live["complaints"] if row["case_no"] == filed.case_no]
    assert (projected["stage"], projected["termination_ground"], projected["resolution_ways"]) == (
        "terminated",
        1,
        ["coordination"],
    )

    done = run_govflow("rebuild-projections", env={"DATABASE_URL": postgres_url})
    assert done.returncode == 0, done.stderr
    count = await db_pool.fetchval("SELECT count(*) FROM case_events")
    assert done.stdout.strip() == (
        f"rebuilt cases, notices, escalations, verifications, complaints, certificates, certificate_history, "
        f"commitment_decisions, credit_entries, title_certificates, title_blacklist, title_employer_records, hr_parks from {count} events"
    )
    assert await snapshot(db_pool) == live


async def test_a_notice_retried_is_stored_and_delivered_once(db_pool: asyncpg.Pool, tmp_path: Path) -> None:
    case_no = unique_case_no("NOTICE")
    channel = FolderChannel(tmp_path)
    activities = CaseLogActivities(db_pool, NoticeRenderer(), [channel], projections())
    command = IssueNotice(
        case_no=case_no,
        seq=1,
        at=datetime(2026, 9, 29, 2, 0, tzinfo=UTC),
        actor=Actor(role="system", id="govflow"),
        step="accepted",
        template="demo_accepted",
        recipient="北京示例科技有限公司",
        context={
            "applicant_name": "北京示例科技有限公司",
            "subject": "示范事项申请",
            "received_on": "2026-09-28",
            "review_due": "2026-10-09",
            "issuing_body": "北京市示范审批机关",
        },
    )
    env = ActivityEnvironment()
    first = await env.run(activities.issue_notice, command)
    again = await env.run(activities.issue_notice, command)

    assert first == again
    assert [e.type for e in first] == ["NoticeIssued"]
    assert await db_pool.fetchval("SELECT count(*) FROM notices WHERE case_no=$1", case_no) == 1
    assert await db_pool.fetchval("SELECT count(*) FROM notice_deliveries WHERE case_no=$1", case_no) == 1
    delivered = channel.path_for(case_no, "accepted").read_text(encoding="utf-8")
    assert delivered.startswith("致：北京示例科技有限公司\n\n受理通知书\n")
    assert "2026年10月9日前作出审查决定" in delivered
    assert "2026年9月29日" in delivered  # issued on the Beijing date of the event
    assert [p.name for p in (tmp_path / case_no).iterdir()] == ["accepted.txt"]
