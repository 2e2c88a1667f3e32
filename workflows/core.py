"""The case core: what every procedure's workflow inherits.

A procedure's workflow subclasses `CaseWorkflow`, sets `procedure`, `decisions` (the domain's
rules) and `supervising_body`, defines `@workflow.run` (which calls `open_case` first and
`case_ready` once opened), and declares one typed handler per decision with `@decision(NAME)`
and, where a decision needs a precondition, a guard with `@guard(NAME)`
(workflows.decisions); the table is built and checked when the class is defined.

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
    resume(ResumeOrder) -> CaseResumeResult
        an operator's order to try again a step that failed for good (see below).
    cancel(CancelOrder) -> CancelAccepted
        an operator's order to end the case: CaseCancelled (who, why), its clocks stopped,
        CaseClosed with the outcome `cancelled`. Refused with one line for a closed case (or
        one being cancelled), a role that is not an operator, a case still opening or waiting
        for an operator, a request id taken already, a reason that fails the input boundary.

Temporal's own cancellation (`temporal workflow cancel`) is recorded the same way (actor
`operator:temporal`, the request's reason if it gave one): the procedure's run is wrapped
(`__init_subclass__`), and the CancelledError it receives is caught, the closing events are
recorded (activities still run after a cancellation has been delivered), and the error is raised
again, so that the workflow ends as Canceled in Temporal too. An append the cancellation
interrupted is appended again first (the same sequence number and event: a no-op if it had
gone through), so the log never holds a gap or two events under one number.

A case takes no decision until it has finished opening: the procedure's run calls
`case_ready()` once its opening steps (the first clocks planned, the gates asked) are
done; until then the validator answers "still opening" (CaseOpeningError) and the
status shows the stage `opening`.

Every domain event goes through `record` (or the notice, escalation and verification
helpers), which numbers it, appends it to PostgreSQL through an activity and only then
adds it to the history; a lock keeps the numbering and the appends in order when an
update handler and the main coroutine record at once.

Every activity of a case runs through `_log` or `run_activity`. A transient error is
retried without limit; an error no retry can mend (activities.boundary) puts the case in
`attention`: a CaseNeedsAttention event, the `Stage` search attribute `attention`, a report
to the supervising body, and no decision taken until an operator's `resume` (recorded as
CaseResumed) tries the step again. The case stays open meanwhile; its clocks run on.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities.boundary import permanent_failure, to_application_error
    from activities.case_log import CaseLogActivities
    from activities.intake import IntakeActivities
    from activities.models import (
        AppendEvents,
        Escalate,
        IssueNotice,
        RecordVerification,
    )
    from domain.beijing import District
    from domain.calendar import end_of_day, local_date
    from domain.case import (
        ATTENTION,
        CANCELLED,
        CLOSED,
        OPENING,
        SYSTEM,
        Actor,
        Attention,
        CancelAccepted,
        CancelOrder,
        CarriedCase,
        CaseEvent,
        CaseResumeResult,
        CaseStatus,
        Deadline,
        DecisionAccepted,
        DecisionRequest,
        DecisionRule,
        NextStep,
        ResumeOrder,
        check_decision,
        check_effective_on,
        check_new_request,
    )
    from domain.clocks import ClocksReplanned, ReplanClocks
    from domain.errors import (
        AwaitingOperatorError,
        CaseClosedError,
        CaseOpeningError,
        DecisionRefusedError,
        DomainError,
        WrongRoleError,
    )
    from domain.events import (
        CaseCancelled,
        CaseClosed,
        CaseNeedsAttention,
        CaseOpened,
        CaseResumed,
        DecisionTaken,
        StageChanged,
        make_event,
    )
    from domain.inputs import validate_at_boundary
    from domain.labels import Kind, brief, vocabulary
    from workers.registry import REGISTRY
    from workflows import search_attributes as sa

from workflows.clocks import ACTING_ON, BATCHING, ClockKeeper
from workflows.decisions import DecisionTable

WAITS_ARE_DEADLINES = "waits-are-deadlines"
"""Patch: a publicity window or another wait with a known end is a deadline in NextDeadline."""
BATCHED_LOG = "batched-log"
"""Patch: the events of one act (a decision, the opening, an act of the run) are appended together
in one activity, with the notice they lead to (`batched`)."""
PARTY_ROLES = frozenset({"applicant", "enterprise"})
"""Roles that are the case's party: a case waiting only on them waits on the party."""
OBSERVER_ROLES = frozenset({"public"})
"""Roles that may act during a wait (an objection in a publicity) without the case waiting on them."""
ACTIVITY_WORDS = {
    "plan_clocks": "计算期限",
    "applicant_pseudonym": "申请人化名",
    "credit_gate": "查询信用记录",
    "catalog_check": "查询认可目录",
    "make_code": "生成核验码",
    "read": "查询",
    "disburse": "拨付资金",
    "received": "收款确认",
    "blacklist_gate": "查询失信名单",
    "certificate_holder": "查询证书持有人",
    "close_ballot": "结束投票",
    "number_certificate": "编制证书编号",
    "open_ballot": "开启投票",
    "report_breach": "报送信用记录",
    "report_graded_breach": "报送信用记录（定级）",
    "tell_permit_case": "告知许可案件抽查结果",
}
"""What a procedure's own activities do, as the Temporal UI's timeline says it."""
APPLICANT_PSEUDONYM = "applicant-pseudonym"
"""Patch: a case records and upserts its applicant as searched (a person's pseudonym)."""
OPERATOR_ROLES = frozenset({"operator"})
TEMPORAL_OPERATOR = Actor(role="operator", id="temporal")
"""Who cancelled a case through Temporal itself (`temporal workflow cancel`): the request does
not say who, in a form the workflow can read."""

# The log is the record: a database that is down is waited for, never skipped, so the
# retries are unlimited; each attempt is short, so a worker killed mid-append is noticed soon.
PERSIST_TIMEOUT = timedelta(seconds=10)
PERSIST_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), backoff_coefficient=2.0, maximum_interval=timedelta(minutes=1)
)

Command = TypeVar("Command")
Result = TypeVar("Result")
LogActivity = Callable[[CaseLogActivities, Any], Awaitable[tuple[CaseEvent, ...]]]


def _case_run(run: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """A procedure's run, cancellable: see CaseWorkflow._run_case. `functools.wraps` keeps the
    run's signature, type hints (resolved in the procedure's module) and Temporal's marker."""

    @functools.wraps(run)
    async def run_case(self: CaseWorkflow, *args: Any) -> Any:
        return await self._run_case(run, *args)

    run_case.__dict__["_govflow_case_run"] = True
    return run_case


class CaseWorkflow:
    procedure: ClassVar[str]
    decisions: ClassVar[Mapping[str, DecisionRule]]
    supervising_body: ClassVar[str]
    """Who is told when a step of a case fails for good and the case waits for an operator."""
    table: ClassVar[DecisionTable]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):  # the procedure's @workflow.run
            if hasattr(member, "__temporal_workflow_run") and not hasattr(member, "_govflow_case_run"):
                setattr(cls, name, _case_run(member))
        if "decisions" in vars(cls):  # a procedure's workflow (not a shared base such as TitleCase)
            cls.table = DecisionTable.build(cls, cls.decisions)

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
        self.ready = False  # opened: decisions may come (see case_ready)
        self.attention: Attention | None = None
        self._attention_serial = 0  # how many times this run has needed an operator
        self._recovered_serial = 0  # the last of them whose step went through again
        self._resume_order: ResumeOrder | None = None
        self._run_task: asyncio.Task[Any] | None = None  # the procedure's run (see _run_case)
        self._cancelling: CancelOrder | None = None  # an operator's cancel under way
        self._stopping = False  # the run was stopped by the cancel update, not by Temporal
        self._ending_by_temporal = False  # the run records Temporal's cancellation
        self._interrupted: tuple[LogActivity, Any] | None = None  # an append a cancel cut short
        self._opening_batch = False  # the opening is one act too, until case_ready (BATCHED_LOG)
        self._background: set[asyncio.Task[Any]] = set()  # the opening's append, under way
        self._unsaved: list[CaseEvent] = []  # in the history, numbered, not yet in the log
        self._last_act_on: date | None = None  # the legal date of the case's latest act
        self._waits_shown = False  # NextDeadline counts the case's waits (WAITS_ARE_DEADLINES)

    # -- the contract ------------------------------------------------------------------

    @workflow.query
    def status(self) -> CaseStatus:
        return CaseStatus(
            case_no=self.case_no or workflow.info().workflow_id,
            procedure=self.procedure,
            stage=self.visible_stage(),
            applicant_id=self.applicant_id,
            district=self.district,
            opened_at=self.opened_at or workflow.info().start_time,
            deadlines=(*self.clocks.deadlines(), *self.waits()),
            history=tuple(self.history[: len(self.history) - len(self._unsaved)]),  # in the log
            outcome=self.outcome,
            attention=self.attention,
            next_step=self.next_step(),
        )

    # -- what the case waits for -----------------------------------------------------------

    def waits(self) -> tuple[Deadline, ...]:
        """The case's waits that are not statutory clocks but have a known end (a publicity
        window, the next evaluation): shown as deadlines. A procedure that has any overrides it."""
        return ()

    def next_deadline(self) -> datetime | None:
        """The end of the earliest deadline still to be acted on: a clock's, or a wait's."""
        ends = [end_of_day(w.due) for w in self.waits() if w.state == "running"]
        clock = self.clocks.next_deadline()
        return min([*ends, *([clock] if clock else [])], default=None)

    def shown_next_deadline(self) -> datetime | None:
        """What NextDeadline holds now (the clock keeper upserts it): the waits counted once the
        case runs with WAITS_ARE_DEADLINES, the clocks alone in a case of before. The UI's
        current details follow."""
        self.show_details()
        return self.next_deadline() if self._waits_shown else self.clocks.next_deadline()

    def waits_changed(self) -> None:
        """A wait began or ended (a publicity published, a designation's next evaluation set):
        NextDeadline and the UI's details say so."""
        if self.outcome is None and workflow.patched(WAITS_ARE_DEADLINES):
            self._waits_shown = True
            upcoming = self.next_deadline()
            workflow.upsert_search_attributes(
                [sa.NEXT_DEADLINE.value_set(upcoming) if upcoming else sa.NEXT_DEADLINE.value_unset()]
            )
        self.show_details()

    def waiting_on(self) -> tuple[str, ...]:
        """The persons or departments the next act is theirs, where the case knows them (the
        experts drawn, the department a letter went to); a procedure overrides it."""
        return ()

    def idle_decisions(self) -> frozenset[str]:
        """Decisions the stage allows but does not wait for (a fraud reported, an extension, an
        objection ruled on while none is pending): left out of the next step and the inbox. A
        procedure names its occasional ones (`occasional`) and overrides this for the rest."""
        return self.occasional

    occasional: ClassVar[frozenset[str]] = frozenset()

    def next_step(self) -> NextStep | None:
        """What the case waits for, who must act and by when (None once it has ended)."""
        if self.outcome is not None or self.stage == CLOSED:
            return None
        if self.attention is not None:
            return NextStep(
                waiting_for="operator", decisions=("resume",), roles=tuple(sorted(OPERATOR_ROLES))
            )
        if not self.ready:
            return NextStep(waiting_for="opening")
        idle = self.idle_decisions()
        decisions = tuple(
            name for name, rule in self.decisions.items() if self.stage in rule.stages and name not in idle
        )
        roles = sorted({role for name in decisions for role in self.decisions[name].roles})
        pending = [d for d in (*self.clocks.deadlines(), *self.waits()) if _outstanding(d)]
        first = min(pending, key=lambda d: d.due, default=None)
        acting = [role for role in roles if role not in OBSERVER_ROLES]
        over = first is not None and first.kind != "clock" and first.due < local_date(workflow.now())
        who: tuple[str, ...] = ()
        if first is not None and first.kind != "clock" and not over:  # decisions only if objected
            waiting_for = "period"
        elif (acting and set(acting) <= PARTY_ROLES) or (
            first is not None and first.kind == "clock" and _party(first)
        ):
            waiting_for = "party"
            if first is not None and first.acts:
                who = (_particular(first.name) or first.acts,)
        elif acting:
            waiting_for = "decision"  # a window over, an objection pending: its ruling
        elif first is not None:
            waiting_for = "period"
        else:
            waiting_for = "idle"
        return NextStep(
            waiting_for=waiting_for,
            decisions=decisions,
            roles=tuple(roles),
            who=who,
            persons=self.waiting_on(),
            due=first.due if first else None,
            article=first.article if first else None,
            clock=first.name if first else None,
            deadline_kind=first.kind if first else None,
        )

    def words(self, kind: Kind, code: str) -> str:
        """A code as a person reads it in the Temporal UI: `受理 accept`."""
        return vocabulary(self.procedure).label(kind, code)

    def show_details(self) -> None:
        """The UI's current details (markdown): the stage and the next deadline in Beijing time.
        Not a command: it changes nothing in the history, so it needs no patch. It runs inside
        handlers and the clock keeper: a fault in it must never fail a workflow task (a wedged
        case for the sake of a display), so it is logged and the details left as they were."""
        try:
            self._show_details()
        except Exception as error:  # a display never stops a case
            workflow.logger.warning("current details not updated: %s", error)

    def _show_details(self) -> None:
        if not self.case_no:
            return
        lines = [f"**环节 Stage**：{self.words('stage', self.visible_stage())}"]
        if self.outcome is not None:
            lines.append(f"**结果 Outcome**：{self.words('outcome', self.outcome)}")
        step = self.next_step()
        if step is not None and step.due is not None:
            name = self.words("clock", step.clock) if step.clock else ""
            lines.append(
                f"**下一期限 Next deadline**：{step.due.year}年{step.due.month}月{step.due.day}日 "
                f"23:59 北京时间（{name}，{step.article}）"
            )
        if step is not None and step.roles:
            acts = "、".join(self.words("decision", d) for d in step.decisions)
            lines.append(f"**待办 Next**：{'、'.join(self.words('role', r) for r in step.roles)}：{acts}")
        workflow.set_current_details("\n\n".join(lines))

    def visible_stage(self) -> str:
        """The stage as clients see it: `opening` until the case is ready, `attention` while it
        waits for an operator, else the procedure's stage."""
        if self.attention is not None:
            return ATTENTION
        if not self.ready and self.outcome is None and self.stage != CLOSED:
            return OPENING
        return self.stage or OPENING

    @workflow.update
    async def decide(self, request: DecisionRequest) -> DecisionAccepted:
        await self._opened_as_validated()
        async with self._decision_lock:
            # Checked again: an earlier decision may have moved the case since validation
            # (without the boundary rules, which the validator applied and replay must not).
            payload = self._check_decision(request, boundary=False)
            self._request_ids.add(request.request_id)
            with self._acting(request.effective_on):
                async with self.batched():
                    await self.record(
                        request.actor,
                        DecisionTaken(
                            request_id=request.request_id,
                            decision=request.decision,
                            role=request.actor.role,
                            payload=payload.model_dump(mode="json"),
                            effective_on=request.effective_on,
                        ),
                    )
                    await self.table[request.decision].handler(self, payload, request.actor)
            acted_on = request.effective_on or local_date(workflow.now())
            self._last_act_on = max(self._last_act_on or acted_on, acted_on)
            self.show_details()
            return DecisionAccepted(
                case_no=self.case_no,
                request_id=request.request_id,
                decision=request.decision,
                stage=self.stage,
            )

    async def _opened_as_validated(self) -> None:
        """The validator let the order in once the case was opened; on replay the handler may run
        before the resolution that opened it. An update that came in the same workflow task as
        the opening's last append is delivered, on replay, ahead of that append's result (the
        SDK puts updates first; the worker that took it live had the result first), and no
        validator runs on replay: without this wait, the handler would refuse what it accepted,
        and the history would no longer replay (a wedged case after a worker restart, seen in
        the fault tier: "Update machine does not handle this event"). Live, the case is open here and
        this returns at once, with no command and no yield: histories of before replay as they
        did. The opening's last step (BATCHED_LOG) gives no command, so the order of the
        update's acceptance and the workflow's commands is the same live and on replay."""
        if not self.ready and self.outcome is None:
            await workflow.wait_condition(lambda: self.ready or self.outcome is not None)

    @decide.validator
    def validate_decide(self, request: DecisionRequest) -> None:
        self._check_decision(request, boundary=True)

    @workflow.update
    async def replan_clocks(self, order: ReplanClocks) -> ClocksReplanned:
        await self._opened_as_validated()
        changed = await self.clocks.replan(order.actor)
        return ClocksReplanned(case_no=self.case_no, changed=tuple(changed))

    @replan_clocks.validator
    def validate_replan_clocks(self, order: ReplanClocks) -> None:
        if order.actor.role not in OPERATOR_ROLES:
            raise to_application_error(
                WrongRoleError(f"role {order.actor.role!r} may not re-plan a case's clocks (only: operator)")
            )
        if self.outcome is not None or self._cancelling is not None:
            raise to_application_error(CaseClosedError("the case has ended; its clocks are settled"))
        if not self.ready:
            raise to_application_error(CaseOpeningError("the case is still opening; try again shortly"))

    @workflow.update
    async def resume(self, order: ResumeOrder) -> CaseResumeResult:
        """Try again the step that failed for good; answers once it went through or failed again."""
        serial = self._attention_serial
        step = self.attention.step if self.attention else ""
        self._resume_order = order
        await workflow.wait_condition(
            lambda: self._recovered_serial >= serial or self._attention_serial > serial
        )
        return CaseResumeResult(
            case_no=self.case_no,
            step=step,
            recovered=self._recovered_serial >= serial,
            stage=self.visible_stage(),
        )

    @resume.validator
    def validate_resume(self, order: ResumeOrder) -> None:
        if order.actor.role not in OPERATOR_ROLES:
            raise to_application_error(
                WrongRoleError(f"role {order.actor.role!r} may not resume a case (only: operator)")
            )
        if self.attention is None or self._resume_order is not None:
            raise to_application_error(
                DecisionRefusedError("the case does not wait for an operator; nothing to resume")
            )

    @workflow.update
    async def cancel(self, order: CancelOrder) -> CancelAccepted:
        """End the case by an operator's order; answers once CaseClosed is recorded."""
        await self._opened_as_validated()
        self._cancelling = order  # before the first await: a second cancel is refused at once
        async with self._decision_lock:  # a decision being carried out is finished first
            if self.outcome is not None or self.stage == CLOSED:  # that decision ended the case
                raise to_application_error(
                    CaseClosedError(f"the case has ended ({self.outcome or CLOSED}); it cannot be cancelled")
                )
            self._request_ids.add(order.request_id)
            async with self._persist_lock:  # so the run is stopped between two appends, never in one
                self._stop_run()
            await self._end_cancelled(order.actor, order.reason, order.request_id)
        return CancelAccepted(
            case_no=self.case_no,
            request_id=order.request_id,
            outcome=self.outcome or CANCELLED,
            stage=self.visible_stage(),
        )

    @cancel.validator
    def validate_cancel(self, order: CancelOrder) -> None:
        try:
            if self.outcome is not None or self.stage == CLOSED:
                raise CaseClosedError(
                    f"the case has ended ({self.outcome or CLOSED}); it cannot be cancelled"
                )
            if self._cancelling is not None:
                raise CaseClosedError(
                    f"the case is being cancelled already (request {self._cancelling.request_id!r}); "
                    "nothing was changed"
                )
            if order.actor.role not in OPERATOR_ROLES:
                raise WrongRoleError(f"role {order.actor.role!r} may not cancel a case (only: operator)")
            if self.attention is not None:
                raise AwaitingOperatorError(
                    f"the case waits for an operator: step {self.attention.step!r} failed; "
                    "resume it first (govflow resume), then cancel"
                )
            if not self.ready:
                raise CaseOpeningError("the case is still opening; send the cancellation again shortly")
            check_new_request(self._request_ids, order.request_id)
            validate_at_boundary(CancelOrder, order.model_dump(mode="json"), local_date(workflow.now()))
        except DomainError as error:
            raise to_application_error(error) from None

    def _check_decision(self, request: DecisionRequest, *, boundary: bool) -> BaseModel:
        try:
            if self._cancelling is not None and self.outcome is None:
                raise CaseClosedError("the case is being cancelled; it takes no further decision")
            # A case held while opening waits for an operator, not for the client to try again.
            if self.attention is not None:
                raise AwaitingOperatorError(
                    f"the case waits for an operator: step {self.attention.step!r} failed "
                    f"({self.attention.error_type}: {self.attention.message}); "
                    "nothing is decided until it is resumed"
                )
            if not self.ready and self.outcome is None:
                raise CaseOpeningError("the case is still opening; send the decision again shortly")
            payload = check_decision(
                self.decisions,
                stage=self.stage,
                outcome=self.outcome,
                seen_request_ids=self._request_ids,
                request=request,
                today=local_date(workflow.now()) if boundary else None,
                procedure=self.procedure,
            )
            check_effective_on(request.effective_on, local_date(workflow.now()), self._last_act_on)
            row = self.table[request.decision]
            if row.guard is not None:  # the procedure's own precondition: refused, nothing written
                with self._acting(request.effective_on):  # (what the handler will see)
                    row.guard(self, payload, request.actor)
            return payload
        except DomainError as error:
            raise to_application_error(error) from None

    # -- what procedures call ------------------------------------------------------------

    def act_date(self) -> date:
        """The legal date of the act being carried out: the decision's `effective_on` (an act
        done or a paper received earlier and entered now), else today in Beijing. Handlers use
        it wherever the act's date matters (a clock it starts, a date it prints or records)."""
        return ACTING_ON.get() or local_date(workflow.now())

    @contextmanager
    def _acting(self, effective_on: date | None) -> Iterator[None]:
        """Carry out (or check) a decision as of its legal date (`act_date`). The date is the
        handler's own (a context variable of its task): the procedure's run, another decision's
        handler or validator, a clock's watcher started before it, never see it."""
        token = ACTING_ON.set(effective_on)
        try:
            yield
        finally:
            ACTING_ON.reset(token)

    @asynccontextmanager
    async def system_act(self) -> AsyncIterator[None]:
        """What the procedure's run does by itself (a lapse acted on) takes the decision lock: it
        waits for a decision being carried out, and a decision validated before the act is
        checked again against the case as the act left it (a second close refused, not taken)."""
        async with self._decision_lock, self.batched():
            yield

    def case_ready(self) -> None:
        """The case has finished opening (its first clocks planned, its gates asked): from now
        on it takes decisions. Every procedure's run calls it once. Under BATCHED_LOG the
        opening's events (one act, see `batched`) are appended first, by a task that takes the
        persist lock at once; the case is ready (and shows it) once they are in the log."""
        if self._opening_batch:
            self._opening_batch = False
            opened = asyncio.create_task(self._opened())
            self._background.add(opened)
            opened.add_done_callback(self._background.discard)
            return
        self.ready = True
        self.show_details()

    async def _opened(self) -> None:
        await self.flush_log()
        self.ready = True
        self.show_details()

    async def open_case(
        self,
        case_no: str,
        received_at: datetime | None,
        *,
        applicant_id: str,
        district: District | None,
        stage: str,
        application: BaseModel,
    ) -> None:
        self.case_no = workflow.info().workflow_id
        if case_no != self.case_no:
            workflow.logger.warning("opening names %s, workflow id is %s", case_no, self.case_no)
        self._opening_batch = workflow.patched(BATCHED_LOG)
        self.applicant_id = applicant_id
        self.district = district
        self.opened_at = received_at or workflow.now()
        self._last_act_on = local_date(self.opened_at)
        self.stage = stage
        # What the applicant is searched by: a person's pseudonym, never their ID number (as
        # the intake set it at start). A company is searched by its own code, as before; a
        # person's case of before the patch replays with the id it recorded.
        procedure = REGISTRY.get(self.procedure)
        person = procedure is not None and procedure.applicant_is_person
        searched = (
            await self._searched_applicant(applicant_id)
            if person and workflow.patched(APPLICANT_PSEUDONYM)
            else applicant_id
        )
        workflow.upsert_search_attributes(
            [
                sa.CASE_NO.value_set(self.case_no),
                sa.CASE_TYPE.value_set(self.procedure),
                sa.STAGE.value_set(stage),
                sa.APPLICANT_ID.value_set(searched),
                *([sa.DISTRICT.value_set(district.value)] if district else []),
            ]
        )
        await self.record(
            SYSTEM,
            CaseOpened(
                procedure=self.procedure,
                applicant_id=searched,
                district=district.value if district else None,
                stage=stage,
                received_at=self.opened_at,
                application=application.model_dump(mode="json"),
            ),
        )
        workflow.logger.info("case opened in stage %s", stage)

    async def _searched_applicant(self, applicant_id: str) -> str:
        """A person's pseudonym: the ApplicantId the intake started the case with, or, for a
        case started without one (directly, not through an intake), the data key ring's."""
        started = workflow.info().typed_search_attributes.get(sa.APPLICANT_ID)
        if started and started != applicant_id:
            return started
        return await self.run_activity(
            IntakeActivities.applicant_pseudonym,
            applicant_id,
            start_to_close=PERSIST_TIMEOUT,
            retry=PERSIST_RETRY,
            writes=False,  # a keyed hash of the ID number: nothing read, nothing written
        )

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
        self._last_act_on = carried.last_act_on or local_date(carried.opened_at)

    def carry(self) -> CarriedCase:
        """What the next run needs to go on as this case (see `resume_case`)."""
        return CarriedCase(
            applicant_id=self.applicant_id,
            opened_at=self.opened_at or workflow.now(),
            stage=self.stage,
            events_before=self.events_before + len(self.history),
            request_ids=tuple(sorted(self._request_ids)),
            last_act_on=self._last_act_on,
        )

    async def record(self, actor: Actor, data: BaseModel) -> CaseEvent:
        """Number the event, append it to the log, then add it to the history. Within `batched`,
        the event is numbered and kept in the history, and the act's next write appends it."""
        if BATCHING.get() or self._opening_batch:
            async with self._persist_lock:
                await self._append_interrupted()
                event = make_event(self._next_seq(), workflow.now(), actor, data)
                self.history.append(event)
                self._unsaved.append(event)
            return event
        [event] = await self._log(
            CaseLogActivities.append_events,
            lambda seq, at: AppendEvents(case_no=self.case_no, events=(make_event(seq, at, actor, data),)),
        )
        return event

    @asynccontextmanager
    async def batched(self) -> AsyncIterator[None]:
        """One act's events appended together: within, `record` numbers each event and keeps it
        in the history; the act's next write to the log (a notice, an escalation, an activity
        that reads the log) takes them along in its own transaction, and the end of the act
        appends what is left, in one activity. The act is answered only once its events are in
        the log. Numbering and order are the same as one append an event; only the number of
        round trips changes (patch BATCHED_LOG: a case of before appends an event at a time).

        A cancellation that cuts the act short leaves its events to the next write (`_log`
        takes them first), so none is lost and the log keeps its order."""
        if BATCHING.get() or not workflow.patched(BATCHED_LOG):  # within an act already: its own
            yield
            return
        token = BATCHING.set(True)
        try:
            yield
        except asyncio.CancelledError:
            BATCHING.reset(token)
            raise
        except BaseException:
            BATCHING.reset(token)
            await self.flush_log()  # what the act recorded before it failed is kept, as before
            raise
        BATCHING.reset(token)
        await self.flush_log()

    async def flush_log(self) -> None:
        """Append the events recorded and not yet appended (see `batched`), and an append a
        cancellation cut short (`_log` appends it first)."""
        if self._unsaved or (self._interrupted is not None and workflow.patched(BATCHED_LOG)):
            await self._log(CaseLogActivities.append_events, None)

    def _with_unsaved(self, command: Any) -> Any:
        """`command` with the events recorded and not yet appended taken along, first."""
        if not self._unsaved:
            return command
        unsaved = tuple(self._unsaved)
        if isinstance(command, AppendEvents):
            return command.model_copy(update={"events": (*unsaved, *command.events)})
        return command.model_copy(update={"before": unsaved})

    def _stored(self, events: tuple[CaseEvent, ...]) -> tuple[CaseEvent, ...]:
        """What an activity wrote: the unsaved events it took along are in the log now; the
        events new to the history are added to it and returned."""
        if events:
            upto = max(event.seq for event in events)
            self._unsaved = [event for event in self._unsaved if event.seq > upto]
        last = self.events_before + len(self.history)
        new = tuple(event for event in events if event.seq > last)
        self.history.extend(new)
        return new

    async def _log(
        self,
        activity: Callable[[CaseLogActivities, Command], Awaitable[tuple[CaseEvent, ...]]],
        command_from: Callable[[int, datetime], Command] | None,
    ) -> tuple[CaseEvent, ...]:
        """Reserve the next sequence number, run the activity that writes events from it,
        and keep what it wrote; one at a time, so that the log is appended in order. A
        failure for good holds the case for an operator (with the lock: nothing else is
        written meanwhile), then the step is tried again."""
        async with self._persist_lock:
            await self._append_interrupted()
            held = 0
            while True:
                if command_from is not None:
                    command = self._with_unsaved(command_from(self._next_seq(), workflow.now()))
                elif self._unsaved:  # only what the act recorded (flush_log)
                    command = AppendEvents(case_no=self.case_no, events=tuple(self._unsaved))
                else:  # appended meanwhile (with the records of a hold), or nothing to append
                    self._recovered_serial = max(self._recovered_serial, held)  # a resume answers
                    return ()
                self._interrupted = (activity, command)  # left set only if a cancellation cuts it short
                try:
                    events = await self._persist(activity, command)
                except ActivityError as error:
                    self._interrupted = None
                    held = await self._hold_for_operator(error)
                    continue
                self._interrupted = None
                self._recovered_serial = max(self._recovered_serial, held)
                return self._stored(events)

    async def run_activity(
        self,
        activity: Callable[[Any, Command], Awaitable[Result]],
        command: Command,
        *,
        start_to_close: timedelta,
        retry: RetryPolicy | None = None,
        writes: bool = True,
    ) -> Result:
        """Run one of the procedure's own activities; transient errors are retried without
        limit, a failure for good holds the case for an operator and then tries again.

        `writes=False`: the activity neither writes nor reads the case's log (the calendar's due
        dates, a pseudonym): the act's events need not be appended before it, and stay in the
        act's one append (BATCHED_LOG). Any other activity may read the log: they are appended
        first. (Not a local activity: one that completes as its workflow task is completed comes
        back, on replay, in another order than it did live; the intake met it in the fault
        tier.)"""
        if writes:
            await self.flush_log()
        held = 0
        while True:
            try:
                result: Result = await workflow.execute_activity_method(
                    activity,
                    command,
                    start_to_close_timeout=start_to_close,
                    retry_policy=retry,
                    summary=brief(self._activity_summary(activity, command)),
                )
            except ActivityError as error:
                async with self._persist_lock:
                    held = await self._hold_for_operator(error)
                continue
            self._recovered_serial = max(self._recovered_serial, held)
            return result

    def _next_seq(self) -> int:
        return self.events_before + len(self.history) + 1

    async def _persist(
        self, activity: Callable[[CaseLogActivities, Command], Awaitable[Result]], command: Command
    ) -> Result:
        return await workflow.execute_activity_method(
            activity,
            command,
            start_to_close_timeout=PERSIST_TIMEOUT,
            retry_policy=PERSIST_RETRY,
            summary=brief(self._activity_summary(activity, command)),
        )

    def _activity_summary(self, activity: Callable[..., Any], command: Any) -> str:
        """What an activity says in the Temporal UI's timeline: the domain event it records, in
        Chinese with the code (`作出决定：受理 accept`), or what the step does. User metadata:
        not compared on replay, so no patch."""
        if isinstance(command, AppendEvents):
            return "；".join(self._event_summary(event) for event in command.events)
        if isinstance(command, IssueNotice):
            return f"制发文书 NoticeIssued：{command.template}（{command.step}）"
        if isinstance(command, Escalate):
            return f"报告上级机关 Escalated：{self.words('clock', command.clock)}（{command.article}）"
        if isinstance(command, RecordVerification):
            return f"核验记录 VerificationRecorded：{command.step}"
        name = getattr(activity, "__name__", "activity")
        return f"{ACTIVITY_WORDS[name]} {name}" if name in ACTIVITY_WORDS else name

    def _event_summary(self, event: CaseEvent) -> str:
        if event.type == "DecisionTaken":
            return f"作出决定 DecisionTaken：{self.words('decision', str(event.data.get('decision')))}"
        if event.type == "StageChanged":
            return f"环节变更 StageChanged：{self.words('stage', str(event.data.get('to_stage')))}"
        if event.type.startswith("Clock") and "clock" in event.data:
            return f"{self.words('event', event.type)}：{self.words('clock', str(event.data['clock']))}"
        return self.words("event", event.type)

    # -- cancellation: an operator's order, or Temporal's own ---------------------------------

    async def _run_case(self, run: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """The procedure's run, stopped by a cancellation.

        Stopped by the `cancel` update (which records the closing itself): the run waits for
        the update to finish and returns the final status, so the workflow completes. Stopped by
        Temporal's cancellation: the closing is recorded here, then the CancelledError goes on up
        and the workflow ends as Canceled, as the operator asked Temporal. A cancellation of a
        case that has ended already (its run finishing) changes nothing."""
        self._run_task = asyncio.current_task()
        try:
            return await run(self, *args)
        except asyncio.CancelledError:
            self._uncancel()
            if self._stopping or self.outcome is not None or self.stage == CLOSED:
                return await self._finish_regardless()
            reason = workflow.cancellation_reason()
            if reason is None:  # not Temporal's cancellation of the workflow: not ours to handle
                raise
            self._ending_by_temporal = True
            await self._end_by_temporal(reason)
            raise

    def _stop_run(self) -> None:
        self._stopping = True
        if self._ending_by_temporal:  # the run is recording Temporal's cancellation: not stopped
            return
        if self._run_task is not None and not self._run_task.done():
            self._run_task.cancel()

    @staticmethod
    def _uncancel() -> None:
        """The cancellation was received: later awaits of the run are not cancelled again."""
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()

    async def _finish_regardless(self) -> CaseStatus:
        """`finish`, through a Temporal cancel that arrives while the case's end is recorded."""
        while True:
            try:
                return await self.finish()
            except asyncio.CancelledError:
                self._uncancel()

    async def _end_by_temporal(self, reason: str) -> None:
        """Record Temporal's cancellation as the operator's: CaseCancelled, the clocks stopped,
        CaseClosed. Nothing is recorded for a case that had not recorded its opening."""
        if not self.history and self.events_before == 0:
            workflow.logger.warning("cancelled through Temporal before the case was opened")
            return
        why = f"经 Temporal 取消：{reason.strip()}" if reason.strip() else "经 Temporal 取消（未注明理由）"
        workflow.logger.warning("cancelled through Temporal: %s", why)
        held = self.attention is not None and self._persist_lock.locked()
        if held:
            # A step held for an operator in an update or a clock keeps the locks until it is
            # resumed, which no one will now: the end is appended beside it.
            await self._end_unguarded(TEMPORAL_OPERATOR, why)
            return
        async with self._decision_lock:
            if self.outcome is None and self.stage != CLOSED:  # not ended by an order meanwhile
                await self._end_cancelled(TEMPORAL_OPERATOR, why, None)
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and self.clocks.watchers_done()
        )
        await self.flush_log()  # a case cancelled while opening: its opening and its end

    def _cancelled(self, reason: str, request_id: str | None) -> CaseCancelled:
        return CaseCancelled(
            reason=reason,
            stage=self.stage or OPENING,
            request_id=request_id,
            clocks_stopped=tuple(name for name, clock in self.clocks.clocks.items() if clock.settled is None),
        )

    async def _end_cancelled(self, actor: Actor, reason: str, request_id: str | None) -> None:
        self.attention = None  # a hold the cancellation interrupted in the run itself
        await self.record(actor, self._cancelled(reason, request_id))
        await self.tell_cancelled(reason, actor)
        await self.close(CANCELLED, actor)  # the clocks' watchers end once the outcome is set

    async def _end_unguarded(self, actor: Actor, reason: str) -> None:
        self.attention = None
        cancelled = self._cancelled(reason, None)
        self.stage = CLOSED
        workflow.upsert_search_attributes([sa.STAGE.value_set(CLOSED), sa.NEXT_DEADLINE.value_unset()])
        await self._write_unguarded(actor, cancelled)
        await self._write_unguarded(actor, CaseClosed(outcome=CANCELLED, stage=CLOSED))
        self.outcome = CANCELLED
        self.show_details()

    async def tell_cancelled(self, reason: str, actor: Actor) -> None:
        """Tell whom the procedure must tell that the case was cancelled, and why. The core
        issues no notice (no template says so yet); a procedure overrides this with its own
        notice (`self.issue_notice("cancelled", template, recipient, context)`)."""

    async def _append_interrupted(self) -> None:
        """Append again the events of an append a cancellation cut short (with the persist
        lock): the same numbers and events, so a no-op if it had gone through."""
        if self._interrupted is None:
            return
        activity, command = self._interrupted
        self._interrupted = None
        try:
            events = await self._persist(activity, command)
        except ActivityError as error:
            if permanent_failure(error) is None:
                raise
            workflow.logger.error("could not append the interrupted %s: %s", error.activity_type, error.cause)
            return
        self._stored(events)

    # -- a step that failed for good --------------------------------------------------------

    async def _hold_for_operator(self, error: ActivityError) -> int:
        """Record that `step` failed for good, tell the supervising body, and wait for an
        operator's resume; returns the serial of this hold. Called with the persist lock.
        Anything but a failure for good (a cancellation) goes on up."""
        problem = permanent_failure(error)
        if problem is None:
            raise error
        step = error.activity_type
        self._attention_serial += 1
        serial = self._attention_serial
        stage = self.stage or OPENING
        self.attention = Attention(
            step=step,
            error_type=problem.type or "ApplicationError",
            message=problem.message,
            since=workflow.now(),
            stage=stage,
        )
        workflow.upsert_search_attributes([sa.STAGE.value_set(ATTENTION)])
        self.show_details()
        workflow.logger.error(
            "step %s failed for good (%s: %s); the case waits for an operator",
            step,
            problem.type,
            problem.message,
        )
        await self._write_unguarded(
            SYSTEM,
            CaseNeedsAttention(
                step=step,
                error_type=self.attention.error_type,
                message=problem.message,
                stage=stage,
                supervising_body=self.supervising_body,
            ),
        )
        await self._report_unguarded(
            f"attention-{serial}",
            {
                "supervising_body": self.supervising_body,
                "step": step,
                "error_type": self.attention.error_type,
                "message": problem.message,
            },
        )
        await workflow.wait_condition(lambda: self._resume_order is not None)
        order, self._resume_order = self._resume_order, None
        assert order is not None  # the wait above
        self.attention = None
        workflow.upsert_search_attributes([sa.STAGE.value_set(self.stage or OPENING)])
        self.show_details()
        await self._write_unguarded(order.actor, CaseResumed(step=step, note=order.note, stage=stage))
        return serial

    async def _write_unguarded(self, actor: Actor, data: BaseModel) -> None:
        """Append an event while holding the persist lock, without a second hold if the
        append itself fails for good (the hold is then only in the workflow's history)."""
        command = self._with_unsaved(
            AppendEvents(
                case_no=self.case_no or workflow.info().workflow_id,
                events=(make_event(self._next_seq(), workflow.now(), actor, data),),
            )
        )
        try:
            events = await self._persist(CaseLogActivities.append_events, command)
        except ActivityError as error:
            if permanent_failure(error) is None:
                raise
            workflow.logger.error("could not record %s: %s", type(data).__name__, error.cause)
            return
        self._stored(events)

    async def _report_unguarded(self, step: str, context: dict[str, Any]) -> None:
        command = self._with_unsaved(
            IssueNotice(
                case_no=self.case_no or workflow.info().workflow_id,
                seq=self._next_seq(),
                at=workflow.now(),
                actor=SYSTEM,
                step=step,
                template="case_attention",
                recipient=self.supervising_body,
                context=context,
            )
        )
        try:
            events = await self._persist(CaseLogActivities.issue_notice, command)
        except ActivityError as error:
            if permanent_failure(error) is None:
                raise
            workflow.logger.error("could not report the hold to %s: %s", self.supervising_body, error.cause)
            return
        self._stored(events)

    async def change_stage(self, stage: str, actor: Actor) -> None:
        previous, self.stage = self.stage, stage
        if self.attention is None:
            workflow.upsert_search_attributes([sa.STAGE.value_set(stage)])
        await self.record(actor, StageChanged(from_stage=previous, to_stage=stage))
        self.show_details()

    async def issue_notice(
        self,
        step: str,
        template: str,
        recipient: str,
        context: dict[str, Any],
        actor: Actor = SYSTEM,
    ) -> CaseEvent:
        """Issue a notice once for its step. A step the case has already issued (a second
        letter to the same department) gets the next free `STEP-N`: the outbox keys notices
        by (case, step), and the second letter is a notice of its own."""
        [event] = await self._log(
            CaseLogActivities.issue_notice,
            lambda seq, at: IssueNotice(
                case_no=self.case_no,
                seq=seq,
                at=at,
                actor=actor,
                step=self._free_step(step),
                template=template,
                recipient=recipient,
                context=context,
            ),
        )
        return event

    def _free_step(self, step: str) -> str:
        """`step`, or `step-2`, `step-3`… if the case already issued it (under the persist lock,
        so two notices issued at once cannot take the same)."""
        issued = {e.data.get("step") for e in self.history if e.type == "NoticeIssued"}
        candidate, number = step, 1
        while candidate in issued:
            number += 1
            candidate = f"{step}-{number}"
        return candidate

    async def escalate(self, clock: str, article: str, due: date, supervising_body: str, reason: str) -> None:
        await self._log(
            CaseLogActivities.escalate,
            lambda seq, at: Escalate(
                case_no=self.case_no,
                seq=seq,
                at=at,
                clock=clock,
                article=article,
                due=due,
                supervising_body=supervising_body,
                reason=reason,
            ),
        )

    async def record_verification(self, step: str, result: str, evidence: str, actor: Actor) -> CaseEvent:
        def command(seq: int, at: datetime) -> RecordVerification:
            return RecordVerification(
                case_no=self.case_no, seq=seq, at=at, actor=actor, step=step, result=result, evidence=evidence
            )

        [event] = await self._log(CaseLogActivities.record_verification, command)
        return event

    async def close(self, outcome: str, actor: Actor) -> None:
        """End the case. The stage turns `closed` at once (so no decision is taken meanwhile);
        the outcome shows once CaseClosed is in the history, so that the status never shows
        an outcome its history does not record."""
        previous, self.stage = self.stage, CLOSED
        workflow.upsert_search_attributes(
            [
                sa.STAGE.value_set(CLOSED),
                sa.NEXT_DEADLINE.value_unset(),
            ]
        )
        await self.record(actor, CaseClosed(outcome=outcome, stage=CLOSED))
        await self.flush_log()  # within an act: the outcome shows once CaseClosed is in the log
        self.outcome = outcome
        self.show_details()
        workflow.logger.info("case closed from stage %s: %s", previous, outcome)

    async def finish(self) -> CaseStatus:
        """End the run once every update handler has answered and every clock's watcher has
        finished, so that a reminder or an escalation under way is recorded before the end."""
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and self.clocks.watchers_done() and not self._background
        )
        self._opening_batch = False  # a case that ended while opening
        await self.flush_log()  # and an act a cancellation cut short: nothing is left behind
        return self.status()


def _outstanding(deadline: Deadline) -> bool:
    """Still to be acted on: running, or breached and not yet done (as NextDeadline keeps it)."""
    return deadline.state == "running" or (
        deadline.state == "breached" and deadline.completed_late_on is None
    )


PARTY_WORDS = ("投诉人", "申请人", "有关部门", "企业", "用人单位", "运营管理机构")
"""Who a period names (the gazette's `acts`) when it is a party's, not the deciding body's."""


def _party(deadline: Deadline) -> bool:
    """A clock within which a party acts, not the administration that decides the case."""
    return deadline.acts is not None and any(word in deadline.acts for word in PARTY_WORDS)


def _particular(clock: str) -> str | None:
    """The department or party a keyed clock is for (`reply:市某局` → 市某局)."""
    _, found, rest = clock.partition(":")
    return rest if found else None
