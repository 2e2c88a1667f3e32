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
    """The last number of `prefix` and `year` given out (0: none yet): the counter's, or a
    higher one the event log holds already. The event log is the truth: a Temporal namespace
    that was reset, or a second one over the same database, starts its intake from here and
    must not hand out a number whose case is already on record."""
    last = await conn.fetchval(
        """SELECT greatest(
               (SELECT last FROM case_number_counters WHERE prefix = $1 AND year = $2),
               (SELECT max(substring(case_no FROM '-([0-9]+)$')::bigint) FROM case_events
                 WHERE seq = 1 AND case_no LIKE $1 || '-' || $2::text || '-%'))""",
        prefix,
        year,
    )
    return int(last or 0)


async def claim_serial(conn: Connection, prefix: str, year: int, claim: str, after: int) -> int:
    """The next number of `prefix` and `year`, above `after` (the last the intake gave), the
    counter and every case on record. `claim` names the claim; made again (an activity retried
    after its answer was lost), it gets the number it was given."""
    async with conn.transaction():
        claimed = await conn.fetchval("SELECT serial FROM case_number_claims WHERE claim = $1", claim)
        if claimed is not None:
            return int(claimed)
        on_record = await last_serial(conn, prefix, year)
        serial = await conn.fetchval(
            """INSERT INTO case_number_counters (prefix, year, last) VALUES ($1, $2, $3)
               ON CONFLICT (prefix, year) DO UPDATE
                 SET last = greatest(case_number_counters.last, EXCLUDED.last - 1) + 1
               RETURNING last""",
            prefix,
            year,
            max(on_record, after) + 1,
        )
        await conn.execute(
            "INSERT INTO case_number_claims (prefix, year, serial, claim) VALUES ($1, $2, $3, $4)",
            prefix,
            year,
            serial,
            claim,
        )
        return int(serial)
