"""The committee's ballot box in PostgreSQL (京人社事业发〔2021〕32号 五(二)5) under concurrent ballots:
one ballot per member however many arrive at once, none after the box is closed."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from activities.db import ballots
from activities.db.connection import create_pool
from domain.errors import BallotRefusedError, NoBallotOpenError

pytestmark = pytest.mark.integration

MEMBERS = tuple(f"E{n:03d}" for n in range(1, 16))


async def test_concurrent_ballots_count_once_per_member(fresh_database: str) -> None:
    pool = await create_pool(fresh_database, max_size=10)
    try:
        async with pool.acquire() as conn:
            await ballots.open_box(conn, "TREV-2026-000077", 1, MEMBERS)
            await ballots.open_box(conn, "TREV-2026-000077", 1, MEMBERS)  # a retried activity

        async def cast(member: str, choice: str) -> int | str:
            async with pool.acquire() as conn:
                try:
                    return await ballots.cast(conn, "TREV-2026-000077", member, choice)
                except BallotRefusedError as error:
                    return error.message

        # Ten members vote, each sending their ballot three times at once; a non-member tries too.
        attempts = [
            cast(m, "approve" if i < 7 else "reject") for i, m in enumerate(MEMBERS[:10]) for _ in range(3)
        ]
        results = await asyncio.gather(*attempts, cast("X999", "approve"))
        assert results.count(1) == 10
        assert sum("has already voted" in str(r) for r in results) == 20
        assert results[-1] == "X999 is not a member of this committee"

        async with pool.acquire() as conn:
            tally = await ballots.close_box(conn, "TREV-2026-000077", 1)
            assert await ballots.close_box(conn, "TREV-2026-000077", 1) == tally  # idempotent
            with pytest.raises(NoBallotOpenError):
                await ballots.cast(conn, "TREV-2026-000077", MEMBERS[12], "approve")
            counts = await conn.fetch("SELECT choice, count FROM ballot_counts ORDER BY choice")
        assert (tally.voting, tally.approve, tally.reject, tally.abstain) == (10, 7, 3, 0)
        assert (tally.valid, tally.passed) == (True, True)  # 30 ≥ 30; 21 ≥ 20
        assert [(r["choice"], r["count"]) for r in counts] == [("abstain", 0), ("approve", 7), ("reject", 3)]
    finally:
        await pool.close()


async def test_the_ballot_tables_have_no_column_that_could_link_a_member_to_a_choice(
    fresh_database: str,
) -> None:
    conn = await asyncpg.connect(fresh_database)
    try:
        columns = {
            (r["table_name"], r["column_name"])
            for r in await conn.fetch(
                """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_name IN ('ballot_attendance', 'ballot_counts')"""
            )
        }
    finally:
        await conn.close()
    assert {c for t, c in columns if t == "ballot_attendance"} == {"case_no", "ballot_no", "member"}
    assert {c for t, c in columns if t == "ballot_counts"} == {"case_no", "ballot_no", "choice", "count"}
