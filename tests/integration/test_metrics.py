"""The worker's Prometheus endpoint: the SDK's metrics and the case log's, scraped after two
demo cases ran through a worker started as `govflow worker` starts it (workers.main.run_worker)
on a time-skipping server: one approved within its review period, one whose review period ran
out and was escalated, and a notice whose first delivery failed and was retried. And the case
log's activities, run twice as a retry after their commit runs them, count once."""

from __future__ import annotations

import asyncio
import re
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import pytest
from temporalio.runtime import MetricBuffer, Runtime, TelemetryConfig
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.case_log import CaseLogActivities
from activities.models import AppendEvents, IssueNotice
from activities.notices.channels import FolderChannel
from activities.notices.render import NoticeRenderer
from domain.case import SYSTEM
from domain.demo import REVIEW_PERIOD
from domain.events import CaseClosed, DecisionTaken, make_event
from govflow.client import Govflow
from tests.conftest import time_skipping_server
from tests.helpers import (
    CLERK,
    INSPECTOR,
    REVIEWER,
    dev_tokens,
    start_demo,
    unique_case_no,
    wait_for_status,
)
from workers.keyring import load_keyring
from workers.main import projections, run_worker
from workers.metrics import DOMAIN_METRICS, SERVED_METRICS, free_address
from workers.settings import Settings

pytestmark = pytest.mark.integration

Sample = tuple[str, dict[str, str], float]

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse(text: str) -> list[Sample]:
    """The samples of Prometheus's text format: (name, labels, value)."""
    samples = []
    for line in text.splitlines():
        found = _SAMPLE.match(line)
        if found and not line.startswith("#"):
            labels = dict(_LABEL.findall(found.group("labels") or ""))
            samples.append((found.group("name"), labels, float(found.group("value"))))
    return samples


class Scraper:
    def __init__(self, address: str) -> None:
        self.url = f"http://{address}/metrics"

    async def samples(self) -> list[Sample]:
        def get() -> str:
            with urllib.request.urlopen(self.url, timeout=5) as response:
                body: bytes = response.read()
            return body.decode()

        return parse(await asyncio.to_thread(get))

    async def value(self, name: str, **labels: str) -> float:
        """The sum of `name`'s samples that carry `labels` (a counter is kept per label set)."""
        return sum(v for n, have, v in await self.samples() if n == name and labels.items() <= have.items())

    async def wait_until(self, ready: Callable[[list[Sample]], bool], timeout: float = 30.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            try:
                if ready(await self.samples()):
                    return
            except (urllib.error.URLError, ConnectionError):
                pass  # not bound yet
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{self.url}: not there within {timeout}s")
            await asyncio.sleep(0.1)


@pytest.fixture
async def server(state_dir: Path) -> AsyncIterator[WorkflowEnvironment]:
    """A server of its own: its review periods run out, and nothing else runs on it."""
    async with time_skipping_server(state_dir) as env:
        yield env


@pytest.fixture
async def metrics_settings(server: WorkflowEnvironment, settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "temporal_address": server.client.service_client.config.target_host,
            "task_queue": f"metrics-{uuid.uuid4().hex[:8]}",
            "metrics_address": free_address("127.0.0.1"),
        }
    )


@pytest.fixture
async def scraper(metrics_settings: Settings, postgres_url: str) -> AsyncIterator[Scraper]:
    """The worker as `govflow worker` runs it, with its metrics endpoint."""
    stop = asyncio.Event()
    worker = asyncio.create_task(run_worker(metrics_settings, database_url=postgres_url, stop=stop))
    scraper = Scraper(metrics_settings.metrics_address)
    try:
        await scraper.wait_until(lambda samples: True)
        yield scraper
    finally:
        stop.set()
        await worker


async def test_the_worker_serves_the_case_log_and_sdk_metrics(
    server: WorkflowEnvironment,
    metrics_settings: Settings,
    scraper: Scraper,
    db_pool: asyncpg.Pool,
) -> None:
    gf = Govflow(
        server.client, metrics_settings, tokens=dev_tokens(metrics_settings), clock=server.get_current_time
    )

    # Approved within its period; its acceptance notice cannot be written at first (a file
    # stands where the case's notices folder goes), then can: the delivery is retried once.
    approved = await start_demo(gf)
    blocking = metrics_settings.notices_dir / approved
    blocking.parent.mkdir(parents=True, exist_ok=True)
    blocking.write_text("not a folder")
    accepting = asyncio.create_task(gf.decide(approved, "accept", CLERK))
    await scraper.wait_until(
        lambda samples: any(
            name == "temporal_activity_execution_failed_total"
            and labels.get("activity_type") == "issue_notice"
            for name, labels, _ in samples
        )
    )
    blocking.unlink()
    await accepting
    await gf.decide(approved, "verify", INSPECTOR, {"step": "营业执照核验", "result": "confirmed"})
    await gf.decide(approved, "approve", REVIEWER, {"conclusion": "符合条件"})
    assert (await gf.result(approved)).outcome == "approved"

    # Its review period runs out: breached, escalated; then refused.
    breached = await start_demo(gf)
    await gf.decide(breached, "accept", CLERK)
    await server.sleep(timedelta(days=11))
    await wait_for_status(gf, breached, lambda status: status.history[-1].type == "NoticeIssued")
    await gf.decide(breached, "refuse", REVIEWER, {"reason": "材料不实"})
    assert (await gf.result(breached)).outcome == "refused"

    samples = await scraper.samples()
    served = {name for name, _, _ in samples}
    assert set(DOMAIN_METRICS) <= served
    assert set(SERVED_METRICS) <= served

    demo = {"procedure": "demo"}
    article = REVIEW_PERIOD.article
    assert await scraper.value("govflow_cases_opened_total", **demo) == 2
    assert await scraper.value("govflow_decisions_total", **demo, decision="accept") == 2
    assert await scraper.value("govflow_decisions_total", **demo, decision="verify") == 1
    assert await scraper.value("govflow_decisions_total", **demo, decision="approve") == 1
    assert await scraper.value("govflow_decisions_total", **demo, decision="refuse") == 1
    assert await scraper.value("govflow_clocks_total", **demo, article=article, state="met") == 1
    assert await scraper.value("govflow_clocks_total", **demo, article=article, state="breached") == 1
    assert await scraper.value("govflow_escalations_total", **demo, article=article) == 1
    assert await scraper.value("govflow_cases_closed_total", **demo, outcome="approved") == 1
    assert await scraper.value("govflow_cases_closed_total", **demo, outcome="refused") == 1
    delivered = await db_pool.fetchval(
        "SELECT count(*) FROM notice_deliveries WHERE case_no = ANY($1)", [approved, breached]
    )
    assert delivered == 6  # each case's acceptance and result; the reminder and the escalation
    assert await scraper.value("govflow_notices_delivered_total", channel="folder") == delivered
    assert await scraper.value("govflow_activity_retries_total", activity_type="issue_notice") == 1
    assert await scraper.value("govflow_activity_retries_total") == 1
    # Labelled like the SDK's own: the worker's namespace and task queue.
    assert await scraper.value("govflow_cases_opened_total", task_queue=metrics_settings.task_queue) == 2


async def test_an_activity_retried_after_its_commit_counts_nothing_again(
    db_pool: asyncpg.Pool, settings: Settings, tmp_path: Path
) -> None:
    buffer = MetricBuffer(10_000)
    env = ActivityEnvironment()
    env.metric_meter = Runtime(telemetry=TelemetryConfig(metrics=buffer)).metric_meter
    activities = CaseLogActivities(
        db_pool, NoticeRenderer(), [FolderChannel(tmp_path)], projections(), load_keyring(settings)
    )
    case_no = unique_case_no("DEMO")
    at = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)
    append = AppendEvents(
        case_no=case_no,
        events=(
            make_event(
                1, at, CLERK, DecisionTaken(request_id="r-1", decision="reject", role="clerk", payload={})
            ),
            make_event(2, at, SYSTEM, CaseClosed(outcome="not-accepted", stage="closed")),
        ),
    )
    notice = IssueNotice(
        case_no=case_no,
        seq=3,
        at=at,
        actor=SYSTEM,
        step="not-accepted",
        template="demo_not_accepted",
        recipient="北京示例科技有限公司",
        context={
            "applicant_name": "北京示例科技有限公司",
            "subject": "示范事项申请",
            "received_on": "2026-09-28",
            "reason": "不属于本机关职责",
            "issuing_body": "北京市示范审批机关",
        },
    )
    for _ in range(2):
        await env.run(activities.append_events, append)
        await env.run(activities.issue_notice, notice)

    counted: Counter[tuple[str, str]] = Counter()
    for update in buffer.retrieve_updates():
        labels = update.attributes
        counted[
            update.metric.name, str(labels.get("decision") or labels.get("outcome") or labels["channel"])
        ] += int(update.value)
    assert counted == {
        ("govflow_decisions", "reject"): 1,
        ("govflow_cases_closed", "not-accepted"): 1,
        ("govflow_notices_delivered", "folder"): 1,
    }
