"""The case core: what every procedure's workflow inherits.

A procedure's workflow subclasses `CaseWorkflow`, sets `procedure` and `decisions`,
defines `@workflow.run` (which calls `open_case` first) and `on_decision`.

Queries:
    status() -> CaseStatus         the contract's status object
Updates:
    decide(DecisionRequest) -> DecisionAccepted
        validated before it reaches history: closed case, unknown decision, duplicate
        request id, wrong stage, wrong role, invalid payload are each refused with a
        clear message and nothing is written.
    replan_clocks(ReplanClocks) -> ClocksReplanned
        an operator's order, after an official schedule was loaded, to derive every open
        clock's due date again; each clock whose date or provisional flag changed records
        a ClockReplanned event.

Every domain event goes through `record` (or the notice, escalation and verification
helpers), which numbers it, appends it to PostgreSQL through an activity and only then
adds it to the history; a lock keeps the numbering and the appends in order when an
update handler and the main coroutine record at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from govflow import search_attributes as sa
    from govflow.activities.case_log import CaseLogActivities
    from govflow.activities.models import (
        AppendEvents,
        Escalate,
        IssueNotice,
        RecordVerification,
    )
    from govflow.boundary import to_application_error
    from govflow.domain.beijing import District
    from govflow.domain.case import (
        SYSTEM,
        Actor,
        CarriedCase,
        CaseEvent,
        CaseStatus,
        DecisionAccepted,
        DecisionRequest,
        DecisionRule,
        check_decision,
    )
    from govflow.domain.clocks import ClocksReplanned, ReplanClocks
    from govflow.domain.errors import CaseClosedError, CaseOpeningError, DomainError
    from govflow.domain.events import (
        CaseClosed,
        CaseOpened,
        DecisionTaken,
        StageChanged,
        make_event,
    )

from govflow.workflows.clocks import ClockKeeper

CLOSED = "closed"

# The log is the record: a database that is down is waited for, never skipped, so the
# retries are unlimited; each attempt is short, so a worker killed mid-append is noticed soon.
PERSIST_TIMEOUT = timedelta(seconds=10)
PERSIST_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), backoff_coefficient=2.0, maximum_interval=timedelta(minutes=1)
)

Command = TypeVar("Command")
Result = TypeVar("Result")


class CaseWorkflow:
    procedure: ClassVar[str]
    decisions: ClassVar[Mapping[str, DecisionRule]]

    def __init__(self) -> None:
        self.case_no = ""
        self.stage = ""
        self.outcome: str | None = None
        self.applicant_id = ""
        self.district: District | None = None
        self.opened_at: datetime | None = None
        self.history: list[CaseEvent] = []
        self.events_before = 0  # events recorded by earlier runs (continue-as-new)
        self.clocks = ClockKeeper(self)
        self._request_ids: set[str] = set()
        self._persist_lock = asyncio.Lock()
        self._decision_lock = asyncio.Lock()

    # -- the contract ------------------------------------------------------------------

    @workflow.query
    def status(self) -> CaseStatus:
        return CaseStatus(
            case_no=self.case_no or workflow.info().workflow_id,
            procedure=self.procedure,
            stage=self.stage or "opening",
            applicant_id=self.applicant_id,
            district=self.district,
            opened_at=self.opened_at or workflow.info().start_time,
            deadlines=self.clocks.deadlines(),
            history=tuple(self.history),
            outcome=self.outcome,
        )

    @workflow.update
    async def decide(self, request: DecisionRequest) -> DecisionAccepted:
        async with self._decision_lock:
            # Checked again: an earlier decision may have moved the case since validation.
            payload = self._check_decision(request)
            self._request_ids.add(request.request_id)
            await self.record(request.actor, DecisionTaken(
                request_id=request.request_id, decision=request.decision,
                role=request.actor.role, payload=payload.model_dump(mode="json"),
            ))
            await self.on_decision(request.decision, payload, request.actor)
            return DecisionAccepted(
                case_no=self.case_no, request_id=request.request_id,
                decision=request.decision, stage=self.stage,
            )

    @decide.validator
    def validate_decide(self, request: DecisionRequest) -> None:
        self._check_decision(request)

    @workflow.update
    async def replan_clocks(self, order: ReplanClocks) -> ClocksReplanned:
        changed = await self.clocks.replan(order.actor)
        return ClocksReplanned(case_no=self.case_no, changed=tuple(changed))

    @replan_clocks.validator
    def validate_replan_clocks(self, order: ReplanClocks) -> None:
        if self.outcome is not None:
            raise to_application_error(CaseClosedError("the case has ended; its clocks are settled"))

    def _check_decision(self, request: DecisionRequest) -> BaseModel:
        try:
            if not self.stage:
                raise CaseOpeningError("the case is still opening; send the decision again shortly")
            payload = check_decision(
                self.decisions, stage=self.stage, outcome=self.outcome,
                seen_request_ids=self._request_ids, request=request,
            )
            self.check(request.decision, payload, request.actor)
            return payload
        except DomainError as error:
            raise to_application_error(error) from None

    def check(self, decision: str, payload: Any, actor: Actor) -> None:
        """The procedure's own guards beyond stage, role and payload (e.g. that a clock can be
        paused now); raise a DomainError to refuse. Runs in the validator, so a refusal
        writes nothing."""

    async def on_decision(self, decision: str, payload: Any, actor: Actor) -> None:
        """Carry out an accepted decision: the procedure's own part."""
        raise NotImplementedError

    # -- what procedures call ------------------------------------------------------------

    async def open_case(
        self, case_no: str, received_at: datetime | None, *, applicant_id: str,
        district: District | None, stage: str, application: BaseModel,
    ) -> None:
        self.case_no = workflow.info().workflow_id
        if case_no != self.case_no:
            workflow.logger.warning("opening names %s, workflow id is %s", case_no, self.case_no)
        self.applicant_id = applicant_id
        self.district = district
        self.opened_at = received_at or workflow.now()
        self.stage = stage
        workflow.upsert_search_attributes([
            sa.CASE_NO.value_set(self.case_no),
            sa.CASE_TYPE.value_set(self.procedure),
            sa.STAGE.value_set(stage),
            sa.APPLICANT_ID.value_set(applicant_id),
            *([sa.DISTRICT.value_set(district.value)] if district else []),
        ])
        await self.record(SYSTEM, CaseOpened(
            procedure=self.procedure, applicant_id=applicant_id,
            district=district.value if district else None, stage=stage,
            received_at=self.opened_at, application=application.model_dump(mode="json"),
        ))
        workflow.logger.info("case opened in stage %s", stage)

    def resume_case(self, carried: CarriedCase, *, district: District | None) -> None:
        """Take up a case a previous run handed over with continue-as-new: its identity and
        numbering go on; its earlier events stay in `case_events` (the status shows this
        run's)."""
        self.case_no = workflow.info().workflow_id
        self.applicant_id = carried.applicant_id
        self.district = district
        self.opened_at = carried.opened_at
        self.stage = carried.stage
        self.events_before = carried.events_before
        self._request_ids = set(carried.request_ids)

    def carry(self) -> CarriedCase:
        """What the next run needs to go on as this case (see `resume_case`)."""
        return CarriedCase(
            applicant_id=self.applicant_id, opened_at=self.opened_at or workflow.now(),
            stage=self.stage, events_before=self.events_before + len(self.history),
            request_ids=tuple(sorted(self._request_ids)),
        )

    async def record(self, actor: Actor, data: BaseModel) -> CaseEvent:
        """Number the event, append it to the log, then add it to the history."""
        [event] = await self._log(CaseLogActivities.append_events, lambda seq, at: AppendEvents(
            case_no=self.case_no, events=(make_event(seq, at, actor, data),)
        ))
        return event

    async def _log(
        self,
        activity: Callable[[CaseLogActivities, Command], Awaitable[tuple[CaseEvent, ...]]],
        command_from: Callable[[int, datetime], Command],
    ) -> tuple[CaseEvent, ...]:
        """Reserve the next sequence number, run the activity that writes events from it,
        and keep what it wrote; one at a time, so that the log is appended in order."""
        async with self._persist_lock:
            next_seq = self.events_before + len(self.history) + 1
            events = await self._persist(activity, command_from(next_seq, workflow.now()))
            self.history.extend(events)
            return events

    async def _persist(
        self, activity: Callable[[CaseLogActivities, Command], Awaitable[Result]], command: Command
    ) -> Result:
        return await workflow.execute_activity_method(
            activity, command, start_to_close_timeout=PERSIST_TIMEOUT, retry_policy=PERSIST_RETRY
        )

    async def change_stage(self, stage: str, actor: Actor) -> None:
        previous, self.stage = self.stage, stage
        workflow.upsert_search_attributes([sa.STAGE.value_set(stage)])
        await self.record(actor, StageChanged(from_stage=previous, to_stage=stage))

    async def issue_notice(
        self, step: str, template: str, recipient: str, context: dict[str, Any],
        actor: Actor = SYSTEM,
    ) -> CaseEvent:
        [event] = await self._log(CaseLogActivities.issue_notice, lambda seq, at: IssueNotice(
            case_no=self.case_no, seq=seq, at=at, actor=actor, step=step, template=template,
            recipient=recipient, context=context,
        ))
        return event

    async def escalate(
        self, clock: str, article: str, due: date, supervising_body: str, reason: str
    ) -> None:
        await self._log(CaseLogActivities.escalate, lambda seq, at: Escalate(
            case_no=self.case_no, seq=seq, at=at, clock=clock, article=article, due=due,
            supervising_body=supervising_body, reason=reason,
        ))

    async def record_verification(
        self, step: str, result: str, evidence: str, actor: Actor
    ) -> CaseEvent:
        def command(seq: int, at: datetime) -> RecordVerification:
            return RecordVerification(case_no=self.case_no, seq=seq, at=at, actor=actor, step=step,
                                      result=result, evidence=evidence)

        [event] = await self._log(CaseLogActivities.record_verification, command)
        return event

    async def close(self, outcome: str, actor: Actor) -> None:
        """End the case. The stage turns `closed` at once (so no decision is taken meanwhile);
        the outcome shows once CaseClosed is in the history, so that the status never shows
        an outcome its history does not record."""
        previous, self.stage = self.stage, CLOSED
        workflow.upsert_search_attributes([
            sa.STAGE.value_set(CLOSED), sa.NEXT_DEADLINE.value_unset(),
        ])
        await self.record(actor, CaseClosed(outcome=outcome, stage=CLOSED))
        self.outcome = outcome
        workflow.logger.info("case closed from stage %s: %s", previous, outcome)

    async def finish(self) -> CaseStatus:
        """End the run once every update handler has answered and every clock's watcher has
        finished, so that a reminder or an escalation under way is recorded before the end."""
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and self.clocks.watchers_done()
        )
        return self.status()
