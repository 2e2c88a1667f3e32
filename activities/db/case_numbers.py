"""Case numbers: PREFIX-YEAR-NNNNNN, counted per procedure and Beijing year, never reused."""

from __future__ import annotations

from activities.db.connection import Connection
from domain.identifiers import format_case_no


async def next_case_no(conn: Connection, prefix: str, year: int) -> str:
    return format_case_no(prefix, year, await next_serial(conn, prefix, year))


async def next_serial(conn: Connection, prefix: str, year: int) -> int:
    """The next number of a counter kept per prefix and year."""
    serial = await conn.fetchval(
        """INSERT INTO case_number_counters (prefix, year, last) VALUES ($1, $2, 1)
           ON CONFLICT (prefix, year) DO UPDATE SET last = case_number_counters.last + 1
           RETURNING last""",
        prefix,
        year,
    )
    return int(serial)


async def last_serial(conn: Connection, prefix: str, year: int) -> int:
    """The last number the counter of `prefix` and `year` has issued (0: none yet)."""
    last = await conn.fetchval(
        "SELECT last FROM case_number_counters WHERE prefix = $1 AND year = $2", prefix, year
    )
    return int(last or 0)
