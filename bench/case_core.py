"""Benchmark of the case core: `.venv/bin/python bench/case_core.py [--cases 50]`.

Prints (1) the cost of appending one event to `case_events` with its projection, and
(2) the throughput of whole demo cases (start, accept, approve: 11 events, 2 notices)
on the Temporal dev server with one worker, embedded PostgreSQL. Bounded: it starts its own
servers on loopback, runs a fixed number of cases and stops.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import asyncpg
from temporalio.testing import WorkflowEnvironment

from activities.db.connection import create_pool
from activities.db.event_log import append_events
from activities.db.migrate import migrate
from domain.case import Actor, CaseEvent
from domain.demo import DemoApplication
from govflow.client import Govflow
from tests.helpers import dev_tokens, example, wait_until_opened
from workers.codec import development_data_converter
from workers.devstack import installed_binary
from workers.identity import DevIdentityProvider, ensure_dev_ballot_key
from workers.logs import configure_logging
from workers.main import build_worker, projections
from workers.settings import Settings
from workflows import search_attributes

CLERK = Actor(role="clerk", id="bench")
REVIEWER = Actor(role="reviewer", id="bench")


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def bench_appends(pool: asyncpg.Pool, count: int) -> None:
    at = datetime.now(UTC)
    opened = CaseEvent(
        seq=1,
        at=at,
        type="CaseOpened",
        actor="system:bench",
        data={
            "procedure": "demo",
            "applicant_id": "x",
            "district": None,
            "stage": "intake",
            "received_at": at.isoformat(),
            "application": {},
        },
    )
    latencies = []
    async with pool.acquire() as conn:
        await append_events(conn, "BENCH-APPEND", [opened], projections())
        for seq in range(2, count + 2):
            event = CaseEvent(
                seq=seq,
                at=at,
                type="StageChanged",
                actor="clerk:bench",
                data={"from_stage": "a", "to_stage": "b"},
            )
            started = time.perf_counter()
            await append_events(conn, "BENCH-APPEND", [event], projections())
            latencies.append((time.perf_counter() - started) * 1e3)
    print(
        f"event append + projection, {count} sequential: "
        f"median {statistics.median(latencies):.2f} ms, p95 {percentile(latencies, 0.95):.2f} ms, "
        f"{count / (sum(latencies) / 1e3):.0f} events/s"
    )


async def one_case(gf: Govflow, application: DemoApplication, number: int) -> float:
    started = time.perf_counter()
    ref = await gf.start_case("demo", application)
    await wait_until_opened(gf, ref.case_no)
    await gf.decide(ref.case_no, "accept", CLERK)
    await gf.decide(ref.case_no, "approve", REVIEWER, {"conclusion": "ok"})
    await gf.result(ref.case_no)
    return time.perf_counter() - started


async def main(cases: int, appends: int) -> None:
    import pgserver

    folder = tempfile.mkdtemp(prefix="govflow-bench-")
    state = tempfile.mkdtemp(prefix="govflow-bench-state-")  # the keys, as `govflow dev` makes them
    DevIdentityProvider(Path(state)).ensure()
    ensure_dev_ballot_key(Settings(GOVFLOW_STATE_DIR=state))
    server = pgserver.get_server(folder, cleanup_mode="delete")
    pool = await create_pool(server.get_uri(), max_size=20)
    async with pool.acquire() as conn:
        await migrate(conn)
    await bench_appends(pool, appends)

    env = await WorkflowEnvironment.start_local(
        data_converter=development_data_converter(Settings(GOVFLOW_STATE_DIR=state)),
        dev_server_existing_path=str(installed_binary("temporal")),
        search_attributes=search_attributes.ALL,
        dev_server_log_level="error",
    )
    settings = Settings(DATABASE_URL=server.get_uri(), GOVFLOW_STATE_DIR=state, GOVFLOW_TASK_QUEUE="bench")
    gf = Govflow(env.client, settings, tokens=dev_tokens(settings))
    application = DemoApplication.model_validate(example("demo", "start"))
    async with build_worker(env.client, pool, settings):
        await one_case(gf, application, 0)  # warm up
        started = time.perf_counter()
        durations = await asyncio.gather(*[one_case(gf, application, n) for n in range(1, cases + 1)])
        wall = time.perf_counter() - started
    print(
        f"whole demo cases, {cases} concurrent on one worker: {cases / wall:.1f} cases/s, "
        f"{11 * cases / wall:.0f} events/s; per case median {statistics.median(durations):.2f} s, "
        f"p95 {percentile(durations, 0.95):.2f} s"
    )
    await env.shutdown()
    await pool.close()
    server.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--appends", type=int, default=2000)
    options = parser.parse_args()
    configure_logging("console", "WARNING")
    asyncio.run(main(options.cases, options.appends))
    sys.stdout.flush()
    os._exit(0)
