"""The core activities every procedure calls: append events, issue notices, escalate, verify.

All of them are idempotent: each writes events at sequence numbers the workflow reserved,
and the log's (case_no, seq) key turns a retry into a no-op; a notice is delivered once per
(case, step, channel).

They also count the case's events for the worker's metrics (workers.metrics serves them): the
events an append really stored and the deliveries really recorded, so a retry counts nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg
import structlog
from temporalio import activity
from temporalio.common import MetricCounter

from activities.boundary import translate_activity_errors
from activities.db.event_log import append_new_events
from activities.db.projections import Projections
from activities.models import AppendEvents, Escalate, IssueNotice, RecordVerification
from activities.notices.channels import NoticeChannel
from activities.notices.render import NoticeRenderer
from domain.calendar import local_date
from domain.case import SYSTEM, Actor, CaseEvent
from domain.events import Escalated, NoticeIssued, VerificationRecorded, make_event
from domain.personal import DataKeys
from domain.procedures import CASE_NO_PREFIXES


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
            new = await append_new_events(
                conn, command.case_no, command.events, self._projections, self._keys
            )
        count_events(command.case_no, new)
        _log(command.case_no).debug("events appended", seqs=[e.seq for e in command.events], new=len(new))
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
            command.case_no,
            [*command.before, event],
            command.step,
            command.recipient,
            rendered.title,
            rendered.body,
        )
        return (*command.before, event)

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
            new = await append_new_events(
                conn, command.case_no, [*command.before, escalated], self._projections, self._keys
            )
        count_events(command.case_no, new)
        await self._store_and_deliver(
            command.case_no, [notice], step, command.supervising_body, rendered.title, rendered.body
        )
        _log(command.case_no).warning(
            "clock breached and escalated", clock=command.clock, body=command.supervising_body
        )
        return *command.before, escalated, notice

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
            new = await append_new_events(
                conn, command.case_no, [*command.before, event], self._projections, self._keys
            )
        count_events(command.case_no, new)
        return (*command.before, event)

    async def _store_and_deliver(
        self, case_no: str, events: Sequence[CaseEvent], step: str, recipient: str, title: str, body: str
    ) -> None:
        """The events (the notice's last: with it the outbox row) in one transaction first, then
        each channel that has not yet delivered.

        A crash between a channel's delivery and its record makes the retry deliver again,
        which channels absorb by being idempotent on (case_no, step).
        """
        async with self._pool.acquire() as conn:
            new = await append_new_events(conn, case_no, events, self._projections, self._keys)
            count_events(case_no, new)
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
                recorded = await conn.execute(
                    """INSERT INTO notice_deliveries (case_no, step, channel) VALUES ($1, $2, $3)
                       ON CONFLICT DO NOTHING""",
                    case_no,
                    step,
                    channel.name,
                )
                if recorded == "INSERT 0 1":  # not an attempt that timed out and recorded it first
                    _counter(NOTICES_DELIVERED).add(1, {"channel": channel.name})


def _actor_label(actor: Actor) -> str:
    return f"{actor.role}:{actor.id}"


# -- metrics -----------------------------------------------------------------------------------
# Counters on the activity's metric meter, which the worker's runtime serves (workers.metrics);
# Prometheus shows each with `_total` added. Besides the labels below, the meter labels each
# count with the namespace, the task queue and the activity type.

CASES_OPENED = "govflow_cases_opened"
CASES_CLOSED = "govflow_cases_closed"
DECISIONS = "govflow_decisions"
CLOCKS = "govflow_clocks"
ESCALATIONS = "govflow_escalations"
NOTICES_DELIVERED = "govflow_notices_delivered"

CASE_COUNTERS: dict[str, str] = {
    CASES_OPENED: "Cases opened, by procedure",
    CASES_CLOSED: "Cases closed, by procedure and outcome",
    DECISIONS: "Decisions taken, by procedure and decision",
    CLOCKS: "Statutory clocks met or breached, by procedure and article",
    ESCALATIONS: "Breached clocks escalated to the supervising body, by procedure and article",
    NOTICES_DELIVERED: "Notices delivered, by channel",
}
"""Each counter the case log keeps and its description (its HELP line)."""

_PROCEDURES_BY_PREFIX = {prefix: name for name, prefix in CASE_NO_PREFIXES.items()}
_CLOCK_STATES = {"ClockMet": "met", "ClockBreached": "breached"}


def count_events(case_no: str, stored: Sequence[CaseEvent]) -> None:
    """Count the events an append stored. Called once the append has committed: an attempt that
    fails after it is retried, finds its events stored and counts none of them again (and one
    lost between the commit and here goes uncounted rather than counted twice)."""
    procedure = procedure_of(case_no)
    for event in stored:
        counted = _counted(event)
        if counted is not None:
            name, labels = counted
            _counter(name).add(1, {"procedure": procedure, **labels})


def procedure_of(case_no: str) -> str:
    """The procedure whose numbers start like `case_no` (DEMO-2026-000001: demo), else unknown."""
    return _PROCEDURES_BY_PREFIX.get(case_no.split("-", 1)[0], "unknown")


def _counted(event: CaseEvent) -> tuple[str, dict[str, str]] | None:
    """The counter an event adds to and its labels (besides the procedure), if it is counted.
    Read from the event's data as stored, not validated: an event of an older shape still counts."""
    data = event.data
    if event.type == "CaseOpened":
        return CASES_OPENED, {}
    if event.type == "CaseClosed":
        return CASES_CLOSED, {"outcome": str(data.get("outcome"))}
    if event.type == "DecisionTaken":
        return DECISIONS, {"decision": str(data.get("decision"))}
    if event.type in _CLOCK_STATES:
        return CLOCKS, {"article": _clock_article(data), "state": _CLOCK_STATES[event.type]}
    if event.type == "Escalated":
        return ESCALATIONS, {"article": str(data.get("article"))}
    return None


def _clock_article(data: dict[str, object]) -> str:
    """ClockMet and ClockBreached name their clock; its article is in the deadlines they carry
    (domain.events.ClockChanged), where the clock is listed by name."""
    deadlines = data.get("deadlines")
    articles = [
        str(deadline.get("article"))
        for deadline in (deadlines if isinstance(deadlines, list) else [])
        if isinstance(deadline, dict) and deadline.get("name") == data.get("clock")
    ]
    return articles[-1] if articles else "unknown"


def _counter(name: str) -> MetricCounter:
    return activity.metric_meter().create_counter(name, CASE_COUNTERS[name])
