"""Projections of `case_events`: the read models, rebuilt from the events alone.

One function per event type that a read model follows. The live path (each append)
and `rebuild_projections` run the same functions, so the rebuilt tables equal the
live ones by construction, and a test checks that they do.
`notice_deliveries` is not a projection: it records what a channel did, and a rebuild
leaves it alone, so that no notice is delivered again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from activities.db.connection import Connection
from activities.db.read_models import certificates, commitments, complaints, credit, titles
from domain import events as ev
from domain.case import CaseEvent

CORE_TABLES = ("cases", "notices", "escalations", "verifications")

Projector = Callable[[Connection, str, CaseEvent], Awaitable[None]]


async def _case_opened(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.CaseOpened.model_validate(event.data)
    await conn.execute(
        """INSERT INTO cases (case_no, procedure, stage, applicant_id, district, opened_at,
                              last_seq, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        case_no, data.procedure, data.stage, data.applicant_id, data.district, data.received_at,
        event.seq, event.at,
    )


async def _stage_changed(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.StageChanged.model_validate(event.data)
    await conn.execute("UPDATE cases SET stage = $2 WHERE case_no = $1", case_no, data.to_stage)


async def _clock_changed(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.ClockChanged.model_validate(
        {k: v for k, v in event.data.items() if k in ev.ClockChanged.model_fields}
    )
    await conn.execute(
        "UPDATE cases SET deadlines = $2, next_deadline = $3 WHERE case_no = $1",
        case_no, [d.model_dump(mode="json") for d in data.deadlines], data.next_deadline,
    )


async def _notice_issued(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.NoticeIssued.model_validate(event.data)
    await conn.execute(
        """INSERT INTO notices (case_no, step, seq, template, recipient, title, body, issued_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        case_no, data.step, event.seq, data.template, data.recipient, data.title, data.body,
        event.at,
    )


async def _escalated(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.Escalated.model_validate(event.data)
    await conn.execute(
        """INSERT INTO escalations (case_no, seq, clock, article, supervising_body, reason,
                                    escalated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        case_no, event.seq, data.clock, data.article, data.supervising_body, data.reason, event.at,
    )


async def _verification_recorded(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.VerificationRecorded.model_validate(event.data)
    await conn.execute(
        """INSERT INTO verifications (case_no, seq, step, result, verifier, evidence, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        case_no, event.seq, data.step, data.result, data.verifier, data.evidence, event.at,
    )


async def _case_closed(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.CaseClosed.model_validate(event.data)
    await conn.execute(
        """UPDATE cases SET outcome = $2, stage = $3, closed_at = $4, next_deadline = NULL
           WHERE case_no = $1""",
        case_no, data.outcome, data.stage, event.at,
    )


CORE_PROJECTORS: dict[str, Projector] = {
    "CaseOpened": _case_opened,
    "StageChanged": _stage_changed,
    **{clock_event.__name__: _clock_changed for clock_event in ev.CLOCK_EVENTS},
    "NoticeIssued": _notice_issued,
    "Escalated": _escalated,
    "VerificationRecorded": _verification_recorded,
    "CaseClosed": _case_closed,
}


# The core's projections first, then each procedure's read model.
READ_MODELS: tuple[tuple[tuple[str, ...], dict[str, Projector]], ...] = (
    (CORE_TABLES, CORE_PROJECTORS),
    (complaints.TABLES, complaints.PROJECTORS),
    (credit.TABLES, credit.PROJECTORS),
    (certificates.TABLES, certificates.PROJECTORS),
    (commitments.TABLES, commitments.PROJECTORS),
    (titles.TABLES, titles.PROJECTORS),
)
PROJECTION_TABLES = tuple(table for tables, _ in READ_MODELS for table in tables)


async def project(conn: Connection, case_no: str, event: CaseEvent) -> None:
    for _, projectors in READ_MODELS:
        projector = projectors.get(event.type)
        if projector is not None:
            await projector(conn, case_no, event)
    await conn.execute(
        "UPDATE cases SET last_seq = $2, updated_at = $3 WHERE case_no = $1 AND last_seq < $2",
        case_no, event.seq, event.at,
    )


async def rebuild_projections(conn: Connection) -> int:
    """Empty every projection and replay the whole log into it, in one transaction."""
    async with conn.transaction():
        await conn.execute(f"TRUNCATE {', '.join(PROJECTION_TABLES)}")
        count = 0
        async for row in conn.cursor(
            "SELECT case_no, seq, at, type, actor, data FROM case_events ORDER BY case_no, seq"
        ):
            record = dict(row)
            case_no = record.pop("case_no")
            await project(conn, case_no, CaseEvent(**record))
            count += 1
    return count
