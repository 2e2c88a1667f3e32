"""Reconciling terminated cases: a terminated workflow runs no more code, so its end is recorded
here, from Temporal's history, into `case_events`.

`temporal workflow terminate` (or a reset, which terminates the run it replaces) stops a case's
workflow without a word to the case: its log ends where it was, and its read models say it is
still being handled. `reconcile_terminated` finds, through Temporal's visibility, every case
whose current run is Terminated (`ExecutionStatus = 'Terminated'` and a `CaseNo`), and for each
whose log holds events but no closing event (CaseClosed, CaseTerminated) appends CaseTerminated: the
operator from the termination's identity, the reason it gave, the time it happened. The
projections then say `terminated` (outcome) and `closed` (stage).

Idempotent: the closing check and the append are one transaction under an advisory lock on the
case number, and the event is made from the termination alone (the same number, time, actor and
data on every run), so two runs, even at once, record it once.

A case with no event in this log is left alone: terminated before it recorded its opening, or
a case of another database over the same Temporal namespace. A termination younger than
`SETTLE` is left for the next run: an append the workflow had under
way when it was terminated may still land (each attempt lasts at most 10 s), and the
termination must follow it, not take its number.

Run by operators (`govflow reconcile`, e.g. from cron); it reads Temporal and writes PostgreSQL,
on the worker's side, like `govflow rebuild-projections`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHistoryEventFilterType
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError

from activities.db.event_log import append_events
from activities.db.projections import Projections
from domain.case import Actor
from domain.events import CLOSING_EVENTS, CaseTerminated, make_event

TERMINATED_CASES_QUERY = "CaseNo IS NOT NULL AND ExecutionStatus = 'Terminated'"
SETTLE = timedelta(seconds=30)
"""How old a termination must be before it is recorded (see the module docstring)."""
UNKNOWN_OPERATOR = "temporal"
_CASE_TYPE = SearchAttributeKey.for_keyword("CaseType")  # workflows.search_attributes (not importable here)
_NOT_AN_ID = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


@dataclass(frozen=True)
class Termination:
    """A case whose current run was terminated, as Temporal's history tells it."""

    case_no: str
    procedure: str
    run_id: str
    at: datetime
    identity: str
    reason: str


@dataclass(frozen=True)
class Reconciled:
    """A termination recorded in the log now."""

    case_no: str
    procedure: str
    seq: int
    actor: str
    reason: str
    terminated_at: datetime
    stage: str | None


@dataclass(frozen=True)
class ReconcileReport:
    reconciled: tuple[Reconciled, ...]
    recorded_before: int  # terminated cases whose log already held their end
    too_recent: tuple[str, ...]  # terminated less than `settle` ago: for the next run
    not_on_record: tuple[str, ...] = ()  # terminated cases of which this log holds nothing


def operator_of(identity: str) -> Actor:
    """The operator a termination names: its identity (`temporal workflow terminate` sends the
    CLI's, a client its own), as an actor id; `operator:temporal` if it names none."""
    cleaned = _NOT_AN_ID.sub("", identity).strip()[:128]
    return Actor(role="operator", id=cleaned or UNKNOWN_OPERATOR)


async def terminations(client: Client) -> list[Termination]:
    """Every case whose current run is Terminated, with the termination's identity and reason."""
    found: dict[str, Termination] = {}
    async for execution in client.list_workflows(TERMINATED_CASES_QUERY):
        case_no = execution.id
        if case_no in found:
            continue
        try:
            current = await client.get_workflow_handle(case_no).describe()
        except RPCError:
            continue  # deleted meanwhile (retention)
        if current.status != WorkflowExecutionStatus.TERMINATED or current.run_id != execution.run_id:
            continue  # a later run (a reset) goes on, or an older run of this case
        procedure = execution.typed_search_attributes.get(_CASE_TYPE) or execution.workflow_type
        handle = client.get_workflow_handle(case_no, run_id=execution.run_id)
        async for event in handle.fetch_history_events(
            event_filter_type=WorkflowHistoryEventFilterType.CLOSE_EVENT
        ):
            if not event.HasField("workflow_execution_terminated_event_attributes"):
                continue
            attributes = event.workflow_execution_terminated_event_attributes
            found[case_no] = Termination(
                case_no=case_no,
                procedure=procedure,
                run_id=execution.run_id or "",
                at=event.event_time.ToDatetime(tzinfo=UTC),
                identity=attributes.identity,
                reason=attributes.reason,
            )
    return sorted(found.values(), key=lambda t: (t.at, t.case_no))


async def record_termination(
    pool: asyncpg.Pool, projections: Projections, termination: Termination
) -> Reconciled | bool:
    """Append CaseTerminated to the case's log unless it holds a closing event (True) or no
    event at all (False)."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('reconcile:' || $1))", termination.case_no)
        row = await conn.fetchrow(
            """SELECT coalesce(max(seq), 0) AS last, bool_or(type = ANY($2::text[])) AS closed
               FROM case_events WHERE case_no = $1""",
            termination.case_no,
            sorted(CLOSING_EVENTS),
        )
        if row is None or row["last"] == 0:
            return False
        if row["closed"]:
            return True
        last: int = row["last"]
        stage = await conn.fetchval("SELECT stage FROM cases WHERE case_no = $1", termination.case_no)
        actor = operator_of(termination.identity)
        reason = termination.reason.strip() or "经 Temporal 终止（未注明理由）"
        event = make_event(
            last + 1,
            termination.at,
            actor,
            CaseTerminated(
                reason=reason, identity=termination.identity, run_id=termination.run_id, stage=stage
            ),
        )
        await append_events(conn, termination.case_no, [event], projections)
    return Reconciled(
        case_no=termination.case_no,
        procedure=termination.procedure,
        seq=event.seq,
        actor=event.actor,
        reason=reason,
        terminated_at=termination.at,
        stage=stage,
    )


async def reconcile_terminated(
    client: Client,
    pool: asyncpg.Pool,
    projections: Projections,
    *,
    settle: timedelta = SETTLE,
    now: datetime | None = None,
) -> ReconcileReport:
    """Record the end of every terminated case whose log does not say it ended."""
    cutoff = (now or datetime.now(UTC)) - settle
    reconciled: list[Reconciled] = []
    recorded_before = 0
    too_recent: list[str] = []
    not_on_record: list[str] = []
    for termination in await terminations(client):
        if termination.at > cutoff:
            too_recent.append(termination.case_no)
            continue
        done = await record_termination(pool, projections, termination)
        if isinstance(done, Reconciled):
            reconciled.append(done)
        elif done:
            recorded_before += 1
        else:
            not_on_record.append(termination.case_no)
    return ReconcileReport(tuple(reconciled), recorded_before, tuple(too_recent), tuple(not_on_record))
