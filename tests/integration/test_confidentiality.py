"""第二十条: trade secrets, confidential business information and privacy are protected:
none of the complaint's particulars reach search attributes or log lines."""

from __future__ import annotations

import json
import signal
import uuid
from pathlib import Path

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.db.event_log import read_events
from domain.calendar import local_date
from domain.case import Actor
from domain.complaint import ComplaintFiling
from govflow.client import Govflow
from tests.helpers import dev_tokens, example, wait_for_status
from tests.integration.test_dev_server import spawn_worker
from workers.keyring import load_keyring
from workers.settings import Settings
from workflows import search_attributes as sa

pytestmark = pytest.mark.integration

SECRETS = [
    "北京示例外资科技有限公司",
    "王经理",
    "010-65000000",
    "建国路1号",
    "项目备案申请逾期未予答复",
    "至今未获答复",
    "请求依法协调尽快办理备案",
    "北京市某委员会",
]


async def test_no_particular_of_the_complaint_is_in_search_attributes_or_logs(
    dev_server_env: WorkflowEnvironment,
    settings: Settings,
    postgres_url: str,
    db_pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    settings = settings.model_copy(update={"task_queue": f"secret-{uuid.uuid4().hex[:6]}"})
    log = tmp_path / "worker.log"
    worker = spawn_worker(dev_server_env, settings, postgres_url, log, level="DEBUG")
    try:
        gf = Govflow(dev_server_env.client, settings, tokens=dev_tokens(settings))
        document = example("complaint", "start")
        document["received_on"] = local_date(await dev_server_env.get_current_time()).isoformat()
        ref = await gf.start_case("complaint", ComplaintFiling.model_validate(document))
        await wait_for_status(gf, ref.case_no, lambda s: s.stage == "reviewing" and len(s.history) > 2)
        reception = Actor(role="receiving-officer", id="recv-01")
        await gf.decide(ref.case_no, "accept", reception, {"departments": ["北京市某委员会"]})
        await gf.decide(
            ref.case_no,
            "send-letter",
            Actor(role="handling-officer", id="h"),
            {"department": "北京市某委员会", "matters": "项目备案申请逾期未予答复"},
        )
        description = await dev_server_env.client.get_workflow_handle(ref.case_no).describe()
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)

    attributes = {key.name: description.typed_search_attributes.get(key) for key in sa.ALL}
    assert attributes["ApplicantId"] == "91110105MA01FDQ8KY"  # an identifier, not a name
    assert attributes["District"] is None  # a municipal case
    shown = " ".join(str(value) for value in attributes.values())
    logged = log.read_text(encoding="utf-8")
    assert "events appended" in logged  # the worker did log, at DEBUG, while it worked
    for secret in SECRETS:
        assert secret not in shown
        assert secret not in logged, f"{secret!r} reached the worker's log"
    # The particulars are kept where the case needs them, the event log, sealed with the data
    # keys (第二十条): not in clear in the table, read back whole by the case's own readers.
    stored = await db_pool.fetchval(
        "SELECT data::text FROM case_events WHERE case_no=$1 AND type='CaseOpened'", ref.case_no
    )
    assert all(secret not in stored for secret in SECRETS[:4])  # who complains, and how to reach them
    async with db_pool.acquire() as conn:
        [opened, *_] = await read_events(conn, ref.case_no, load_keyring(settings))
    assert "北京示例外资科技有限公司" in json.dumps(opened.data, ensure_ascii=False)
