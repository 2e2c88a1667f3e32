"""PostgreSQL stopped mid-case: the case waits for it and loses nothing when it is back."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.db.connection import create_pool
from activities.db.migrate import migrate
from domain.demo import DemoApplication
from govflow.client import Govflow
from tests.helpers import CLERK, REVIEWER, dev_tokens, example, wait_for_status, wait_until_opened
from workers.main import build_worker
from workers.settings import Settings

pytestmark = pytest.mark.integration


async def test_a_decision_taken_while_the_database_is_down_is_recorded_once_it_is_back(
    dev_server_env: WorkflowEnvironment, tmp_path: Path, settings: Settings
) -> None:
    import pgserver

    data = tmp_path / "pg"
    server = pgserver.get_server(data, cleanup_mode="stop")
    url = server.get_uri()
    pool = await create_pool(url)
    async with pool.acquire() as conn:
        await migrate(conn)
        # A database of its own beside the session's, on the session's Temporal server: its
        # numbers start far from the session's, so no workflow id is taken twice.
        await conn.execute(
            "INSERT INTO case_number_counters (prefix, year, last) VALUES ('DEMO', $1, $2)",
            datetime.now(UTC).year,
            500_000 + uuid.uuid4().int % 400_000,
        )
    settings = settings.model_copy(
        update={"task_queue": f"dbdown-{uuid.uuid4().hex[:8]}", "database_url": url}
    )
    gf = Govflow(dev_server_env.client, settings, tokens=dev_tokens(settings))
    try:
        async with build_worker(dev_server_env.client, pool, settings):
            application = DemoApplication.model_validate(example("demo", "start"))
            ref = await gf.start_case("demo", application)
            await wait_until_opened(gf, ref.case_no)
            await gf.decide(ref.case_no, "accept", CLERK)

            server.cleanup()  # PostgreSQL stops
            deciding = asyncio.create_task(
                gf.decide(ref.case_no, "approve", REVIEWER, {"conclusion": "符合条件"})
            )
            await asyncio.sleep(4)  # the append fails and is retried meanwhile
            assert not deciding.done()
            server = pgserver.get_server(data, cleanup_mode="stop")  # and starts again

            accepted = await asyncio.wait_for(deciding, timeout=60)
            assert accepted.stage == "closed"
            final = await wait_for_status(gf, ref.case_no, lambda s: s.outcome == "approved")
            async with pool.acquire() as conn:
                stored = await conn.fetch(
                    "SELECT seq, type FROM case_events WHERE case_no=$1 ORDER BY seq", ref.case_no
                )
                notices = await conn.fetchval(
                    "SELECT count(*) FROM notice_deliveries WHERE case_no=$1", ref.case_no
                )
        assert [(r["seq"], r["type"]) for r in stored] == [(e.seq, e.type) for e in final.history]
        assert [e.type for e in final.history][-4:] == [
            "DecisionTaken",
            "ClockMet",
            "NoticeIssued",
            "CaseClosed",
        ]
        assert notices == 2
    finally:
        await pool.close()
        server.cleanup()
