"""The secret ballot of the title committee (京人社事业发〔2021〕32号 五(二)5) against whoever reads
PostgreSQL's data files: after a round of ballots and a CHECKPOINT, the heap pages of every
ballot table are read raw, every tuple version kept (the dead ones too, with xmin, xmax and
ctid), and every way an attacker would pair a member with a choice is tried — the same
transaction id, an adjacent one, the order of the transactions, the order on the page, a
timestamp, repeated or telltale ciphertexts. None may do better than guessing that everyone
chose what most chose.

pgserver's PostgreSQL has no `pageinspect`, so the pages are parsed here (bufpage.h, htup_details.h).
"""

from __future__ import annotations

import asyncio
import struct
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from activities.db import ballots
from activities.db.connection import create_pool
from domain.title import Choice

pytestmark = pytest.mark.integration

CASE_NO = "TREV-2026-000412"
MEMBERS = tuple(f"E{n:03d}" for n in range(1, 16))
# Twelve of fifteen vote: six approve, four reject, two abstain.
VOTES = dict(
    zip(
        MEMBERS[:12],
        "approve reject approve abstain approve reject approve reject abstain approve reject approve".split(),
        strict=True,
    )
)
CHOICES = ("approve", "reject", "abstain")
PAGE = 8192
HEAP_HASNULL = 0x0001

# -- the heap, read from the disk -------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    length: int  # attlen: > 0 fixed, -1 varlena
    align: str  # attalign: c, s, i, d


@dataclass(frozen=True)
class TupleVersion:
    """One tuple as it lies on a page, live or dead."""

    table: str
    ctid: tuple[int, int]  # (block, line pointer), where it is
    next_ctid: tuple[int, int]  # t_ctid: itself, or the version that replaced it
    xmin: int
    xmax: int
    values: dict[str, Any]


_ALIGN = {"c": 1, "s": 2, "i": 4, "d": 8}


def _aligned(offset: int, align: str) -> int:
    step = _ALIGN[align]
    return (offset + step - 1) // step * step


def _decode(column: Column, raw: bytes) -> Any:
    if column.type == "text":
        return raw.decode("utf-8", "replace")
    if column.type in ("integer", "bigint", "smallint"):
        return int.from_bytes(raw, "little", signed=True)
    if column.type == "boolean":
        return raw != b"\x00"
    if column.type.startswith("timestamp"):
        return int.from_bytes(raw, "little", signed=True)  # microseconds since 2000-01-01
    return raw  # bytea, arrays, dropped columns: the bytes as they are


def _columns_of(
    data: bytes, offset: int, natts: int, nulls: bytes | None, columns: list[Column]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for i, column in enumerate(columns):
        if i >= natts or (nulls is not None and not nulls[i // 8] & (1 << (i % 8))):
            values[column.name] = None
            continue
        if column.length > 0:
            offset = _aligned(offset, column.align)
            values[column.name] = _decode(column, data[offset : offset + column.length])
            offset += column.length
            continue
        if data[offset] == 0:  # padding: a 4-byte header is aligned, a 1-byte one is not
            offset = _aligned(offset, column.align)
        first = data[offset]
        if first == 0x01:
            raise AssertionError(f"{column.name}: a TOAST pointer; the ballot tables hold none")
        if first & 0x01:  # short header: the length, header included, in the upper seven bits
            size, header = first >> 1, 1
        else:
            size, header = (struct.unpack_from("<I", data, offset)[0] >> 2) & 0x3FFFFFFF, 4
        values[column.name] = _decode(column, data[offset + header : offset + size])
        offset += size
    return values


def parse_heap(table: str, raw: bytes, columns: list[Column]) -> list[TupleVersion]:
    """Every tuple with storage on the pages (lp_flags LP_NORMAL): the live and the dead."""
    versions: list[TupleVersion] = []
    for block in range(len(raw) // PAGE):
        page = raw[block * PAGE : (block + 1) * PAGE]
        (lower,) = struct.unpack_from("<H", page, 12)
        for number in range(1, (lower - 24) // 4 + 1):
            (word,) = struct.unpack_from("<I", page, 24 + (number - 1) * 4)
            lp_off, lp_flags, lp_len = word & 0x7FFF, (word >> 15) & 0x3, word >> 17
            if lp_flags != 1 or lp_len == 0:
                continue
            data = page[lp_off : lp_off + lp_len]
            xmin, xmax = struct.unpack_from("<II", data, 0)
            bi_hi, bi_lo, posid, infomask2, infomask, hoff = struct.unpack_from("<HHHHHB", data, 12)
            natts = infomask2 & 0x07FF
            nulls = data[23:hoff] if infomask & HEAP_HASNULL else None
            versions.append(
                TupleVersion(
                    table=table,
                    ctid=(block, number),
                    next_ctid=((bi_hi << 16) | bi_lo, posid),
                    xmin=xmin,
                    xmax=xmax,
                    values=_columns_of(data, hoff, natts, nulls, columns),
                )
            )
    return versions


async def read_ballot_tables(conn: asyncpg.Connection) -> dict[str, list[TupleVersion]]:
    """CHECKPOINT, then every ballot table's heap file read straight from the data directory."""
    await conn.execute("CHECKPOINT")
    data_directory = Path(await conn.fetchval("SHOW data_directory"))
    tables = [
        r["relname"]
        for r in await conn.fetch(
            """SELECT relname FROM pg_class
               WHERE relkind = 'r' AND relname LIKE '%ballot%' AND relnamespace = 'public'::regnamespace"""
        )
    ]
    heaps: dict[str, list[TupleVersion]] = {}
    for table in tables:
        columns = [
            Column(r["attname"], r["type"], r["attlen"], r["attalign"])
            for r in await conn.fetch(
                """SELECT attname, format_type(atttypid, NULL) AS type, attlen, attalign::text
                   FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 ORDER BY attnum""",
                table,
            )
        ]
        path = data_directory / await conn.fetchval("SELECT pg_relation_filepath($1::regclass)", table)
        heaps[table] = parse_heap(table, path.read_bytes(), columns)
    return heaps


# -- the attacker ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceTrace:
    """A choice the disk shows some transaction wrote, wherever it shows it."""

    xid: int
    ctid: tuple[int, int]
    choice: str
    at: int | None  # a timestamp on the same row, if any


@dataclass
class Attack:
    """What the disk gives away: the attendance (member ↔ transaction) and the traces of
    choices (choice ↔ transaction, place, time)."""

    attendance: list[TupleVersion]
    traces: list[ChoiceTrace]


def _is_choice(value: Any) -> bool:
    return isinstance(value, str) and value in CHOICES


def _timestamp(version: TupleVersion) -> int | None:
    return next((v for k, v in version.values.items() if k.endswith("_at") or k in ("at", "cast_at")), None)


def choice_traces(
    heaps: dict[str, list[TupleVersion]], decrypt: Callable[[bytes], str | None] | None
) -> Attack:
    """Every way a tuple version shows a choice: a choice written in clear on an inserted row;
    a counter of a choice raised from one version to the next (t_ctid links them); a sealed
    value that `decrypt` (the attacker's key, if any) opens."""
    attendance = [v for v in heaps.get("ballot_attendance", []) if "member" in v.values]
    traces: list[ChoiceTrace] = []
    for table, versions in heaps.items():
        if table == "ballot_attendance":
            continue
        by_ctid = {v.ctid: v for v in versions}
        for version in versions:
            labels = [v for v in version.values.values() if _is_choice(v)]
            counters = {k: v for k, v in version.values.items() if isinstance(v, int) and k != "ballot_no"}
            successor = by_ctid.get(version.next_ctid) if version.next_ctid != version.ctid else None
            if labels and counters and successor is not None:
                # An update of a counter row: the choice whose counter the successor raised.
                raised = any(successor.values.get(k, 0) > v for k, v in counters.items())
                if raised:
                    traces.append(
                        ChoiceTrace(successor.xmin, successor.ctid, labels[0], _timestamp(successor))
                    )
            elif labels and not counters:
                traces.append(ChoiceTrace(version.xmin, version.ctid, labels[0], _timestamp(version)))
            for value in version.values.values():
                if isinstance(value, bytes) and decrypt is not None:
                    opened = decrypt(value)
                    if opened is not None:
                        traces.append(ChoiceTrace(version.xmin, version.ctid, opened, _timestamp(version)))
    return Attack(attendance, traces)


def _pair_by_rank(members: list[str], traces: list[ChoiceTrace]) -> dict[str, str]:
    return {m: t.choice for m, t in zip(members, traces, strict=False)}


def link_strategies(attack: Attack) -> dict[str, dict[str, str]]:
    """Each strategy's guess of member → choice."""
    attendance = attack.attendance
    traces = attack.traces
    by_xid: dict[int, list[ChoiceTrace]] = {}
    for trace in traces:
        by_xid.setdefault(trace.xid, []).append(trace)

    def same_xid() -> dict[str, str]:
        guesses: dict[str, str] = {}
        for row in attendance:
            for xid in (row.xmin, row.xmax):
                if xid and len({t.choice for t in by_xid.get(xid, [])}) == 1:
                    guesses[row.values["member"]] = by_xid[xid][0].choice
        return guesses

    def adjacent_xid() -> dict[str, str]:
        guesses: dict[str, str] = {}
        for row in attendance:
            near = sorted((abs(t.xid - row.xmin), t.choice) for t in traces if 0 < abs(t.xid - row.xmin) <= 3)
            if near:
                guesses[row.values["member"]] = near[0][1]
        return guesses

    def timestamps() -> dict[str, str]:
        guesses: dict[str, str] = {}
        timed = [t for t in traces if t.at is not None]
        for row in attendance:
            at = _timestamp(row)
            if at is not None and timed:
                guesses[row.values["member"]] = min(timed, key=lambda t: abs((t.at or 0) - at)).choice
        return guesses

    members_by_xid = [r.values["member"] for r in sorted(attendance, key=lambda r: r.xmin)]
    members_on_page = [r.values["member"] for r in sorted(attendance, key=lambda r: r.ctid)]
    return {
        "same transaction id (xmin/xmax)": same_xid(),
        "adjacent transaction id (±3)": adjacent_xid(),
        "order of transaction ids": _pair_by_rank(members_by_xid, sorted(traces, key=lambda t: t.xid)),
        "order on the page (ctid)": _pair_by_rank(members_on_page, sorted(traces, key=lambda t: t.ctid)),
        "timestamps": timestamps(),
    }


def verdicts(attack: Attack) -> dict[str, int]:
    """How many members each strategy pairs with their true choice."""
    return {
        name: sum(VOTES.get(member) == choice for member, choice in guesses.items())
        for name, guesses in link_strategies(attack).items()
    }


CHANCE = Counter(VOTES.values()).most_common(1)[0][1]
"""What knowing nothing gets right: everyone chose what most chose (6 of 12)."""


# -- the round ---------------------------------------------------------------------------------------


async def hold_a_round(url: str, keys: ballots.TallyKeys | None = None) -> None:
    """Twelve ballots: six at once, then six one after the other (the worst case for an
    attacker who pairs neighbouring transactions); then the box is closed."""
    pool = await create_pool(url, max_size=8)
    try:
        async with pool.acquire() as conn:
            await ballots.open_box(conn, CASE_NO, 1, MEMBERS, keys=keys)

        async def cast(member: str) -> None:
            async with pool.acquire() as conn:
                await ballots.cast(conn, CASE_NO, member, VOTES[member])

        voters = list(VOTES)
        await asyncio.gather(*(cast(m) for m in voters[:6]))
        for member in voters[6:]:
            await cast(member)
        async with pool.acquire() as conn:
            tally = await ballots.close_box(conn, CASE_NO, 1, keys=keys)
        assert (tally.approve, tally.reject, tally.abstain) == (6, 4, 2)
    finally:
        await pool.close()


def report(attack: Attack, scores: dict[str, int]) -> str:
    lines = [
        f"tuple versions of ballot_attendance: {len(attack.attendance)}; choice traces: {len(attack.traces)}"
    ]
    lines += [f"  {name:<34} {score:>2}/12 right (chance: {CHANCE})" for name, score in scores.items()]
    return "\n".join(lines)


# -- the tests ---------------------------------------------------------------------------------------


async def _lsn(conn: asyncpg.Connection) -> int:
    return int(await conn.fetchval("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn"))


async def read_wal(conn: asyncpg.Connection, start: int, end: int) -> bytes:
    """The WAL written between two positions, read from the segment files."""
    data_directory = Path(await conn.fetchval("SHOW data_directory"))
    segment = int(await conn.fetchval("SELECT setting::int FROM pg_settings WHERE name = 'wal_segment_size'"))
    written = b""
    position = start
    while position < end:
        name = await conn.fetchval(
            "SELECT pg_walfile_name($1::text::pg_lsn)", f"{position >> 32:X}/{position & 0xFFFFFFFF:X}"
        )
        offset = position % segment
        upto = min(end - position + offset, segment)
        written += (data_directory / "pg_wal" / name).read_bytes()[offset:upto]
        position += upto - offset
    return written


async def test_reading_the_data_files_does_not_tell_who_chose_what(fresh_database: str) -> None:
    conn = await asyncpg.connect(fresh_database)
    try:
        wal_from = await _lsn(conn)
        await hold_a_round(fresh_database)
        wal_to = await _lsn(conn)
        heaps = await read_ballot_tables(conn)
        assert await conn.fetchval("SHOW track_commit_timestamp") == "off"  # no commit times kept
        tally_key = bytes(await conn.fetchval("SELECT tally_key FROM ballot_boxes"))
        wal = await read_wal(conn, wal_from, wal_to)
        data_directory = Path(await conn.fetchval("SHOW data_directory"))
        files = [
            data_directory / r["path"]
            for r in await conn.fetch(
                """SELECT pg_relation_filepath(c.oid) AS path FROM pg_class c
                   WHERE c.relname LIKE '%ballot%' AND c.relkind IN ('r', 'i')"""
            )
        ]
    finally:
        await conn.close()

    attack = choice_traces(heaps, decrypt=None)
    scores = verdicts(attack)
    print("\n" + report(attack, scores))
    # The attacker does see the whole round: who voted, every version.
    assert {v.values["member"] for v in attack.attendance} == set(VOTES)
    assert all(score <= CHANCE for score in scores.values()), report(attack, scores)

    # Nor do the ballot tables, their indexes or the WAL of the round hold a choice in clear
    # anywhere (the server is sent sealed ballots only), nor a timestamp column.
    for table, versions in heaps.items():
        for version in versions:
            assert not any(_is_choice(v) for v in version.values.values()), (table, version)
            assert _timestamp(version) is None, (table, version)
    assert all(
        member.encode() in wal for member in VOTES
    )  # the right stretch of WAL: the attendance is in it
    for raw in [wal, *(f.read_bytes() for f in files)]:
        assert not any(c.encode() in raw for c in CHOICES)

    # The sealed ballots: one length, none alike, none equal to a choice sealed again by the
    # attacker with the box's public key (the seal is not deterministic).
    sealed = [v.values["sealed"] for v in heaps["sealed_ballots"]]
    assert len(sealed) == 12
    assert {len(s) for s in sealed} == {ballots.SEALED_LENGTH}
    assert len(set(sealed)) == 12
    resealed = {ballots.seal(tally_key, CASE_NO, 1, c) for c in Choice for _ in range(100)}
    assert resealed.isdisjoint(sealed)


async def test_only_the_ballot_key_kept_off_the_database_stands_between_the_disk_and_the_ballots(
    fresh_database: str,
) -> None:
    """The trust that remains (see activities.db.ballots): an attacker who has the ballot key
    as well as the disk opens every sealed ballot and pairs it with its member by the shared
    transaction id. Also the proof that the attacker above is not blind to the new tables."""
    keys = ballots.TallyKeys(b"ballot key of the test, 32 bytes")
    await hold_a_round(fresh_database, keys)
    conn = await asyncpg.connect(fresh_database)
    try:
        heaps = await read_ballot_tables(conn)
    finally:
        await conn.close()
    private_key = keys.private_key(CASE_NO, 1)

    def decrypt(value: bytes) -> str | None:
        choice = ballots.open_sealed(private_key, CASE_NO, 1, value)
        return None if choice is None else choice.value

    attack = choice_traces(heaps, decrypt=decrypt)
    scores = verdicts(attack)
    print("\n" + report(attack, scores))
    assert scores["same transaction id (xmin/xmax)"] == 12
