"""The committee's ballot box in PostgreSQL (京人社事业发〔2021〕32号 五(二)5) under concurrent ballots:
one ballot per member however many arrive at once, none after the box is closed, every ballot
sealed and counted only by the ballot key it was opened with. (What the disk gives away is
tests/integration/test_ballot_secrecy.py.)"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from activities.db import ballots
from activities.db.connection import create_pool
from domain.errors import BallotRefusedError, InvalidInputError, NoBallotOpenError
from domain.title import Choice

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
        results = await asyncio.gather(*attempts, cast("X999", "approve"))  # 31 at once
        assert results.count(1) == 10
        assert sum("has already voted" in str(r) for r in results) == 20
        assert results[-1] == "X999 is not a member of this committee"

        async with pool.acquire() as conn:
            tally = await ballots.close_box(conn, "TREV-2026-000077", 1)
            assert await ballots.close_box(conn, "TREV-2026-000077", 1) == tally  # idempotent
            with pytest.raises(NoBallotOpenError):
                await ballots.cast(conn, "TREV-2026-000077", MEMBERS[12], "approve")
            sealed = await conn.fetchval(
                "SELECT count(*) FROM sealed_ballots WHERE case_no = 'TREV-2026-000077'"
            )
        assert (tally.voting, tally.approve, tally.reject, tally.abstain) == (10, 7, 3, 0)
        assert (tally.valid, tally.passed) == (True, True)  # 30 ≥ 30; 21 ≥ 20
        assert sealed == 10  # the refused twenty left nothing behind
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
               WHERE table_name IN ('ballot_attendance', 'sealed_ballots', 'ballot_counts')"""
            )
        }
    finally:
        await conn.close()
    assert {c for t, c in columns if t == "ballot_attendance"} == {"case_no", "ballot_no", "member"}
    assert {c for t, c in columns if t == "sealed_ballots"} == {"case_no", "ballot_no", "sealed"}
    assert {c for t, c in columns if t == "ballot_counts"} == set()  # the counters of 0007 are gone


async def test_refused_ballots_write_nothing(fresh_database: str) -> None:
    conn = await asyncpg.connect(fresh_database)
    try:
        await ballots.open_box(conn, "TREV-2026-000078", 1, MEMBERS)
        await ballots.cast(conn, "TREV-2026-000078", MEMBERS[0], "abstain")
        with pytest.raises(BallotRefusedError, match="already voted"):
            await ballots.cast(conn, "TREV-2026-000078", MEMBERS[0], "approve")
        with pytest.raises(BallotRefusedError, match="not a member"):
            await ballots.cast(conn, "TREV-2026-000078", "X999", "approve")
        with pytest.raises(InvalidInputError, match="choice"):
            await ballots.cast(conn, "TREV-2026-000078", MEMBERS[1], "maybe")
        with pytest.raises(NoBallotOpenError):
            await ballots.cast(conn, "TREV-2026-000079", MEMBERS[1], "approve")
        rows = await conn.fetchval("SELECT count(*) FROM ballot_attendance") + await conn.fetchval(
            "SELECT count(*) FROM sealed_ballots"
        )
        assert rows == 2
    finally:
        await conn.close()


async def test_a_box_is_counted_only_with_the_ballot_key_it_was_opened_with(fresh_database: str) -> None:
    opened_with = ballots.TallyKeys(b"k" * 32)
    conn = await asyncpg.connect(fresh_database)
    try:
        await ballots.open_box(conn, "TREV-2026-000080", 1, MEMBERS, keys=opened_with)
        for member, choice in zip(MEMBERS, ["approve", "reject", "approve"], strict=False):
            await ballots.cast(conn, "TREV-2026-000080", member, choice)
        with pytest.raises(ballots.TallyKeyError):
            await ballots.close_box(conn, "TREV-2026-000080", 1, keys=ballots.TallyKeys(b"x" * 32))
        assert await conn.fetchval("SELECT closed FROM ballot_boxes") is False  # nothing written

        # A value slipped into the box that no terminal sealed to it: the box is not counted.
        elsewhere = ballots.TallyKeys(b"x" * 32).public_key("TREV-2026-000080", 1)
        forged = ballots.seal(elsewhere, "TREV-2026-000080", 1, Choice.APPROVE)
        await conn.execute("INSERT INTO sealed_ballots VALUES ('TREV-2026-000080', 1, $1)", forged)
        with pytest.raises(ballots.TamperedBoxError, match="1 sealed ballots that do not open"):
            await ballots.close_box(conn, "TREV-2026-000080", 1, keys=opened_with)
        assert await conn.fetchval("SELECT closed FROM ballot_boxes") is False

        await conn.execute("DELETE FROM sealed_ballots WHERE sealed = $1", forged)
        tally = await ballots.close_box(conn, "TREV-2026-000080", 1, keys=opened_with)
        assert (tally.approve, tally.reject, tally.abstain) == (2, 1, 0)
        # Closed, the box gives its tally again without the key.
        assert (
            await ballots.close_box(conn, "TREV-2026-000080", 1, keys=ballots.TallyKeys(b"x" * 32)) == tally
        )
    finally:
        await conn.close()
