"""Projections of `case_events`: the read models, rebuilt from the events alone.

A read model is a set of tables and one function per event type it follows (ReadModel); the
core's (`cases`, `notices`, `escalations`, `verifications`) is here, each procedure's in
activities.db.read_models, and which of them a worker keeps comes from the registry
(`Projections`, injected by workers.main). The live path (each append) and the rebuild run the
same functions, so the rebuilt tables equal the live ones by construction, and a test checks
that they do. `notice_deliveries` is not a projection: it records what a channel did, and a
rebuild leaves it alone, so that no notice is delivered again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from activities.db.connection import Connection
from domain import events as ev
from domain.case import CLOSED, TERMINATED, CaseEvent
from domain.personal import DataKeys

CORE_TABLES = ("cases", "notices", "escalations", "verifications")

Projector = Callable[[Connection, str, CaseEvent], Awaitable[None]]


@dataclass(frozen=True)
class ReadModel:
    """Tables kept from the events, and the function that projects each event type into them."""

    name: str
    tables: tuple[str, ...]
    projectors: Mapping[str, Projector]


async def _case_opened(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.CaseOpened.model_validate(event.data)
    await conn.execute(
        """INSERT INTO cases (case_no, procedure, stage, applicant_id, district, opened_at,
                              last_seq, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        case_no,
        data.procedure,
        data.stage,
        data.applicant_id,
        data.district,
        data.received_at,
        event.seq,
        event.at,
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
        case_no,
        [d.model_dump(mode="json") for d in data.deadlines],
        data.next_deadline,
    )


async def _notice_issued(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.NoticeIssued.model_validate(event.data)
    await conn.execute(
        """INSERT INTO notices (case_no, step, seq, template, recipient, title, body, issued_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        case_no,
        data.step,
        event.seq,
        data.template,
        data.recipient,
        data.title,
        data.body,
        event.at,
    )


async def _escalated(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.Escalated.model_validate(event.data)
    await conn.execute(
        """INSERT INTO escalations (case_no, seq, clock, article, supervising_body, reason,
                                    escalated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        case_no,
        event.seq,
        data.clock,
        data.article,
        data.supervising_body,
        data.reason,
        event.at,
    )


async def _verification_recorded(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.VerificationRecorded.model_validate(event.data)
    await conn.execute(
        """INSERT INTO verifications (case_no, seq, step, result, verifier, evidence, recorded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        case_no,
        event.seq,
        data.step,
        data.result,
        data.verifier,
        data.evidence,
        event.at,
    )


async def _case_closed(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.CaseClosed.model_validate(event.data)
    await conn.execute(
        """UPDATE cases SET outcome = $2, stage = $3, closed_at = $4, next_deadline = NULL
           WHERE case_no = $1""",
        case_no,
        data.outcome,
        data.stage,
        event.at,
    )


async def _case_terminated(conn: Connection, case_no: str, event: CaseEvent) -> None:
    """The workflow was terminated (recorded by the reconciliation): the case is closed."""
    ev.CaseTerminated.model_validate(event.data)
    await conn.execute(
        """UPDATE cases SET outcome = $2, stage = $3, closed_at = $4, next_deadline = NULL
           WHERE case_no = $1""",
        case_no,
        TERMINATED,
        CLOSED,
        event.at,
    )


async def _needs_attention(conn: Connection, case_no: str, event: CaseEvent) -> None:
    await conn.execute("UPDATE cases SET stage = 'attention' WHERE case_no = $1", case_no)


async def _resumed(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.CaseResumed.model_validate(event.data)
    await conn.execute("UPDATE cases SET stage = $2 WHERE case_no = $1", case_no, data.stage)


CORE_PROJECTORS: dict[str, Projector] = {
    "CaseNeedsAttention": _needs_attention,
    "CaseResumed": _resumed,
    "CaseOpened": _case_opened,
    "StageChanged": _stage_changed,
    **{clock_event.__name__: _clock_changed for clock_event in ev.CLOCK_EVENTS},
    "NoticeIssued": _notice_issued,
    "Escalated": _escalated,
    "VerificationRecorded": _verification_recorded,
    "CaseClosed": _case_closed,
    "CaseTerminated": _case_terminated,
}


CORE = ReadModel("core", CORE_TABLES, CORE_PROJECTORS)


class Projections:
    """The read models a worker keeps: the core's first, then each procedure's, each once."""

    def __init__(self, read_models: Sequence[ReadModel] = ()) -> None:
        models = {CORE.name: CORE}
        for model in read_models:
            models.setdefault(model.name, model)
        self.read_models = tuple(models.values())

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(table for model in self.read_models for table in model.tables)

    async def project(self, conn: Connection, case_no: str, event: CaseEvent) -> None:
        for model in self.read_models:
            projector = model.projectors.get(event.type)
            if projector is not None:
                await projector(conn, case_no, event)
        await conn.execute(
            "UPDATE cases SET last_seq = $2, updated_at = $3 WHERE case_no = $1 AND last_seq < $2",
            case_no,
            event.seq,
            event.at,
        )

    async def rebuild(self, conn: Connection, keys: DataKeys | None = None) -> int:
        """Empty every projection and replay the whole log into it, in one transaction; the
        personal data of the log is opened with the data key ring (`keys`, else the installed
        one), so the projections see what they saw when each event was appended."""
        from activities.db.event_log import open_row, using_data_keys  # it imports this module

        with using_data_keys(keys):
            return await self._rebuild(conn, open_row)

    async def _rebuild(self, conn: Connection, open_row: Callable[[str, Any], CaseEvent]) -> int:
        async with conn.transaction():
            await conn.execute(f"TRUNCATE {', '.join(self.tables)}")
            count = 0
            async for row in conn.cursor(
                "SELECT case_no, seq, at, type, actor, data FROM case_events ORDER BY case_no, seq"
            ):
                case_no = row["case_no"]
                await self.project(conn, case_no, open_row(case_no, row))
                count += 1
        return count
