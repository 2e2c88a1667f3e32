"""Time-skipping speed: `.venv/bin/python bench/time_skipping.py [--cases 5]`.

The whole complaint lifecycle (京商函字〔2021〕1056号) on the time-skipping test server, with a year
of statutory time in it: accepted, its 60 working days of 第十二条第（二）项 run out (breached and
escalated), the year of 第十六条 passes (its report), then terminated and its result notified. It
prints the wall time a case takes and how much statutory time passed in it; this is the shape of
the workflow tier of the test suite, which is most of CI's time. Starts its own test server and
embedded PostgreSQL, runs a fixed number of cases one after another, and stops.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from temporalio.testing import WorkflowEnvironment

from activities.db.connection import create_pool
from activities.db.migrate import migrate
from domain.complaint import ComplaintFiling
from govflow.client import Govflow
from tests.helpers import dev_tokens, example, example_actor, wait_until_opened
from workers.codec import development_data_converter
from workers.devstack import installed_binary
from workers.identity import DevIdentityProvider, ensure_dev_ballot_key
from workers.logs import configure_logging
from workers.main import build_worker
from workers.settings import Settings

YEAR_AND_A_MONTH = timedelta(days=396)


async def one_lifecycle(env: WorkflowEnvironment, gf: Govflow) -> tuple[float, int, timedelta]:
    """Wall seconds, events, and statutory time of one complaint from filing to its result."""
    began, statutory = time.perf_counter(), await env.get_current_time()
    ref = await gf.start_case("complaint", ComplaintFiling.model_validate(example("complaint", "start")))
    await wait_until_opened(gf, ref.case_no)
    await gf.decide(
        ref.case_no, "accept", example_actor("complaint", "accept"), example("complaint", "accept")["payload"]
    )
    await env.sleep(YEAR_AND_A_MONTH)  # 60 working days breached and escalated; 第十六条's year
    for step in ("terminate", "notify-result"):
        payload = example("complaint", step).get("payload", {})
        await gf.decide(ref.case_no, step, example_actor("complaint", step), payload)
    status = await gf.result(ref.case_no)
    return time.perf_counter() - began, len(status.history), await env.get_current_time() - statutory


async def main(cases: int) -> None:
    import pgserver

    folder = tempfile.mkdtemp(prefix="govflow-bench-")
    state = Path(tempfile.mkdtemp(prefix="govflow-bench-state-"))
    DevIdentityProvider(state).ensure()
    ensure_dev_ballot_key(Settings(GOVFLOW_STATE_DIR=state))
    server = pgserver.get_server(folder, cleanup_mode="delete")
    pool = await create_pool(server.get_uri(), max_size=10)
    async with pool.acquire() as conn:
        await migrate(conn)
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=development_data_converter(Settings(GOVFLOW_STATE_DIR=state)),
        test_server_existing_path=str(installed_binary("temporal-test-server")),
    )
    from tests.conftest import register_search_attributes

    await register_search_attributes(env.client)
    settings = Settings(DATABASE_URL=server.get_uri(), GOVFLOW_STATE_DIR=state, GOVFLOW_TASK_QUEUE="bench")
    gf = Govflow(env.client, settings, clock=env.get_current_time, tokens=dev_tokens(settings))
    async with build_worker(env.client, pool, settings):
        runs = [await one_lifecycle(env, gf) for _ in range(cases)]
    seconds = [wall for wall, _, _ in runs]
    _, events, statutory = runs[-1]
    print(
        f"complaint lifecycle with {statutory.days} days of statutory time, {cases} one after another on "
        f"the time-skipping server: median {statistics.median(seconds):.2f} s wall, "
        f"max {max(seconds):.2f} s; {events} domain events a case"
    )
    await env.shutdown()
    await pool.close()
    server.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=5)
    options = parser.parse_args()
    configure_logging("console", "WARNING")
    asyncio.run(main(options.cases))
    sys.stdout.flush()
    os._exit(0)
