"""`govflow doctor`: is everything a case needs there, and if not, what is missing.

One check per line: the local stack's processes (when this state folder has one), Temporal,
the six search attributes, the database and its schema version, a worker polling the task
queue, and cases whose workflow task keeps failing. The command exits 1 when any check fails.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import psutil
from temporalio.api.enums.v1 import IndexedValueType, TaskQueueKind, TaskQueueType
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.service import RPCError

from activities.db.connection import DatabaseUnreachableError, redact
from activities.db.migrate import MigrationError, load_migrations
from govflow.client.sdk import stuck_cases
from workers.database import resolve_database_url
from workers.devstack import live_postmaster, orphan_temporal, read_stack_record, running_stack
from workers.keyring import KeyRingError
from workers.settings import Settings
from workers.temporal import TemporalUnreachableError, connect
from workflows import search_attributes

RPC_TIMEOUT = timedelta(seconds=10)
POLLER_WINDOW = timedelta(minutes=1)
SHOWN = 10


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report: `name` is a stable code, `detail` what a person reads."""

    ok: bool
    name: str
    detail: str


async def run_doctor(settings: Settings) -> list[Check]:
    """Every check, in the order they are printed; none raises for what it finds wrong."""
    checks = stack_checks(settings)
    client, reachable = await _temporal(settings)
    checks.append(reachable)
    if client is None:
        checks.append(_not_checked("search-attributes", "搜索属性"))
        checks += await database_checks(settings)
        checks += [_not_checked("worker", "worker 轮询"), _not_checked("stuck-cases", "卡住的案件")]
        return checks
    checks.append(await search_attribute_check(client))
    checks += await database_checks(settings)
    checks.append(await worker_check(client, settings.task_queue))
    checks.append(await stuck_case_check(client))
    return checks


def _not_checked(name: str, label: str) -> Check:
    return Check(False, name, f"{label}未检查 (not checked: Temporal unreachable)")


def format_checks(checks: list[Check]) -> str:
    """The report: a ✓ or ✗ line per check, then a summary line."""
    lines = [f"{'✓' if check.ok else '✗'} {check.detail}" for check in checks]
    failed = sum(not check.ok for check in checks)
    lines.append("一切正常 (all checks passed)" if not failed else f"{failed} 项有问题 ({failed} failed)")
    return "\n".join(lines)


# -- the local stack ---------------------------------------------------------------------------


def stack_checks(settings: Settings) -> list[Check]:
    """The `govflow dev` process, its Temporal and its PostgreSQL, from the state folder's pid files."""
    state = settings.state_dir.resolve()
    found = running_stack(state)
    temporal = orphan_temporal(state)
    pgdata = state / "postgres"
    postmaster = live_postmaster(pgdata)
    if found is not None:
        record, _ = found
        missing = []
        if temporal is None:
            missing.append("Temporal")
        if record.database_url_file and postmaster is None:
            missing.append("PostgreSQL")
        if missing:
            return [
                Check(
                    False,
                    "stack",
                    f"本地栈 pid {record.pid} 缺少 {', '.join(missing)} "
                    f"(local stack incomplete: {', '.join(missing)} not running; it restarts "
                    f"them itself, see {state / 'temporal.log'} and {pgdata / 'log'})",
                )
            ]
        parts = [f"govflow dev pid {record.pid}", f"Temporal pid {temporal.pid} {record.temporal}"]
        if postmaster is not None and record.database_url_file:
            parts.append(f"PostgreSQL pid {postmaster.pid}")
        return [
            Check(True, "stack", f"本地栈运行中 (local stack running): {', '.join(parts)}, state {state}")
        ]
    leftovers = [
        f"{name} (pid {process.pid})"
        for name, process in (("Temporal", temporal), ("PostgreSQL", postmaster))
        if process is not None
    ]
    if leftovers:
        return [
            Check(
                False,
                "stack",
                f"本地栈已被终止，遗留进程 (a killed stack left {', '.join(leftovers)} "
                f"running on {state}); clean up with `govflow dev --stop`",
            )
        ]
    if read_stack_record(state) is not None:
        return [
            Check(
                True,
                "stack",
                f"本地栈未运行 (no local stack: the last one on {state} was killed; "
                "the next `govflow dev` tidies up)",
            )
        ]
    return [
        Check(
            True,
            "stack",
            f"本地栈未运行 (no local stack on {state}; checking "
            f"{settings.temporal_address} and the database as configured)",
        )
    ]


# -- Temporal ----------------------------------------------------------------------------------


async def _temporal(settings: Settings) -> tuple[Client | None, Check]:
    address = settings.temporal_address
    try:
        # Connecting asks the server for its system info: an answer means it is reachable.
        client = await asyncio.wait_for(connect(settings), timeout=15)
    except KeyRingError as error:  # before any connection: the client cannot seal a payload
        return None, Check(False, "data keys", f"数据密钥缺失 (no data key ring): {_first_line(error)}")
    except (TemporalUnreachableError, RPCError, RuntimeError, TimeoutError) as error:
        reason = _first_line(error)
        if isinstance(error, TemporalUnreachableError):
            reason = reason.rpartition(" (")[2].rstrip(")") or reason  # the OS's words only
        detail = f"Temporal {address} 不可达 (unreachable): {reason}"
        record = read_stack_record(settings.state_dir.resolve())
        if record is not None and record.temporal != address:
            detail += f"; the local stack serves {record.temporal} (set TEMPORAL_ADDRESS)"
        return None, Check(False, "temporal", detail)
    return client, Check(
        True, "temporal", f"Temporal {address} 可达 (reachable), namespace {settings.temporal_namespace}"
    )


_KINDS = {
    "KEYWORD": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
    "DATETIME": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
}


async def search_attribute_check(client: Client) -> Check:
    """The six custom search attributes, each with its type."""
    try:
        response = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace), timeout=RPC_TIMEOUT
        )
    except RPCError as error:
        return Check(
            False,
            "search-attributes",
            f"搜索属性无法读取 (search attributes unreadable): {_first_line(error)}",
        )
    registered = dict(response.custom_attributes)
    missing, mistyped = [], []
    for key in search_attributes.ALL:
        expected = _KINDS[key.indexed_value_type.name]
        if key.name not in registered:
            missing.append(key.name)
        elif registered[key.name] != expected:
            actual = IndexedValueType.Name(registered[key.name]).removeprefix("INDEXED_VALUE_TYPE_")
            mistyped.append(f"{key.name} is {actual}, not {key.indexed_value_type.name}")
    if missing or mistyped:
        problems = "; ".join(([f"missing {', '.join(missing)}"] if missing else []) + mistyped)
        return Check(
            False,
            "search-attributes",
            f"搜索属性不全 (search attributes wrong): {problems}; "
            "`govflow dev` registers them, elsewhere: temporal operator search-attribute create",
        )
    names = ", ".join(key.name for key in search_attributes.ALL)
    return Check(
        True,
        "search-attributes",
        f"{len(search_attributes.ALL)} 个搜索属性已注册 (search attributes registered): {names}",
    )


async def worker_check(client: Client, task_queue: str) -> Check:
    """A worker has polled the task queue for workflow tasks within the last minute."""
    try:
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=client.namespace,
                task_queue=TaskQueue(name=task_queue, kind=TaskQueueKind.TASK_QUEUE_KIND_NORMAL),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            ),
            timeout=RPC_TIMEOUT,
        )
    except RPCError as error:
        return Check(
            False,
            "worker",
            f"任务队列 {task_queue} 无法查询 (task queue not described): {_first_line(error)}",
        )
    since = datetime.now(UTC) - POLLER_WINDOW
    polling = sorted(
        {
            poller.identity
            for poller in response.pollers
            if poller.HasField("last_access_time")
            and poller.last_access_time.ToDatetime(UTC) >= since
            and not _gone_from_this_machine(poller.identity)
        }
    )
    if not polling:
        return Check(
            False,
            "worker",
            f"任务队列 {task_queue} 没有 worker (no worker polled the task queue "
            "in the last minute); start one: `govflow worker` or `govflow dev`",
        )
    return Check(
        True,
        "worker",
        f"任务队列 {task_queue} 有 {len(polling)} 个 worker (worker polling): {', '.join(polling)}",
    )


def _gone_from_this_machine(identity: str) -> bool:
    """A poller named `PID@HOST` (the SDK's default identity) of this machine whose process has
    ended: the server remembers it for a minute, but it polls no more."""
    pid, _, host = identity.partition("@")
    return host == socket.gethostname() and pid.isdigit() and not psutil.pid_exists(int(pid))


async def stuck_case_check(client: Client) -> Check:
    try:
        stuck = await stuck_cases(client)
    except RPCError as error:
        return Check(
            False, "stuck-cases", f"卡住的案件无法查询 (stuck cases not listed): {_first_line(error)}"
        )
    if not stuck:
        return Check(True, "stuck-cases", "没有卡住的案件 (no workflow task keeps failing)")
    shown = ", ".join(stuck[:SHOWN]) + (f" and {len(stuck) - SHOWN} more" if len(stuck) > SHOWN else "")
    return Check(
        False,
        "stuck-cases",
        f"{len(stuck)} 个案件的工作流任务反复失败 (workflow task keeps "
        f"failing): {shown}; see the worker's log and the case in the Temporal UI",
    )


# -- the database ------------------------------------------------------------------------------


async def database_checks(settings: Settings) -> list[Check]:
    """The database answers, and its schema is at the newest migration this code knows."""
    import asyncpg

    try:
        url = resolve_database_url(settings)
    except DatabaseUnreachableError as error:
        return [
            Check(False, "database", f"数据库不可达 ({error})"),
            Check(False, "schema", "数据库架构未检查 (schema not checked: no database)"),
        ]
    try:
        conn = await asyncpg.connect(url, timeout=10)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        return [
            Check(
                False,
                "database",
                f"数据库不可达 (database unreachable at {redact(url)}: {_first_line(error)})",
            ),
            Check(False, "schema", "数据库架构未检查 (schema not checked: no database)"),
        ]
    try:
        reachable = Check(True, "database", f"数据库可达 (database reachable): {redact(url)}")
        return [reachable, await _schema_check(conn)]
    finally:
        await conn.close()


async def _schema_check(conn: Any) -> Check:
    try:
        known = load_migrations()
    except MigrationError as error:
        return Check(False, "schema", f"迁移文件有误 (migrations broken): {error}")
    newest = known[-1]
    newest_name = f"{newest.version:04d}_{newest.name}"
    if await conn.fetchval("SELECT to_regclass('schema_migrations')") is None:
        return Check(
            False,
            "schema",
            f"数据库未迁移 (schema not migrated; newest is {newest_name}); "
            "a worker migrates it when it starts",
        )
    rows = await conn.fetch("SELECT version, checksum FROM schema_migrations ORDER BY version")
    applied = {int(row["version"]): str(row["checksum"]) for row in rows}
    changed = [
        f"{m.version:04d}_{m.name}"
        for m in known
        if m.version in applied and applied[m.version] != m.checksum
    ]
    if changed:
        return Check(
            False, "schema", f"迁移被改动 (migration changed after it was applied): {', '.join(changed)}"
        )
    current = max(applied, default=0)
    unknown = sorted(set(applied) - {m.version for m in known})
    if unknown:
        return Check(
            False,
            "schema",
            f"数据库架构版本 {current} 比代码新 (schema ahead of this code: "
            f"{', '.join(f'{v:04d}' for v in unknown)} unknown, newest here {newest_name})",
        )
    missing = [f"{m.version:04d}_{m.name}" for m in known if m.version not in applied]
    if missing:
        return Check(
            False,
            "schema",
            f"数据库架构版本 {current}，最新为 {newest.version} (schema behind: "
            f"{', '.join(missing)} not applied); a worker migrates it when it starts",
        )
    return Check(True, "schema", f"数据库架构版本 {current} 为最新 (schema up to date): {newest_name}")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
