"""Record the histories that the replay tests keep: `.venv/bin/python -m tests.histories.record`.

Run it when a procedure is added; never re-record a history to make a replay test pass
(a failing replay means a running case would break: put the change behind workflow.patched).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from govflow.client import Govflow
from govflow.db.connection import create_pool
from govflow.db.migrate import migrate
from govflow.devstack import installed_binary
from govflow.domain.demo import DemoApplication
from govflow.settings import Settings
from govflow.workers.main import build_worker
from tests.conftest import register_search_attributes
from tests.helpers import CLERK, INSPECTOR, REVIEWER, example, wait_until_opened

HERE = Path(__file__).resolve().parent


async def record() -> None:
    import pgserver

    folder = tempfile.mkdtemp(prefix="govflow-record-")
    server = pgserver.get_server(folder, cleanup_mode="delete")
    pool = await create_pool(server.get_uri())
    async with pool.acquire() as conn:
        await migrate(conn)
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=str(installed_binary("temporal-test-server")),
    )
    await register_search_attributes(env.client)
    settings = Settings(DATABASE_URL=server.get_uri(), GOVFLOW_STATE_DIR=folder,
                        GOVFLOW_TASK_QUEUE="record")
    gf = Govflow(env.client, settings)
    application = DemoApplication.model_validate(example("demo", "start"))
    async with build_worker(env.client, pool, settings):
        approved = await gf.start_case("demo", application, case_no="DEMO-2026-900001")
        await wait_until_opened(gf, approved.case_no)
        await gf.decide(approved.case_no, "accept", CLERK, request_id="a1")
        await gf.decide(approved.case_no, "verify", INSPECTOR,
                        {"step": "营业执照核验", "result": "confirmed"}, request_id="v1")
        await gf.decide(approved.case_no, "approve", REVIEWER, {"conclusion": "符合条件"},
                        request_id="p1")
        await gf.result(approved.case_no)

        late = await gf.start_case("demo", application, case_no="DEMO-2026-900002")
        await wait_until_opened(gf, late.case_no)
        await gf.decide(late.case_no, "accept", CLERK, request_id="a2")
        await env.sleep(timedelta(days=11))
        await gf.decide(late.case_no, "refuse", REVIEWER, {"reason": "逾期仍材料不实"},
                        request_id="r2")
        await gf.result(late.case_no)

        for name, case_no in (("demo-approved", approved.case_no), ("demo-late-refused", late.case_no)):
            history = await env.client.get_workflow_handle(case_no).fetch_history()
            (HERE / f"{name}.json").write_text(history.to_json(), encoding="utf-8")
            print(f"recorded {name}.json ({len(history.events)} events)")
    await env.shutdown()
    await pool.close()
    server.cleanup()


if __name__ == "__main__":
    asyncio.run(record())
    sys.stdout.flush()
    os._exit(0)
