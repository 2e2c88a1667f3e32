"""The core activities every procedure calls: append events, issue notices, escalate, verify.

All of them are idempotent: each writes events at sequence numbers the workflow reserved,
and the log's (case_no, seq) key turns a retry into a no-op; a notice is delivered once per
(case, step, channel).
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import structlog
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db.event_log import append_events
from activities.db.projections import Projections
from activities.models import AppendEvents, Escalate, IssueNotice, RecordVerification
from activities.notices.channels import NoticeChannel
from activities.notices.render import NoticeRenderer
from domain.calendar import local_date
from domain.case import SYSTEM, Actor, CaseEvent
from domain.events import Escalated, NoticeIssued, VerificationRecorded, make_event
from domain.personal import DataKeys


def _log(case_no: str) -> structlog.stdlib.BoundLogger:
    """The activity's logger (workers.logs configures structlog's stdlib BoundLogger)."""
    info = activity.info()
    logger: structlog.stdlib.BoundLogger = structlog.get_logger("govflow.activities")
    return logger.bind(
        case_no=case_no,
        workflow_id=info.workflow_id,
        run_id=info.workflow_run_id,
        activity=info.activity_type,
        attempt=info.attempt,
    )


class CaseLogActivities:
    """Dependencies are injected by `workers`: the pool, the renderer, the channels, the
    projections, the data key ring that seals personal data in the log (None: the installed
    one, activities.db.event_log.install_data_keys)."""

    def __init__(
        self,
        pool: asyncpg.Pool,
        renderer: NoticeRenderer,
        channels: Sequence[NoticeChannel],
        projections: Projections,
        keys: DataKeys | None = None,
    ) -> None:
        self._pool = pool
        self._renderer = renderer
        self._channels = tuple(channels)
        self._projections = projections
        self._keys = keys

    @activity.defn(name="append_events")
    @translate_activity_errors
    async def append_events(self, command: AppendEvents) -> tuple[CaseEvent, ...]:
        async with self._pool.acquire() as conn:
            new = await append_events(conn, command.case_no, command.events, self._projections, self._keys)
        _log(command.case_no).debug("events appended", seqs=[e.seq for e in command.events], new=new)
        return command.events

    @activity.defn(name="issue_notice")
    @translate_activity_errors
    async def issue_notice(self, command: IssueNotice) -> tuple[CaseEvent, ...]:
        context = {
            **command.context,
            "case_no": command.case_no,
            "issued_on": local_date(command.at),
        }
        rendered = self._renderer.render(command.template, context)
        event = make_event(
            command.seq,
            command.at,
            command.actor,
            NoticeIssued(
                step=command.step,
                template=command.template,
                recipient=command.recipient,
                title=rendered.title,
                body=rendered.body,
            ),
        )
        await self._store_and_deliver(
            command.case_no, event, command.step, command.recipient, rendered.title, rendered.body
        )
        return (event,)

    @activity.defn(name="escalate")
    @translate_activity_errors
    async def escalate(self, command: Escalate) -> tuple[CaseEvent, ...]:
        escalated = make_event(
            command.seq,
            command.at,
            SYSTEM,
            Escalated(
                clock=command.clock,
                article=command.article,
                supervising_body=command.supervising_body,
                reason=command.reason,
            ),
        )
        step = f"escalation-{command.clock}-{command.due.isoformat()}"
        rendered = self._renderer.render(
            "escalation",
            {
                "case_no": command.case_no,
                "supervising_body": command.supervising_body,
                "clock": command.clock,
                "article": command.article,
                "due": command.due,
                "reason": command.reason,
                "issued_on": local_date(command.at),
            },
        )
        notice = make_event(
            command.seq + 1,
            command.at,
            SYSTEM,
            NoticeIssued(
                step=step,
                template="escalation",
                recipient=command.supervising_body,
                title=rendered.title,
                body=rendered.body,
            ),
        )
        async with self._pool.acquire() as conn:
            await append_events(conn, command.case_no, [escalated], self._projections, self._keys)
        await self._store_and_deliver(
            command.case_no, notice, step, command.supervising_body, rendered.title, rendered.body
        )
        _log(command.case_no).warning(
            "clock breached and escalated", clock=command.clock, body=command.supervising_body
        )
        return escalated, notice

    @activity.defn(name="record_verification")
    @translate_activity_errors
    async def record_verification(self, command: RecordVerification) -> tuple[CaseEvent, ...]:
        event = make_event(
            command.seq,
            command.at,
            command.actor,
            VerificationRecorded(
                step=command.step,
                result=command.result,
                verifier=_actor_label(command.actor),
                evidence=command.evidence,
            ),
        )
        async with self._pool.acquire() as conn:
            await append_events(conn, command.case_no, [event], self._projections, self._keys)
        return (event,)

    async def _store_and_deliver(
        self, case_no: str, event: CaseEvent, step: str, recipient: str, title: str, body: str
    ) -> None:
        """The event (and so the outbox row) first, then each channel that has not yet delivered.

        A crash between a channel's delivery and its record makes the retry deliver again,
        which channels absorb by being idempotent on (case_no, step).
        """
        async with self._pool.acquire() as conn:
            await append_events(conn, case_no, [event], self._projections, self._keys)
            for channel in self._channels:
                delivered = await conn.fetchval(
                    "SELECT 1 FROM notice_deliveries WHERE case_no=$1 AND step=$2 AND channel=$3",
                    case_no,
                    step,
                    channel.name,
                )
                if delivered:
                    continue
                await channel.deliver(case_no, step, recipient, title, body)
                await conn.execute(
                    """INSERT INTO notice_deliveries (case_no, step, channel) VALUES ($1, $2, $3)
                       ON CONFLICT DO NOTHING""",
                    case_no,
                    step,
                    channel.name,
                )


def _actor_label(actor: Actor) -> str:
    return f"{actor.role}:{actor.id}"
