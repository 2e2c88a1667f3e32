"""The append-only `case_events` log; every append projects in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence

from activities.boundary import PermanentActivityError
from activities.db.connection import Connection
from activities.db.projections import Projections
from domain.case import CaseEvent


class EventLogConflictError(PermanentActivityError):
    """A (case, seq) already holds a different event: two histories claim one case number."""


async def append_events(
    conn: Connection, case_no: str, events: Sequence[CaseEvent], projections: Projections
) -> int:
    """Append events idempotently; returns how many were new.

    An event already stored (a retried activity) is skipped and not projected again;
    one stored with another type or data means the log and the workflow disagree, which
    must stop the append rather than be papered over.
    """
    new = 0
    async with conn.transaction():
        for event in events:
            inserted = await conn.fetchval(
                """INSERT INTO case_events (case_no, seq, at, type, actor, data)
                   VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (case_no, seq) DO NOTHING
                   RETURNING seq""",
                case_no,
                event.seq,
                event.at,
                event.type,
                event.actor,
                event.data,
            )
            if inserted is None:
                await _check_same_event(conn, case_no, event)
                continue
            await projections.project(conn, case_no, event)
            new += 1
    return new


async def _check_same_event(conn: Connection, case_no: str, event: CaseEvent) -> None:
    stored = await conn.fetchrow(
        "SELECT type, data FROM case_events WHERE case_no = $1 AND seq = $2", case_no, event.seq
    )
    if stored is None or stored["type"] != event.type or stored["data"] != event.data:
        raise EventLogConflictError(
            f"{case_no} event {event.seq}: the log holds {stored and stored['type']}, "
            f"the case recorded {event.type}"
        )


async def read_events(conn: Connection, case_no: str) -> list[CaseEvent]:
    rows = await conn.fetch(
        "SELECT seq, at, type, actor, data FROM case_events WHERE case_no = $1 ORDER BY seq",
        case_no,
    )
    return [CaseEvent(**dict(row)) for row in rows]
