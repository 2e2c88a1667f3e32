"""The append-only `case_events` log; every append projects in the same transaction.

Personal data (domain.personal) is sealed on the way in and opened on the way out: the rows hold
`{"enc": kid, "v": …}` where the events held a person's data; every reader of `case_events.data`
goes through `read_events`, `open_row` or `read_event_data` here. The projections are given the
plaintext event (they run in the append's transaction). The data key ring is the worker's
(`install_data_keys`, called by workers.main.build_activities and `govflow rebuild-projections`);
a function given `keys` uses those instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from activities.boundary import PermanentActivityError
from activities.db.connection import Connection
from activities.db.projections import Projections
from domain.case import CaseEvent
from domain.personal import DataKeys, PersonalDataError, seal, unseal

_installed: DataKeys | None = None
_given: ContextVar[DataKeys | None] = ContextVar("govflow_data_keys", default=None)
"""The key ring an append or a rebuild was given, for the projections it runs."""


class EventLogConflictError(PermanentActivityError):
    """A (case, seq) already holds a different event: two histories claim one case number."""


class PersonalDataKeysError(PermanentActivityError):
    """Personal data to seal or open and no data key ring to do it with (or a value that does
    not open under it)."""


def install_data_keys(keys: DataKeys | None) -> None:
    """The data key ring of this process (the worker's): seals and opens the log, and gives
    the pseudonyms the read models keep."""
    global _installed
    _installed = keys


@contextmanager
def using_data_keys(keys: DataKeys | None) -> Iterator[None]:
    """Within: `keys` (if given) is the key ring of everything the event log and the read
    models do (an append's projections, a rebuild)."""
    token = _given.set(keys or _given.get())
    try:
        yield
    finally:
        _given.reset(token)


def data_keys(keys: DataKeys | None = None) -> DataKeys:
    """`keys`, else the one given to the append or rebuild under way, else the installed key
    ring; PersonalDataKeysError if there is none."""
    ring = keys or _given.get() or _installed
    if ring is None:
        raise PersonalDataKeysError("no data key ring: the worker sets one (GOVFLOW_DATA_KEYS)")
    return ring


def pseudonym(id_number: str, keys: DataKeys | None = None) -> str:
    """A person's keyed pseudonym (what read models keep instead of an ID number)."""
    return data_keys(keys).pseudonym(id_number)


def _ring(keys: DataKeys | None) -> DataKeys | None:
    return keys or _given.get() or _installed


def sealed_data(case_no: str, event: CaseEvent, keys: DataKeys | None = None) -> dict[str, Any]:
    try:
        data: dict[str, Any] = seal(event.data, _ring(keys), case_no, event.seq, event.type)
    except PersonalDataError as error:
        raise PersonalDataKeysError(str(error)) from None
    return data


def opened_data(
    case_no: str, seq: int, data: Mapping[str, Any], keys: DataKeys | None = None
) -> dict[str, Any]:
    try:
        opened: dict[str, Any] = unseal(data, _ring(keys), case_no, seq)
    except (PersonalDataError, RuntimeError) as error:  # KeyRingError: a key missing, a value altered
        raise PersonalDataKeysError(str(error)) from None
    return opened


def open_row(case_no: str, row: Mapping[str, Any], keys: DataKeys | None = None) -> CaseEvent:
    """A `case_events` row (seq, at, type, actor, data) as the event the case recorded."""
    record = {k: row[k] for k in ("seq", "at", "type", "actor", "data")}
    record["data"] = opened_data(case_no, row["seq"], row["data"], keys)
    return CaseEvent(**record)


async def append_events(
    conn: Connection,
    case_no: str,
    events: Sequence[CaseEvent],
    projections: Projections,
    keys: DataKeys | None = None,
) -> int:
    """Append events idempotently; returns how many were new (see `append_new_events`)."""
    return len(await append_new_events(conn, case_no, events, projections, keys))


async def append_new_events(
    conn: Connection,
    case_no: str,
    events: Sequence[CaseEvent],
    projections: Projections,
    keys: DataKeys | None = None,
) -> list[CaseEvent]:
    """Append events idempotently; returns those that were new, once committed (what the
    worker's metrics count: an event a retried activity appends again is not new).

    An event already stored (a retried activity) is skipped and not projected again;
    one stored with another type or data means the log and the workflow disagree, which
    must stop the append rather than be papered over.
    """
    new: list[CaseEvent] = []
    with using_data_keys(keys):
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
                    sealed_data(case_no, event),
                )
                if inserted is None:
                    await _check_same_event(conn, case_no, event)
                    continue
                await projections.project(conn, case_no, event)  # the plaintext event
                new.append(event)
    return new


async def _check_same_event(conn: Connection, case_no: str, event: CaseEvent) -> None:
    """The stored event, opened, against the one appended again (sealing is randomised: the
    sealed forms of one value never compare equal)."""
    stored = await conn.fetchrow(
        "SELECT type, data FROM case_events WHERE case_no = $1 AND seq = $2", case_no, event.seq
    )
    if (
        stored is None
        or stored["type"] != event.type
        or opened_data(case_no, event.seq, stored["data"]) != event.data
    ):
        raise EventLogConflictError(
            f"{case_no} event {event.seq}: the log holds {stored and stored['type']}, "
            f"the case recorded {event.type}"
        )


async def read_events(conn: Connection, case_no: str, keys: DataKeys | None = None) -> list[CaseEvent]:
    rows = await conn.fetch(
        "SELECT seq, at, type, actor, data FROM case_events WHERE case_no = $1 ORDER BY seq",
        case_no,
    )
    return [open_row(case_no, row, keys) for row in rows]


async def read_event_data(
    conn: Connection, case_no: str, event_type: str, keys: DataKeys | None = None
) -> dict[str, Any] | None:
    """The data of the case's first event of `event_type` (e.g. its CaseOpened), opened."""
    row = await conn.fetchrow(
        "SELECT seq, data FROM case_events WHERE case_no = $1 AND type = $2 ORDER BY seq LIMIT 1",
        case_no,
        event_type,
    )
    return None if row is None else opened_data(case_no, row["seq"], row["data"], keys)
