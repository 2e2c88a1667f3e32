"""The PostgreSQL side of the case core, against a real server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from activities.db.case_numbers import last_serial, next_case_no
from activities.db.event_log import EventLogConflictError, append_events, read_events
from activities.db.migrate import load_migrations, migrate
from domain.case import CaseEvent
from tests.helpers import unique_case_no
from workers.main import projections

pytestmark = pytest.mark.integration

AT = datetime(2026, 9, 28, 1, 0, tzinfo=UTC)


def opened(seq: int = 1) -> CaseEvent:
    return CaseEvent(
        seq=seq,
        at=AT,
        type="CaseOpened",
        actor="system:govflow",
        data={
            "procedure": "demo",
            "applicant_id": "91110108MA01ABCD1E",
            "district": "haidian",
            "stage": "intake",
            "received_at": AT.isoformat(),
            "application": {"subject": "示范"},
        },
    )


def stage_changed(seq: int, to_stage: str) -> CaseEvent:
    return CaseEvent(
        seq=seq,
        at=AT + timedelta(hours=seq),
        type="StageChanged",
        actor="clerk:c1",
        data={"from_stage": "intake", "to_stage": to_stage},
    )


async def test_migrations_run_again_change_nothing(db_pool: asyncpg.Pool) -> None:
    async with db_pool.acquire() as conn:
        assert await migrate(conn) == []
        versions = await conn.fetch("SELECT version FROM schema_migrations ORDER BY version")
    assert [row["version"] for row in versions] == [m.version for m in load_migrations()]


async def test_an_applied_migration_that_was_edited_is_refused(db_pool: asyncpg.Pool) -> None:
    async with db_pool.acquire() as conn:
        original = await conn.fetchval("SELECT checksum FROM schema_migrations WHERE version = 1")
        await conn.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        try:
            with pytest.raises(RuntimeError, match="was changed after it was applied"):
                await migrate(conn)
        finally:
            await conn.execute("UPDATE schema_migrations SET checksum = $1 WHERE version = 1", original)


async def test_a_retried_append_stores_and_projects_each_event_once(db_pool: asyncpg.Pool) -> None:
    case_no = unique_case_no()
    events = [opened(), stage_changed(2, "review")]
    async with db_pool.acquire() as conn:
        assert await append_events(conn, case_no, events, projections()) == 2
        assert await append_events(conn, case_no, events, projections()) == 0
        assert await read_events(conn, case_no) == events
        row = await conn.fetchrow("SELECT stage, last_seq FROM cases WHERE case_no = $1", case_no)
        assert row is not None
    assert (row["stage"], row["last_seq"]) == ("review", 2)


async def test_a_different_event_at_a_taken_sequence_number_is_a_conflict(
    db_pool: asyncpg.Pool,
) -> None:
    case_no = unique_case_no()
    async with db_pool.acquire() as conn:
        await append_events(conn, case_no, [opened(), stage_changed(2, "review")], projections())
        with pytest.raises(EventLogConflictError, match="event 2"):
            await append_events(conn, case_no, [stage_changed(2, "closed")], projections())
        assert (await read_events(conn, case_no))[1].data["to_stage"] == "review"


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE case_events SET type = 'Edited' WHERE case_no = $1",
        "DELETE FROM case_events WHERE case_no = $1",
    ],
)
async def test_the_event_log_is_append_only(db_pool: asyncpg.Pool, statement: str) -> None:
    case_no = unique_case_no()
    async with db_pool.acquire() as conn:
        await append_events(conn, case_no, [opened()], projections())
        with pytest.raises(asyncpg.RaiseError, match="append-only"):
            await conn.execute(statement, case_no)
        assert len(await read_events(conn, case_no)) == 1


async def test_case_numbers_are_handed_out_once_even_when_asked_at_the_same_time(
    db_pool: asyncpg.Pool,
) -> None:
    import asyncio

    prefix = unique_case_no("T")[-6:].replace("-", "")
    numbers = await asyncio.gather(*[_next(db_pool, prefix) for _ in range(20)])
    assert sorted(numbers) == [f"{prefix}-2026-{n:06d}" for n in range(1, 21)]
    assert await _next(db_pool, prefix, 2027) == f"{prefix}-2027-000001"


async def _next(pool: asyncpg.Pool, prefix: str, year: int = 2026) -> str:
    async with pool.acquire() as conn:
        return await next_case_no(conn, prefix, year)


async def test_the_last_number_given_out_counts_the_cases_on_record(db_pool: asyncpg.Pool) -> None:
    """A case on record whose number the counter never gave (an intake of another namespace
    over the same database) is counted: the next intake does not give its number again."""
    prefix = unique_case_no("L")[-6:].replace("-", "")
    async with db_pool.acquire() as conn:
        assert await last_serial(conn, prefix, 2026) == 0
        assert await next_case_no(conn, prefix, 2026) == f"{prefix}-2026-000001"
        assert await last_serial(conn, prefix, 2026) == 1
        await append_events(conn, f"{prefix}-2026-000012", [opened()], projections())
        await append_events(conn, f"{prefix}-2025-000099", [opened()], projections())
        await append_events(conn, f"{prefix}X-2026-000500", [opened()], projections())
        assert await last_serial(conn, prefix, 2026) == 12
        assert await last_serial(conn, prefix, 2025) == 99
        assert await last_serial(conn, prefix, 2024) == 0
