"""`govflow dev` as a process tree that looks after itself, against the real binaries: one stack
per state folder, taken ports refused, a killed stack's children stopped by the next start,
PostgreSQL and Temporal restarted when they die, `stop_dev_stack` from another process, and
`govflow doctor`'s checks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import asyncpg
import psutil
import pytest
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from govflow.client.sdk import stuck_cases, stuck_cases_described
from govflow.doctor import run_doctor, stack_checks, worker_check
from workers.devstack import DevStackError, RestartBudget, clean_leftovers, port_in_use, stop_dev_stack
from workers.settings import Settings
from workers.temporal import connect
from workflows import search_attributes as sa

pytestmark = pytest.mark.integration

UP = "the local stack is up"


def free_port() -> int:
    """A port that is free, with the four after it (the dev server's internal services take
    the ports just above its frontend's)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = int(probe.getsockname()[1])
        if base + 4 < 65536 and all(_free(base + n) for n in range(5)):
            return base
    raise RuntimeError("no block of five free ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def govflow(*args: str) -> list[str]:
    return [sys.executable, "-c", "from govflow.cli import main; main()", *args]


def environment(state: Path, port: int) -> dict[str, str]:
    env = {
        **os.environ,
        "GOVFLOW_STATE_DIR": str(state),
        "TEMPORAL_ADDRESS": f"127.0.0.1:{port}",
        "GOVFLOW_LOG_FORMAT": "console",
    }
    env.pop("DATABASE_URL", None)  # the embedded PostgreSQL under the state folder
    return env


class Stack:
    """`govflow dev` in a process group of its own, its output in a file; `destroy` kills
    whatever it (and the Temporal and PostgreSQL it started) left."""

    def __init__(self, state: Path, port: int | None = None, ui_port: int | None = None) -> None:
        self.state = state
        self.port = port or free_port()
        self.ui_port = ui_port or free_port()
        self.log = state.parent / f"{state.name}-{uuid.uuid4().hex[:6]}.out"
        self.process: subprocess.Popen[bytes] | None = None
        self.children: set[int] = set()

    @property
    def settings(self) -> Settings:
        return Settings(
            TEMPORAL_ADDRESS=f"127.0.0.1:{self.port}", GOVFLOW_STATE_DIR=self.state, DATABASE_URL=None
        )

    @property
    def database_url(self) -> str:
        return (self.state / "database_url").read_text(encoding="utf-8").strip()

    def start(self, timeout: float = 120) -> None:
        self.state.mkdir(parents=True, exist_ok=True)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                govflow("dev", "--port", str(self.port), "--ui-port", str(self.ui_port)),
                env=environment(self.state, self.port),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.wait_for("worker polling", timeout)
        self.note_children()

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output():
            assert self.process is not None
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"no {text!r} from govflow dev:\n{self.output()}")
            time.sleep(0.2)

    def temporal_pid(self) -> int:
        return int(json.loads((self.state / "temporal.pid").read_text())["pid"])

    def postmaster_pid(self) -> int:
        return int((self.state / "postgres" / "postmaster.pid").read_text().split("\n", 1)[0])

    def note_children(self) -> None:
        for pid in (self.temporal_pid, self.postmaster_pid):
            try:
                self.children.add(pid())
            except (OSError, ValueError):
                pass

    def destroy(self) -> None:
        self.note_children()
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for pid in self.children:
            with contextlib.suppress(psutil.Error, ProcessLookupError):
                if alive(pid) and str(self.state) in " ".join(psutil.Process(pid).cmdline()):
                    os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


T = TypeVar("T")


async def eventually(
    check: Callable[[], Awaitable[T]], timeout: float = 30.0, every: float = 0.5
) -> T | None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result: T | None = await check()
        except Exception:
            result = None
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(every)


async def select_one(url: str) -> bool:
    conn = await asyncpg.connect(url, timeout=5)
    try:
        return bool(await conn.fetchval("SELECT count(*) >= 0 FROM schema_migrations"))
    finally:
        await conn.close()


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A folder outside pytest's: running as root, pgserver runs PostgreSQL as another user and
    opens the folders above its data for it, but every pytest session that starts closes
    /tmp/pytest-of-root again (mode 0700), and PostgreSQL then fails on its own files."""
    folder = Path(tempfile.mkdtemp(prefix="govflow-devstack-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def folder() -> Iterator[Path]:
    with scratch() as path:
        yield path


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    with scratch() as folder:
        dev = Stack(folder / "state")
        try:
            dev.start()
            yield dev
        finally:
            dev.destroy()


def test_a_second_stack_on_the_same_state_folder_is_refused_and_the_first_is_untouched(
    stack: Stack,
) -> None:
    url_before = stack.database_url
    record_before = (stack.state / "dev.pid").read_text()
    second = subprocess.run(
        govflow("dev", "--port", str(free_port()), "--ui-port", str(free_port())),
        env=environment(stack.state, stack.port),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (second.returncode, second.stdout) == (1, "")
    assert second.stderr.count("\n") == 1, second.stderr
    assert stack.process is not None
    assert second.stderr.startswith(
        f"govflow: a local stack is already running (pid {stack.process.pid}, "
        f"Temporal 127.0.0.1:{stack.port}, UI http://127.0.0.1:{stack.ui_port}, state {stack.state});"
    ), second.stderr
    assert "govflow dev --stop" in second.stderr
    assert stack.database_url == url_before
    assert (stack.state / "dev.pid").read_text() == record_before
    assert asyncio.run(select_one(stack.database_url))


def test_a_taken_port_is_refused_before_anything_starts(stack: Stack, folder: Path) -> None:
    for port, ui_port, taken in (
        (stack.port, free_port(), f"port {stack.port} (Temporal frontend)"),
        (free_port(), stack.ui_port, f"port {stack.ui_port} (Temporal UI)"),
    ):
        other = folder / f"other-{port}"
        refused = subprocess.run(
            govflow("dev", "--port", str(port), "--ui-port", str(ui_port)),
            env=environment(other, port),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (refused.returncode, refused.stdout) == (1, ""), refused
        assert refused.stderr.count("\n") == 1, refused.stderr
        assert refused.stderr.startswith(
            f"govflow: {taken} on 127.0.0.1 is already in use by temporal "
            f"(pid {stack.temporal_pid()}, state {stack.state})"
        ), refused.stderr
        assert sorted(p.name for p in other.iterdir()) == ["dev.lock"]
    assert asyncio.run(select_one(stack.database_url))


async def test_postgres_killed_is_started_again_and_answers(stack: Stack) -> None:
    before = stack.postmaster_pid()
    os.kill(before, signal.SIGKILL)
    started = time.monotonic()
    assert await eventually(lambda: select_one(stack.database_url), timeout=30)
    assert time.monotonic() - started < 30
    stack.note_children()
    assert stack.postmaster_pid() != before and alive(stack.postmaster_pid())
    assert stack.output().count("PostgreSQL died; starting it again") == 1


async def test_temporal_killed_is_started_again_and_the_worker_polls_it(stack: Stack) -> None:
    before = stack.temporal_pid()
    os.kill(before, signal.SIGKILL)

    async def answering() -> bool:
        client = await connect(stack.settings)
        return (await client.count_workflows()).count >= 0

    assert await eventually(answering, timeout=60)
    stack.note_children()
    assert stack.temporal_pid() != before and alive(stack.temporal_pid())
    assert stack.output().count("the Temporal dev server died; starting it again") == 1
    client = await connect(stack.settings)

    async def polled() -> bool:
        return (await worker_check(client, stack.settings.task_queue)).ok

    assert await eventually(polled, timeout=60)
    assert stack.process is not None and stack.process.poll() is None
    # The SDK's worker reconnects by itself: the supervisor did not have to restart it.
    assert "the worker stopped; starting it again" not in stack.output()


async def test_doctor_on_a_healthy_stack_is_all_ok_and_names_a_queue_without_a_worker(stack: Stack) -> None:
    checks = await run_doctor(stack.settings)
    assert [c.name for c in checks] == [
        "stack",
        "temporal",
        "search-attributes",
        "database",
        "schema",
        "worker",
        "stuck-cases",
    ]
    assert all(c.ok for c in checks), checks
    assert stack.process is not None
    assert f"govflow dev pid {stack.process.pid}" in checks[0].detail

    idle = await run_doctor(stack.settings.model_copy(update={"task_queue": "nobody-polls-this"}))
    failed = [c for c in idle if not c.ok]
    assert [c.name for c in failed] == ["worker"]
    assert "nobody-polls-this" in failed[0].detail and "no worker" in failed[0].detail


async def test_a_case_whose_workflow_task_keeps_failing_is_reported(stack: Stack) -> None:
    client = await connect(stack.settings)
    case_no = f"STUCK-{uuid.uuid4().hex[:8].upper()}"
    # The worker knows no such workflow type: every workflow task fails.
    handle = await client.start_workflow(
        "no-such-procedure",
        id=case_no,
        task_queue=stack.settings.task_queue,
        search_attributes=TypedSearchAttributes([SearchAttributePair(sa.CASE_NO, case_no)]),
    )
    try:

        async def reported() -> bool:
            return case_no in await stuck_cases(client)

        assert await eventually(reported, timeout=40, every=1)
        assert case_no in await stuck_cases_described(client)
        stuck = next(c for c in await run_doctor(stack.settings) if c.name == "stuck-cases")
        assert not stuck.ok and case_no in stuck.detail
    finally:
        await handle.terminate("test over")


async def test_stop_dev_stack_stops_a_stack_started_in_another_process(stack: Stack) -> None:
    assert stack.process is not None
    children = (stack.temporal_pid(), stack.postmaster_pid())
    line = await stop_dev_stack(stack.settings)
    assert line == (
        f"govflow dev: stopped the local stack (pid {stack.process.pid}, Temporal 127.0.0.1:"
        f"{stack.port}, UI http://127.0.0.1:{stack.ui_port}, state {stack.state})"
    )
    assert stack.process.wait(timeout=10) == 0
    assert stack.output().rstrip().endswith("govflow dev: stopped")
    assert not any(alive(pid) for pid in children)
    assert {p.name for p in stack.state.iterdir()}.isdisjoint({"dev.pid", "temporal.pid", "database_url"})
    assert not port_in_use("127.0.0.1", stack.port) and not port_in_use("127.0.0.1", stack.ui_port)
    assert (
        await stop_dev_stack(stack.settings)
        == f"govflow dev: no local stack is running (state {stack.state})"
    )


async def test_the_children_of_a_killed_stack_are_stopped_by_the_next_start(folder: Path) -> None:
    first = Stack(folder / "state")
    second = Stack(first.state, first.port, first.ui_port)
    try:
        first.start()
        temporal, postmaster = first.temporal_pid(), first.postmaster_pid()
        assert first.process is not None
        first.process.kill()  # SIGKILL: no chance to stop its children
        first.process.wait()
        await asyncio.sleep(1)
        assert alive(temporal) and alive(postmaster)
        [check] = stack_checks(first.settings)
        assert not check.ok and "a killed stack left" in check.detail, check

        second.start()
        assert (
            f"govflow dev: stopped what a killed stack left on {first.state}: Temporal (pid {temporal}), "
            f"PostgreSQL (pid {postmaster})" in second.output()
        )
        assert not alive(temporal) and not alive(postmaster)
        assert await eventually(lambda: select_one(second.database_url))

        await stop_dev_stack(second.settings)
        assert second.process is not None and second.process.wait(timeout=10) == 0
        # The killed stack's pid no longer counts as a user of the embedded PostgreSQL.
        assert not any(alive(pid) for pid in second.children)
    finally:
        first.destroy()
        second.destroy()


async def test_stop_dev_stack_stops_what_a_killed_stack_left(folder: Path) -> None:
    killed = Stack(folder / "state")
    try:
        killed.start()
        temporal, postmaster = killed.temporal_pid(), killed.postmaster_pid()
        assert killed.process is not None
        killed.process.kill()
        killed.process.wait()
        line = await stop_dev_stack(killed.settings)
        assert line == (
            "govflow dev: no local stack was running; stopped what a killed one left: "
            f"Temporal (pid {temporal}), PostgreSQL (pid {postmaster}) (state {killed.state})"
        )
        assert not alive(temporal) and not alive(postmaster)
        assert {p.name for p in killed.state.iterdir()}.isdisjoint(
            {"dev.pid", "temporal.pid", "database_url"}
        )
    finally:
        killed.destroy()


async def test_a_lock_file_naming_a_pid_now_used_by_another_process_is_cleared(folder: Path) -> None:
    """PostgreSQL refuses to start while the pid in postmaster.pid exists, even when that pid is
    a zombie or was given to another process since."""
    pgdata = folder / "state" / "postgres"
    pgdata.mkdir(parents=True)
    socket_lock = pgdata / ".s.PGSQL.5432.lock"
    socket_lock.write_text(f"{os.getpid()}\n")
    (pgdata / "postmaster.pid").write_text(
        f"{os.getpid()}\n{pgdata}\n1795781171\n5432\n{pgdata}\n\n  0  999999999\nready   \n"
    )
    assert await clean_leftovers(folder / "state") == []
    assert not (pgdata / "postmaster.pid").exists() and not socket_lock.exists()


def test_restarts_are_bounded() -> None:
    now = [0.0]
    budget = RestartBudget(limit=5, window=60.0, clock=lambda: now[0])
    for _ in range(5):
        budget.spend("PostgreSQL", "see log")
        now[0] += 10
    with pytest.raises(DevStackError, match=r"^PostgreSQL failed 6 times within 60s; giving up \(see log\)$"):
        budget.spend("PostgreSQL", "see log")
    now[0] += 60
    budget.spend("PostgreSQL", "see log")
