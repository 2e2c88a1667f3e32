"""Small helpers the tiers share."""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg

from domain.case import Actor, CaseStatus
from domain.identity import SELF_ROLES
from govflow.client.identity import MintedTokens
from workers.identity import DevIdentityProvider
from workers.settings import Settings

if TYPE_CHECKING:
    from temporalio.testing import WorkflowEnvironment

    from domain.calendar import WorkingDayCalendar
    from govflow.client import Govflow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def example(procedure: str, name: str) -> Any:
    return json.loads((EXAMPLES / procedure / f"{name}.json").read_text(encoding="utf-8"))


def example_actor(folder: str, name: str) -> Actor:
    """Who sends the decision file examples/FOLDER/NAME.json: its folder's actors.json says whom
    to log in as (the file itself names no one; the token does)."""
    role, _, subject = example(folder, "actors")[name].partition(":")
    return Actor(role=role, id=subject)


def unique_case_no(prefix: str = "TEST") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10].upper()}"


CLERK = Actor(role="clerk", id="clerk-001")
REVIEWER = Actor(role="reviewer", id="reviewer-003")
INSPECTOR = Actor(role="inspector", id="inspector-007")


async def stored_events(pool: asyncpg.Pool, case_no: str) -> list[tuple[int, str]]:
    rows = await pool.fetch("SELECT seq, type FROM case_events WHERE case_no = $1 ORDER BY seq", case_no)
    return [(row["seq"], row["type"]) for row in rows]


async def wait_for_status(
    gf: Govflow, case_no: str, ready: Callable[[CaseStatus], bool], timeout: float = 30.0
) -> CaseStatus:
    """Poll the status query until `ready(status)`; unlike awaiting the result, polling does
    not make the time-skipping server jump ahead to other cases' timers."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        status = await gf.status(case_no)
        if ready(status):
            return status
        if loop.time() > deadline:
            raise TimeoutError(f"{case_no}: not there within {timeout}s; last status {status}")
        await asyncio.sleep(0.05)


async def wait_until_opened(gf: Govflow, case_no: str) -> CaseStatus:
    """The status once the workflow has recorded CaseOpened (start returns before that)."""
    return await wait_for_status(gf, case_no, lambda status: bool(status.history))


def govflow_command() -> list[str]:
    import sys

    return [str(Path(sys.executable).parent / "govflow")]


def run_govflow(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the command line as a user would; returns the CompletedProcess."""
    import os

    return subprocess.run(
        [*govflow_command(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def run_govflow_async(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """The command line from an async test, without blocking the loop a worker runs on."""
    import asyncio
    import os

    process = await asyncio.create_subprocess_exec(
        *govflow_command(),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        stdin=asyncio.subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    return subprocess.CompletedProcess(
        [*govflow_command(), *args], process.returncode or 0, out.decode(), err.decode()
    )


def nth_working_day_after(start: date, n: int, calendar: WorkingDayCalendar | None = None) -> date:
    """The n-th working day after `start`, counted one day at a time with `is_working_day`
    (itself checked against chinese-calendar in tests/unit): an independent count, not the
    arithmetic under test."""
    from datetime import timedelta

    from domain.schedules import package_calendar

    calendar = calendar or package_calendar()
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        counted += calendar.is_working_day(day)
    return day


def beijing(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """An instant of a Beijing calendar day."""
    from datetime import time

    from domain.calendar import SHANGHAI

    return datetime.combine(day, time(hour, minute), SHANGHAI)


class CaseDriver:
    """A case under test on the time-skipping server: its status, events and notices, the
    server's day, and decisions from the procedure's example files (`folder`)."""

    folder = ""

    def __init__(self, env: WorkflowEnvironment, gf: Govflow, pool: asyncpg.Pool, case_no: str) -> None:
        self.env, self.gf, self.pool, self.case_no = env, gf, pool, case_no

    async def status(self) -> CaseStatus:
        return await self.gf.status(self.case_no)

    async def events(self, kind: str) -> list[dict[str, Any]]:
        return [e.data for e in (await self.status()).history if e.type == kind]

    async def notice(self, step: str) -> tuple[str, str]:
        row = await self.pool.fetchrow(
            "SELECT template, body FROM notices WHERE case_no=$1 AND step=$2", self.case_no, step
        )
        assert row is not None, f"{self.case_no}: no notice {step}"
        return row["template"], row["body"]

    async def today(self) -> date:
        from domain.calendar import local_date

        return local_date(await self.env.get_current_time())

    async def decide_example(self, name: str, actor: Actor | None = None, **changes: Any) -> str:
        """The decision `name` from examples/FOLDER/NAME.json, its payload changed by `changes`."""
        document = example(self.folder, name)
        payload = document.get("payload", {}) | changes
        actor = actor or example_actor(self.folder, name)
        if actor.role in SELF_ROLES:  # an applicant's step is this case's applicant's
            actor = Actor(role=actor.role, id=(await self.gf.status(self.case_no)).applicant_id)
        accepted = await self.gf.decide(self.case_no, name, actor, payload)
        return str(accepted.stage)


async def start_from(
    gf: Govflow, procedure: str, document: Any, ready: Callable[[CaseStatus], bool] | None = None
) -> str:
    """Start a `procedure` case from `document` (an application as JSON) under a test case
    number, and wait until `ready(status)` (default: its first event is in)."""
    from workers.registry import get_procedure

    spec = get_procedure(procedure)
    ref = await gf.start_case(procedure, spec.application.model_validate(document))
    await wait_for_status(gf, ref.case_no, ready or (lambda s: bool(s.history)))
    return str(ref.case_no)


INTAKE_CLERK = Actor(role="clerk", id="intake-clerk")
"""Who hands in the tests' start files (a start is signed, as every request is)."""


def dev_tokens(settings: Settings) -> MintedTokens:
    """A development token for each request's actor, signed with the key of `settings`' state
    folder (the one the tests' worker verifies with)."""
    return MintedTokens(DevIdentityProvider(settings.state_dir), default=INTAKE_CLERK)


def member_token(settings: Settings, member: str) -> str:
    """A committee member's token (`govflow login --as committee-member:E001`)."""
    return DevIdentityProvider(settings.state_dir).issue("committee-member", member)


async def snapshot(pool: asyncpg.Pool) -> dict[str, list[dict[str, Any]]]:
    """Every read model's rows, to compare the live projections with their rebuild."""
    from workers.main import projections

    tables = {}
    for table in projections().tables:
        rows = await pool.fetch(f"SELECT * FROM {table} ORDER BY 1, 2")
        tables[table] = [dict(row) for row in rows]
    return tables


async def start_demo(gf: Govflow) -> str:
    """A demo case from examples/demo/start.json, once it has opened: its number."""
    from domain.demo import DemoApplication

    ref = await gf.start_case("demo", DemoApplication.model_validate(example("demo", "start")))
    await wait_until_opened(gf, ref.case_no)
    return ref.case_no


async def replays_on_this_code(client: Any, case_no: str, settings: Settings) -> None:
    """The case's history as it ran on this code replays on it without a nondeterminism: the
    proof a patched path needs besides the kept histories (which prove the paths of before)."""
    from temporalio.common import HeaderCodecBehavior
    from temporalio.worker import Replayer

    from workers.codec import data_converter
    from workers.registry import workflow_classes

    history = await client.get_workflow_handle(case_no).fetch_history()
    replayer = Replayer(
        workflows=workflow_classes(),
        data_converter=data_converter(settings),
        header_codec_behavior=HeaderCodecBehavior.CODEC,
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, (case_no, result.replay_failure)
