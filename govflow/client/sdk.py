"""The typed client SDK; the command line is a thin layer over it.

async with await Govflow.connect(Settings()) as gf:
    ref = await gf.start_case("demo", DemoApplication(...))
    await gf.decide(ref.case_no, "accept", Actor(role="clerk", id="c-1"), {})
    status = await gf.status(ref.case_no)
"""

from __future__ import annotations

import asyncio
import json
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import (
    Client,
    RPCError,
    WorkflowExecutionStatus,
    WorkflowFailureError,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateHandle,
    WorkflowUpdateRPCTimeoutOrCancelledError,
    WorkflowUpdateStage,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCStatusCode

from activities.boundary import from_application_error
from activities.reconcile import ReconcileReport, reconcile_terminated
from domain.beijing import District
from domain.calendar import YearSchedule, local_date
from domain.case import (
    ATTENTION,
    OPENING,
    Actor,
    CancelAccepted,
    CancelOrder,
    CaseResumeResult,
    CaseStatus,
    DecisionAccepted,
    DecisionRequest,
    NextStep,
    ResumeOrder,
    check_effective_on,
    check_known_decision,
    check_role,
    describe_validation_error,
    parse_payload,
)
from domain.clocks import ClocksReplanned, ReplanClocks
from domain.errors import (
    CaseClosedError,
    CaseExistsError,
    CaseOpeningError,
    DomainError,
    DuplicateRequestError,
    IntakeBusyError,
    IntakeHandingOverError,
    InvalidInputError,
)
from domain.identifiers import check_case_no, is_valid_uscc
from domain.inputs import check_application, check_resident_id, validate_at_boundary
from domain.intake import WORKFLOW as INTAKE
from domain.intake import IntakeOrder, IntakeReceipt, IntakeState, intake_id
from domain.labels import case_details, case_summary
from domain.reads import (
    ACT_WORKFLOW,
    READ_WORKFLOW,
    ActDone,
    ActOrder,
    ActRequest,
    AwaitingSpotCheck,
    CalendarSchedules,
    CertificateLookup,
    ComplaintList,
    ComplaintReport,
    EmployerRecords,
    LoadSchedule,
    OpenCasesWithClocks,
    ReadAnswer,
    ReadQuery,
    ReadRequest,
    RevokeTitle,
    TitleLookup,
    act_id,
)
from domain.schedules import parse_schedule_file
from govflow.client import errors
from govflow.client.identity import IdentityHeaders, SavedToken, TokenSource, acting_as
from workers.keyring import KeyRingError, load_keyring
from workers.registry import REGISTRY, Procedure, get_procedure, procedure_of_case
from workers.settings import Settings
from workers.temporal import TemporalUnreachableError, connect, with_sealed_headers
from workflows import search_attributes as sa

R = TypeVar("R")
READ_LIFETIME = timedelta(minutes=5)  # a read no worker took up ends by itself
# Set by the server on a workflow whose workflow task failed several times in a row (the dev
# stack starts Temporal with the dynamic config that enables it).
REPORTED_PROBLEMS_QUERY = "TemporalReportedProblems IS NOT NULL AND ExecutionStatus = 'Running'"
RUNNING_CASES_QUERY = "CaseNo IS NOT NULL AND ExecutionStatus = 'Running'"
STUCK_RPC_TIMEOUT = timedelta(seconds=10)
DEFAULT_WAIT = 60.0  # seconds a client waits for a case to open or a decision to be carried out
POLL = 0.2
BUSY_BACKOFF = (0.05, 0.1, 0.2, 0.4, 0.8)
"""Waits before an update is sent again to a workflow that has as many updates in flight as the
server allows (10 by default): an intake while many cases are filed at once."""
OPERATOR_ROLES = frozenset({"operator"})
INBOX_SCAN = 5000
"""The most open cases an inbox reads before it sorts them (overdue first) and keeps `limit`."""
ATTENTION_POLL = 1.0  # seconds between looks at whether a case waiting on a decision was held
MAX_DOCUMENT_BYTES = 256 * 1024
"""The largest application or decision payload a case takes, as JSON: far above any real one,
far below Temporal's payload limit (so a case number is never taken by a start that the
server would then refuse)."""


@dataclass(frozen=True)
class CaseRef:
    case_no: str
    procedure: str
    run_id: str | None
    stage: str = "opening"  # `opening` if the case had not finished opening within the wait


@dataclass(frozen=True)
class CaseSummary:
    case_no: str
    procedure: str
    stage: str
    applicant_id: str
    district: str | None
    next_deadline: datetime | None
    status: str
    started_at: datetime | None

    @property
    def overdue(self) -> bool:
        return self.next_deadline is not None and self.next_deadline < datetime.now(UTC)


@dataclass(frozen=True)
class InboxItem:
    """A case waiting on whoever asked (`govflow inbox`), with what it waits for."""

    case: CaseSummary
    next_step: NextStep | None
    problem: str | None = None
    """Why the case could not say what it waits for (its status query failed: a stuck case)."""

    def order(self) -> tuple[int, date, str]:
        """A case that cannot answer first, then the overdue, then by due date, then those with
        no date; by number within a day."""
        if self.next_step is None:
            return (0, date.min, self.case.case_no)
        due = self.next_step.due
        overdue = due is not None and due < local_date(datetime.now(UTC))
        return (1 if overdue else 2, due or date.max, self.case.case_no)


def stages_of_role(role: str) -> dict[str, frozenset[str]]:
    """procedure → the stages in which `role` takes one of its decisions (operator: none; the
    operator's cases are those held in `attention`)."""
    if role in OPERATOR_ROLES:
        return {name: frozenset({ATTENTION}) for name in REGISTRY}
    found: dict[str, frozenset[str]] = {}
    for name, procedure in REGISTRY.items():
        stages = frozenset(
            s for rule in procedure.decisions.values() if role in rule.roles for s in rule.stages
        )
        if stages:
            found[name] = stages
    return found


class Govflow:
    """A client of the cases. `clock` tells the time by which a new case's dates are judged and
    its number's year chosen: the wall clock, or (in tests) the Temporal test server's."""

    def __init__(
        self,
        client: Client,
        settings: Settings,
        *,
        clock: Callable[[], Awaitable[datetime]] | None = None,
        tokens: TokenSource | None = None,
    ) -> None:
        """`tokens`: where the caller's identity token comes from (default: GOVFLOW_TOKEN or
        the one `govflow login` saved); it goes in the header of every start and request."""
        self.client = client
        if isinstance(client, Client):  # (a stand-in for one, in a test, is used as it is)
            config = with_sealed_headers(client).config()  # the token sealed in the history too
            headers = IdentityHeaders(tokens or SavedToken(settings))
            config["interceptors"] = [*config.get("interceptors", ()), headers]
            self.client = Client(**config)
        self.settings = settings
        self._clock = clock

    async def today(self) -> date:
        """Today in Beijing by this client's clock."""
        return local_date(await self._clock() if self._clock else datetime.now(UTC))

    @classmethod
    async def connect(cls, settings: Settings) -> Govflow:
        try:
            return cls(await connect(settings), settings)
        except TemporalUnreachableError as error:
            raise errors.ServerUnreachableError(str(error)) from None

    async def __aenter__(self) -> Govflow:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Nothing to release: the client holds a Temporal connection only."""

    # -- starting ------------------------------------------------------------------------

    @staticmethod
    def procedure(name: str) -> Procedure:
        """The procedure of that name, if this build runs it."""
        return _procedure(name)

    @staticmethod
    def parse_application(procedure: str, document: Any, today: date | None = None) -> BaseModel:
        """Validate a start file's content against the procedure's application model, with
        every rule of the input boundary as of `today` (default: today in Beijing), and its size."""
        spec = _procedure(procedure)
        try:
            application = validate_at_boundary(
                spec.application, document, today or local_date(datetime.now(UTC))
            )
        except DomainError as error:
            raise errors.InputError(error.message) from None
        _check_size("application", application.model_dump_json())
        return application

    @staticmethod
    def parse_decision(
        case_no: str,
        decision: str,
        actor: Actor,
        payload: Mapping[str, Any],
        request_id: str | None = None,
        today: date | None = None,
        effective_on: date | None = None,
    ) -> DecisionRequest:
        """A decision checked as the case's validator will check its input (the decision known
        to the procedure that numbers such cases, its payload with every boundary rule), before
        anything is sent (in the case's order: the decision, the role, the payload); the stage and
        the case's own guards remain the case's to check. Refused: DecisionRejectedError, as the
        case would refuse it."""
        try:
            return _checked_request(case_no, decision, actor, payload, request_id, today, effective_on)
        except DomainError as error:
            raise errors.DecisionRejectedError(case_no, error) from None

    async def start_case(
        self,
        procedure: str,
        application: BaseModel,
        *,
        case_no: str | None = None,
        received_at: datetime | None = None,
        wait: float = DEFAULT_WAIT,
        request_id: str | None = None,
    ) -> CaseRef:
        """Start a case and wait (at most `wait` seconds) until it has opened.

        The procedure's intake, on the worker's side, gives the case its number and starts it
        (workflows.intake): the client needs no database. `request_id` makes the start
        idempotent: handed in again (after a lost answer), it gets the same case back. A given
        `case_no` must be one the intake gave out (a start tried again). Everything is checked
        here first, then again by the intake as of the server's today; a refused start takes no
        number. A case numbered by its subject (a credit record, CRED-<code>) is started directly.
        """
        spec = _procedure(procedure)
        if not isinstance(application, spec.application):
            raise errors.InputError(
                f"{procedure} takes a {spec.application.__name__}, not {type(application).__name__}"
            )
        today = await self.today()
        try:
            application = check_application(application, today)
        except DomainError as error:
            raise errors.InputError(error.message) from None
        _check_size("application", application.model_dump_json())
        if received_at is not None and local_date(received_at) > today:
            raise errors.InputError(f"received_at: {received_at.isoformat()} is in the future")
        if case_no is not None:
            try:
                check_case_no(case_no)
            except DomainError as error:
                raise errors.InputError(error.message) from None
        if spec.case_no_from is not None:
            derived = spec.case_no_from(application)
            if case_no is not None and case_no != derived:
                raise errors.InputError(
                    f"case_no: a {spec.name} case is numbered by its subject: {derived}, not {case_no}"
                )
            run_id = await self._start_numbered(spec, derived, application, received_at)
            return CaseRef(derived, procedure, run_id, await self._wait_opened(derived, wait))
        order = IntakeOrder(
            request_id=request_id or str(uuid.uuid4()),
            procedure=spec.name,
            application=application.model_dump(mode="json"),
            received_at=received_at,
            case_no=case_no,
        )
        # The number is the answer a client cannot do without: the hand-in has its own time.
        receipt = await self._hand_in(spec, order, max(wait, DEFAULT_WAIT))
        return CaseRef(receipt.case_no, procedure, None, await self._wait_opened(receipt.case_no, wait))

    async def _hand_in(self, spec: Procedure, order: IntakeOrder, wait: float) -> IntakeReceipt:
        """Hand a start file to the procedure's intake (started if it is not running yet)."""
        intake = intake_id(self.settings.task_queue, spec.prefix)
        try:
            await self.client.start_workflow(
                INTAKE,
                IntakeState(procedure=spec.name, task_queue=self.settings.task_queue),
                id=intake,
                task_queue=self.settings.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            )
        except RPCError as error:
            raise _rpc_error(error) from None
        try:
            return await self._update(
                intake,
                "open_case",
                order,
                IntakeReceipt,
                wait=wait,
                what=f"the start of a {spec.name} case",
                request_id=order.request_id,
            )
        except errors.DecisionRejectedError as refused:
            if isinstance(refused.reason, CaseExistsError):
                raise errors.CaseExistsError(refused.reason.message) from None
            if isinstance(refused.reason, IntakeHandingOverError | IntakeBusyError):  # when the wait ran out
                raise errors.NoAnswerError(
                    f"{intake}: the intake did not take the {spec.name} filing within {wait:.0f} s "
                    f"({refused.reason.message}); sending the same request again is safe"
                ) from None
            raise errors.InputError(refused.reason.message) from None

    async def _start_numbered(
        self, spec: Procedure, case_no: str, application: BaseModel, received_at: datetime | None
    ) -> str | None:
        """Start a case numbered by its subject: one case per subject, started once."""
        opening = spec.opening.model_validate(
            {"case_no": case_no, "received_at": received_at, "application": application}
        )
        applicant_id: str = application.applicant_id  # type: ignore[attr-defined]  # every application has one
        if spec.applicant_is_person:  # searched by pseudonym, never by ID number
            applicant_id = self._pseudonym(applicant_id)
        attributes: list[SearchAttributePair[Any]] = [
            SearchAttributePair(sa.CASE_NO, case_no),
            SearchAttributePair(sa.CASE_TYPE, spec.name),
            SearchAttributePair(sa.STAGE, OPENING),
            SearchAttributePair(sa.APPLICANT_ID, applicant_id),
        ]
        try:
            handle = await self.client.start_workflow(
                spec.name,
                opening,
                id=case_no,
                task_queue=self.settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,  # a refused start
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=TypedSearchAttributes(attributes),
                static_summary=case_summary(spec.name, case_no, application),
                static_details=case_details(
                    spec.name, case_no, application, getattr(application, "district", None)
                ),
            )
        except WorkflowAlreadyStartedError:
            raise errors.CaseExistsError(f"case {case_no} already exists; not started again") from None
        except RPCError as error:
            raise _rpc_error(error) from None
        return handle.result_run_id

    def _pseudonym(self, id_number: str) -> str:
        """A person's pseudonym (what ApplicantId holds for them), from the data key ring."""
        try:
            return load_keyring(self.settings).pseudonym(id_number)
        except KeyRingError as error:
            raise errors.InputError(str(error)) from None

    async def _wait_opened(self, case_no: str, wait: float) -> str:
        """The case's stage once it has opened, or `opening` if it has not within `wait`."""
        deadline = asyncio.get_running_loop().time() + wait
        while True:
            stage = (await self.status(case_no)).stage
            if stage != OPENING or asyncio.get_running_loop().time() >= deadline:
                return stage
            await asyncio.sleep(POLL)

    # -- deciding and reading ------------------------------------------------------------

    async def decide(
        self,
        case_no: str,
        decision: str,
        actor: Actor,
        payload: dict[str, Any] | None = None,
        *,
        request_id: str | None = None,
        wait: float = DEFAULT_WAIT,
        effective_on: date | None = None,
    ) -> DecisionAccepted:
        """Submit a decision and wait, at most `wait` seconds, until it has been carried out.

        `effective_on`: the legal date of the act or receipt when it is entered later (a paper
        decided or received on an earlier day); clocks count from it. Never in the future,
        never before the case's previous act.

        Refused: DecisionRejectedError (nothing was recorded). Accepted but not carried out
        within the wait (the case may wait for an operator): DecisionPendingError, with the
        request id; sending the same request id again is always safe.
        """
        try:  # what the case's validator would refuse for its input is refused before sending
            request = _checked_request(
                case_no, decision, actor, payload or {}, request_id, await self.today(), effective_on
            )
        except DomainError as error:
            raise errors.DecisionRejectedError(case_no, error) from None
        return await self._update(
            case_no,
            "decide",
            request,
            DecisionAccepted,
            wait=wait,
            what=decision,
            request_id=request.request_id,
        )

    async def resume(
        self, case_no: str, actor: Actor, note: str, *, wait: float = DEFAULT_WAIT
    ) -> CaseResumeResult:
        """An operator's resume of a case in `attention`: the failed step is tried again."""
        try:
            order = ResumeOrder(actor=actor, note=note)
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        return await self._update(
            case_no, "resume", order, CaseResumeResult, wait=wait, what="resume", request_id="-"
        )

    async def cancel(
        self,
        case_no: str,
        actor: Actor,
        reason: str,
        request_id: str | None = None,
        *,
        wait: float = DEFAULT_WAIT,
    ) -> CancelAccepted:
        """An operator's cancellation: the case records CaseCancelled (who, why), stops its
        clocks and closes with the outcome `cancelled`. Refused (DecisionRejectedError, nothing
        recorded): a closed case, a role that is not `operator`, a case still opening or
        waiting for an operator; a reason that fails the input boundary is an InputError."""
        try:
            order = validate_at_boundary(
                CancelOrder,
                {
                    "actor": actor.model_dump(),
                    "reason": reason,
                    "request_id": request_id or str(uuid.uuid4()),
                },
                await self.today(),
            )
        except InvalidInputError as error:
            raise errors.InputError(error.message) from None
        try:
            return await self._update(
                case_no,
                "cancel",
                order,
                CancelAccepted,
                wait=wait,
                what="cancel",
                request_id=order.request_id,
            )
        except errors.DecisionRejectedError as refused:
            if not isinstance(refused.reason, CaseClosedError) or request_id is None:
                raise
            try:  # sent again after the answer was lost: the case ended by this very order
                final = await self.client.get_workflow_handle(case_no, result_type=CaseStatus).result()
            except (RPCError, WorkflowFailureError):
                raise refused from None
            cancels = [e.data.get("request_id") for e in final.history if e.type == "CaseCancelled"]
            if request_id in cancels:
                raise errors.DecisionRejectedError(
                    case_no,
                    DuplicateRequestError(
                        f"request {request_id!r} was already taken on this case (it cancelled it); "
                        "nothing was changed"
                    ),
                ) from None
            raise

    async def reconcile(self, *, settle: timedelta | None = None) -> ReconcileReport:
        """Record the end of every case whose workflow was terminated (CaseTerminated), from
        Temporal's history into `case_events` (activities.reconcile); a termination younger
        than `settle` (default 30 s) is left for the next run. An operator's, on the worker's
        side: it opens the database, like `govflow rebuild-projections`."""
        from activities.reconcile import SETTLE
        from workers.main import database, projections

        async with database(self.settings) as pool:
            return await reconcile_terminated(
                self.client, pool, projections(), settle=SETTLE if settle is None else settle
            )

    async def _update(
        self,
        case_no: str,
        name: str,
        argument: Any,
        result_type: type[R],
        *,
        wait: float = DEFAULT_WAIT,
        what: str | None = None,
        request_id: str = "-",
    ) -> R:
        """Send an update and wait for its result, at most `wait` seconds in all.

        A case still opening is asked again until the wait is over (the same argument, so the
        same request id: the repeat is safe). A refusal comes back as DecisionRejectedError with
        the domain error; an update accepted but not done within the wait as
        DecisionPendingError; no answer at all (no worker) as NoAnswerError.
        """
        with acting_as(getattr(argument, "actor", None)):
            return await self._update_signed(
                case_no, name, argument, result_type, wait=wait, what=what, request_id=request_id
            )

    async def _update_signed(
        self,
        case_no: str,
        name: str,
        argument: Any,
        result_type: type[R],
        *,
        wait: float,
        what: str | None,
        request_id: str,
    ) -> R:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        handle = self.client.get_workflow_handle(case_no)
        busy = 0
        while True:
            try:
                update = await asyncio.wait_for(
                    handle.start_update(
                        name,
                        argument,
                        wait_for_stage=WorkflowUpdateStage.ACCEPTED,
                        result_type=result_type,
                    ),
                    max(0.1, deadline - loop.time()),
                )
                return await self._carried_out(case_no, update, deadline, what or name, request_id, wait)
            except WorkflowUpdateFailedError as error:
                # A rejection by the validator surfaces here, at the start or at the result.
                refusal = self._refusal(case_no, name, error)
                if isinstance(refusal.reason, IntakeBusyError):
                    pause = BUSY_BACKOFF[min(busy, len(BUSY_BACKOFF) - 1)] * (0.5 + random.random())
                    if loop.time() + pause < deadline:
                        busy += 1
                        await asyncio.sleep(pause)  # refused, so nothing was recorded: send it again
                        continue
                waits = (CaseOpeningError, IntakeHandingOverError)
                if isinstance(refusal.reason, waits) and loop.time() + POLL < deadline:
                    await asyncio.sleep(POLL)  # refused, so nothing was recorded: send it again
                    continue
                raise refusal from None
            except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
                raise await self._no_answer(case_no, what or name, wait) from None
            except RPCError as error:
                pause = BUSY_BACKOFF[min(busy, len(BUSY_BACKOFF) - 1)] * (0.5 + random.random())
                if (_too_many_updates(error) or _update_aborted(error)) and loop.time() + pause < deadline:
                    # Not admitted, so nothing was taken: sent again in a moment (the request id
                    # makes it the same filing or decision).
                    busy += 1
                    await asyncio.sleep(pause)
                    continue
                raise await self._rpc_failure(case_no, error, request_id) from None

    async def _carried_out(
        self,
        case_no: str,
        update: WorkflowUpdateHandle[R],
        deadline: float,
        what: str,
        request_id: str,
        wait: float,
    ) -> R:
        """The update's result; while waiting, a case that falls into `attention` is said at once
        (accepted, now waiting for an operator) instead of at the end of the wait."""
        loop = asyncio.get_running_loop()
        result = asyncio.ensure_future(update.result())
        try:
            while True:
                remaining = deadline - loop.time()
                done, _ = await asyncio.wait({result}, timeout=max(0.0, min(ATTENTION_POLL, remaining)))
                if done:
                    return result.result()
                if remaining <= ATTENTION_POLL:
                    raise errors.DecisionPendingError(case_no, what, request_id, wait)
                held = await self._attention(case_no)
                if held is not None:
                    raise errors.DecisionPendingError(case_no, what, request_id, wait, held)
        except WorkflowUpdateRPCTimeoutOrCancelledError:
            raise errors.DecisionPendingError(case_no, what, request_id, wait) from None
        finally:
            result.cancel()

    async def _attention(self, case_no: str) -> str | None:
        """Why the case waits for an operator, if it does."""
        try:
            status = await self.status(case_no)
        except errors.GovflowError:
            return None
        held = status.attention
        return None if held is None else f"step {held.step} failed ({held.error_type}: {held.message})"

    @staticmethod
    def _refusal(case_no: str, name: str, error: WorkflowUpdateFailedError) -> errors.DecisionRejectedError:
        domain = from_application_error(error)
        if domain is None:  # not a rule's refusal: a step that failed after acceptance
            return errors.DecisionRejectedError(case_no, DomainError(f"{name} failed: {error.cause}"))
        return errors.DecisionRejectedError(case_no, domain)

    async def _rpc_failure(self, case_no: str, error: RPCError, request_id: str = "-") -> errors.GovflowError:
        if error.status == RPCStatusCode.NOT_FOUND and await self._has_ended(case_no):
            # A decision sent again after the answer was lost may be the one that ended the case.
            if request_id != "-" and await self._took(case_no, request_id):
                return errors.DecisionRejectedError(
                    case_no,
                    DuplicateRequestError(
                        f"request {request_id!r} was already taken on this case (the case has since "
                        "ended); nothing was changed"
                    ),
                )
            return errors.DecisionRejectedError(
                case_no, CaseClosedError("the case has ended; it takes no further decision")
            )
        return _rpc_error(error, case_no)

    async def _took(self, case_no: str, request_id: str) -> bool:
        """Whether an ended case's last run took the decision of `request_id`."""
        try:
            final = await self.client.get_workflow_handle(case_no, result_type=CaseStatus).result()
        except (RPCError, WorkflowFailureError):
            return False
        return any(
            e.type == "DecisionTaken" and e.data.get("request_id") == request_id for e in final.history
        )

    async def _no_answer(self, case_no: str, what: str, wait: float) -> errors.GovflowError:
        """Why a case gave no answer within the wait: stuck, or no worker."""
        if await self.is_stuck(case_no):
            return _stuck(case_no)
        return errors.NoAnswerError(
            f"{case_no}: no answer to {what} within {wait:g} s: is a worker running? "
            "(`govflow doctor`); sending the same request again is safe"
        )

    async def is_stuck(self, case_no: str) -> bool:
        """Whether the case's workflow task keeps failing (a bug in the worker)."""
        try:
            description = await self.client.get_workflow_handle(case_no).describe()
        except RPCError:
            return False
        pending = description.raw_description.pending_workflow_task
        return pending is not None and pending.attempt > 1

    async def _has_ended(self, case_no: str) -> bool:
        request = DescribeWorkflowExecutionRequest(
            namespace=self.client.namespace, execution=WorkflowExecution(workflow_id=case_no)
        )
        try:
            response = await self.client.workflow_service.describe_workflow_execution(request)
        except RPCError:
            return False
        running = WorkflowExecutionStatus.RUNNING.value
        return response.workflow_execution_info.status not in (0, running)

    # -- the committee's ballot box and the title register (京人社事业发〔2021〕32号) -------------

    async def plan_candidates(self, year: int) -> list[Any]:
        """五(二)2: the projects of `year` awaiting plan selection, with their claims and quoted
        support, read from their cases."""
        from domain.subsidy import Claim, PlanCandidate
        from domain.subsidy_pipeline import PLAN_SELECTION, SubsidyApplication

        candidates = []
        for summary in await self.list_cases(procedure="subsidy", stage=PLAN_SELECTION, limit=1000):
            status = await self.status(summary.case_no)
            if status.stage != PLAN_SELECTION:
                continue  # visibility lags a decision just taken
            events = {e.type: e.data for e in status.history if e.type != "DecisionTaken"}
            plans = [
                e.data
                for e in status.history
                if e.type == "DecisionTaken" and e.data["decision"] == "apply-plan"
            ]
            application = SubsidyApplication.model_validate(events["CaseOpened"]["application"])
            if application.year != year or not plans:
                continue
            candidates.append(
                PlanCandidate(
                    case_no=status.case_no,
                    enterprise=application.enterprise,
                    claims=tuple(Claim.model_validate(c) for c in plans[-1]["payload"]["claims"]),
                    support=events["SupportQuoted"]["quote"]["total"],
                )
            )
        return candidates

    # -- the read models, through the worker (domain.reads) ------------------------------------

    async def read(
        self, query: ReadQuery, *, wait: float = DEFAULT_WAIT, request_id: str | None = None
    ) -> Any:
        """Ask a read model through the worker (a workflow `read-<request id>`): the answer, as JSON."""
        request = ReadRequest(query=query)
        answer = await self._run(
            READ_WORKFLOW,
            request,
            f"read-{request_id or uuid.uuid4()}",
            ReadAnswer,
            wait,
            WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
        return answer.value

    async def act(
        self,
        order: ActOrder,
        actor: Actor,
        *,
        request_id: str | None = None,
        wait: float = DEFAULT_WAIT,
    ) -> Any:
        """An act an officer orders on the read models, recorded in its workflow's history."""
        request = ActRequest(actor=actor, order=order, at=datetime.now(UTC))
        done = await self._run(
            ACT_WORKFLOW,
            request,
            act_id(order, request_id or uuid.uuid4().hex),
            ActDone,
            wait,
            WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        )
        return done.value

    async def _run(
        self,
        workflow: str,
        argument: Any,
        workflow_id: str,
        result_type: type[R],
        wait: float,
        reuse: WorkflowIDReusePolicy,
    ) -> R:
        try:
            handle = await self.client.start_workflow(
                workflow,
                argument,
                id=workflow_id,
                task_queue=self.settings.task_queue,
                id_reuse_policy=reuse,
                execution_timeout=READ_LIFETIME,
                result_type=result_type,
            )
            result: R = await asyncio.wait_for(handle.result(), wait)
            return result
        except TimeoutError:
            raise errors.NoAnswerError(
                f"no answer within {wait:g} s: is a worker running? (`govflow doctor`)"
            ) from None
        except WorkflowAlreadyStartedError:
            raise errors.InputError(f"{workflow_id}: done already; not done again") from None
        except WorkflowFailureError as error:
            domain = from_application_error(error)
            if isinstance(domain, InvalidInputError):
                raise errors.InputError(domain.message) from None
            if domain is not None:
                raise errors.GovflowError(domain.message) from None
            raise errors.GovflowError(f"{workflow}: {error.cause}") from None
        except RPCError as error:
            raise _rpc_error(error) from None

    async def certificate(self, certificate_no: str) -> dict[str, Any] | None:
        """A 拍卖经营批准证书 in the register, with its history."""
        found: dict[str, Any] | None = await self.read(CertificateLookup(certificate_no=certificate_no))
        return found

    async def complaints(self, **filters: Any) -> list[dict[str, Any]]:
        """Complaints from the read model (ComplaintList's filters)."""
        try:
            query = ComplaintList(**filters)
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        rows: list[dict[str, Any]] = await self.read(query)
        return rows

    async def complaint_report(self, report: str, **parts: Any) -> dict[str, Any]:
        """第十九条: municipal|district (month, district) or annual (year)."""
        try:
            query = ComplaintReport(report=report, **parts)
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        made: dict[str, Any] = await self.read(query)
        return made

    async def verify_title(self, certificate_no: str) -> dict[str, Any]:
        """五(二)7: what the register says of a certificate number."""
        found: dict[str, Any] = await self.read(TitleLookup(certificate_no=certificate_no))
        return found

    async def revoke_title(
        self,
        certificate_no: str,
        reason: str,
        revoked_by: Actor,
        *,
        employer: str | None = None,
        employer_fault: str | None = None,
    ) -> dict[str, Any]:
        """六(一): revoke a title obtained by fraud (integrity file, blacklist), as `revoked_by`;
        with `employer` and `employer_fault` (unchecked | false-proof), recorded against the
        employer that vouched for it."""
        try:
            order = RevokeTitle(
                certificate_no=certificate_no,
                reason=reason,
                employer=employer,
                employer_fault=employer_fault,
            )
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        revoked: dict[str, Any] = await self.act(order, revoked_by)
        return revoked

    async def employer_records(self, employer: str) -> list[dict[str, Any]]:
        """六(一): what is recorded against an employer of title applicants (by its name)."""
        try:
            query = EmployerRecords(employer=employer)
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        rows: list[dict[str, Any]] = await self.read(query)
        return rows

    async def awaiting_spot_check(self, today: date) -> list[dict[str, Any]]:
        """三(一): the commitment decisions awaiting a spot check."""
        rows: list[dict[str, Any]] = await self.read(AwaitingSpotCheck(today=today))
        return rows

    async def calendar_schedules(self) -> list[YearSchedule]:
        """The official schedules loaded into the calendar in force."""
        documents = await self.read(CalendarSchedules())
        return [parse_schedule_file(d, d.get("source", "loaded schedule")) for d in documents]

    async def load_schedule(self, document: dict[str, Any], source: str, actor: Actor) -> dict[str, Any]:
        """Store a year's official schedule (validated here first: one line naming what is wrong)."""
        try:
            parse_schedule_file(document, source)
            order = LoadSchedule(document=document, source=source)
        except DomainError as error:
            raise errors.InputError(error.message) from None
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        loaded: dict[str, Any] = await self.act(order, actor)
        return loaded

    async def open_cases_with_clocks(self) -> list[str]:
        """Open cases that hold a clock still running or paused (the `cases` read model)."""
        case_nos: list[str] = await self.read(OpenCasesWithClocks())
        return case_nos

    # -- foreign professional qualifications (京人社事业发〔2021〕33号) ---------------------------

    async def verify_code(self, code: str, *, caller: str = "public") -> dict[str, Any]:
        """附件2 三: the public look-up of a verification code: authentic (the qualification, its
        issuer and the disclaimer of 四) or not found, never the holder's data. A code of the
        wrong shape or check character is refused here, before any look-up; only the code's
        SHA-256 leaves the client (the code is never in a workflow's history)."""
        from domain.qualification import code_digest, parse_code
        from domain.reads import QualificationCodeLookup

        try:
            canonical = parse_code(code)
            query = QualificationCodeLookup(digest=code_digest(canonical), caller=caller)
        except DomainError as error:
            raise errors.InputError(error.message) from None
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        found: dict[str, Any] = await self.read(query)
        return found

    async def qualification_catalog(
        self,
        text: str | None = None,
        *,
        field: str | None = None,
        country: str | None = None,
        version: str | None = None,
    ) -> dict[str, Any]:
        """附件1: the catalog version in force (or `version`): rows by text, field, country."""
        from domain.reads import QualificationCatalogSearch

        try:
            query = QualificationCatalogSearch.model_validate(
                {"text": text, "field": field, "country": country, "version": version}
            )
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        found: dict[str, Any] = await self.read(query)
        return found

    async def qualification_relaxations(
        self, qualification_no: int, proposal: dict[str, Any], *, version: str | None = None
    ) -> dict[str, Any]:
        """正文 一、二: what holding catalog qualification `qualification_no` brings to a proposed
        work permit (age, high-end industry, visa years, experience), with each source line."""
        from domain.reads import QualificationRelaxations

        try:
            query = QualificationRelaxations.model_validate(
                {"qualification_no": qualification_no, "proposal": proposal, "version": version}
            )
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        found: dict[str, Any] = await self.read(query)
        return found

    async def load_qualification_catalog(
        self, document: dict[str, Any], source: str, actor: Actor, *, request_id: str | None = None
    ) -> dict[str, Any]:
        """四: load a version of the catalog (a data file as domain.catalog writes it), as
        `actor` (operator or hr-bureau); open cases keep the version they were judged under."""
        from domain.catalog import Catalog
        from domain.reads import LoadQualificationCatalog

        try:
            Catalog.model_validate(document)
            order = LoadQualificationCatalog(document=document, source=source)
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None
        loaded: dict[str, Any] = await self.act(order, actor, request_id=request_id)
        return loaded

    async def replan_clocks(self, case_no: str, order: ReplanClocks) -> ClocksReplanned:
        """Tell a case to derive its open clocks' due dates again with the calendar in force."""
        return await self._update(case_no, "replan_clocks", order, ClocksReplanned)

    async def status(self, case_no: str) -> CaseStatus:
        handle = self.client.get_workflow_handle(case_no)
        try:
            status: CaseStatus = await handle.query("status", result_type=CaseStatus)
            return status
        except WorkflowQueryFailedError as error:
            if "failed state" in str(error) or await self.is_stuck(case_no):
                raise _stuck(case_no) from None
            raise errors.GovflowError(f"{case_no}: status query failed: {error}") from None
        except RPCError as error:
            raise _rpc_error(error, case_no) from None

    async def result(self, case_no: str) -> CaseStatus:
        """Wait for the case to end and return its final status."""
        handle = self.client.get_workflow_handle(case_no, result_type=CaseStatus)
        try:
            final: CaseStatus = await handle.result()
            return final
        except WorkflowFailureError as error:
            raise errors.GovflowError(f"{case_no}: the case failed: {error.cause}") from None
        except RPCError as error:
            raise _rpc_error(error, case_no) from None

    async def list_cases(
        self,
        *,
        procedure: str | None = None,
        stage: str | None = None,
        overdue: bool = False,
        stuck: bool = False,
        limit: int = 100,
        applicant: str | None = None,
    ) -> list[CaseSummary]:
        """Cases from Temporal's visibility store, newest first (what the UI shows too).
        `stuck`: only those whose workflow task keeps failing (a fault of the worker).
        `applicant`: only those of this applicant — a company's credit code, or a person's ID
        number, searched by its pseudonym (the ID number never reaches the server); an id that
        is neither (a complainant's internal id) is searched as given with its `procedure`."""
        clauses = ["CaseNo IS NOT NULL"]
        if applicant:
            given = applicant.strip()
            spec = _procedure(procedure) if procedure else None
            if spec is not None:
                searched = [self._pseudonym(given) if spec.applicant_is_person else given]
            else:  # an 18-character number may be both a valid ID number and a valid credit code
                searched = [given] if is_valid_uscc(given) else []
                searched += [self._pseudonym(given)] if _is_resident_id(given) or not searched else []
            clauses.append("(" + " OR ".join(f"ApplicantId = {_quote(value)}" for value in searched) + ")")
        if stuck:
            try:
                ids = await stuck_cases(self.client)
            except RPCError as error:
                raise _rpc_error(error) from None
            if not ids:
                return []
            clauses.append("WorkflowId IN (" + ", ".join(_quote(i) for i in ids[:500]) + ")")
        if procedure:
            _procedure(procedure)
            clauses.append(f"CaseType = {_quote(procedure)}")
        if stage:
            clauses.append(f"Stage = {_quote(stage)}")
        if overdue:
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            clauses.append(f"NextDeadline < {_quote(now)} AND ExecutionStatus = 'Running'")
        return await self._listed(" AND ".join(clauses), limit)

    async def inbox(
        self, role: str, *, person: str | None = None, district: str | None = None, limit: int = 200
    ) -> list[InboxItem]:
        """The open cases waiting on `role` (and, where the case names them, on `person`), in
        `district` if given: overdue first, then by due date, then those with no date."""
        stages = stages_of_role(role)
        if not stages:
            known = ", ".join(
                sorted({r for p in REGISTRY.values() for d in p.decisions.values() for r in d.roles})
            )
            raise errors.InputError(
                f"没有等待角色 {role} 办理的事项"
                f"（no procedure waits on role {role!r}; roles: operator, {known}）"
            )
        waiting = " OR ".join(
            f"(CaseType = {_quote(name)} AND Stage IN ({', '.join(_quote(s) for s in sorted(each))}))"
            for name, each in sorted(stages.items())
        )
        if role in OPERATOR_ROLES:
            waiting = f"Stage = {_quote(ATTENTION)}"
        clauses = ["CaseNo IS NOT NULL", "ExecutionStatus = 'Running'", f"({waiting})"]
        if district:
            try:
                clauses.append(f"District = {_quote(District(district).value)}")
            except ValueError:
                known = ", ".join(d.value for d in District)
                raise errors.InputError(f"no district {district!r}; districts: {known}") from None
        cases = await self._listed(" AND ".join(clauses), INBOX_SCAN)  # all, then sorted and cut
        if role in OPERATOR_ROLES:  # and those whose workflow task keeps failing
            listed = {case.case_no for case in cases}
            cases += [
                case for case in await self.list_cases(stuck=True, limit=500) if case.case_no not in listed
            ]
        gate = asyncio.Semaphore(8)

        async def step_of(case: CaseSummary) -> InboxItem | None:
            async with gate:
                try:
                    status = await self.status(case.case_no)
                except errors.CaseNotFoundError:
                    return None  # gone since it was listed
                except errors.GovflowError as error:  # a stuck case: shown, never dropped
                    return InboxItem(case=case, next_step=None, problem=str(error))
            step = status.next_step
            if step is None or role not in step.roles:
                return None
            if person is not None and step.persons and person not in step.persons:
                return None  # the act is named persons' (the panel drawn), not this person's
            return InboxItem(case=case, next_step=step)

        found = [item for item in await asyncio.gather(*map(step_of, cases)) if item is not None]
        return sorted(found, key=InboxItem.order)[:limit]

    async def _listed(self, query: str, limit: int) -> list[CaseSummary]:
        summaries: list[CaseSummary] = []
        try:
            async for execution in self.client.list_workflows(query, limit=limit):
                attrs = execution.typed_search_attributes
                status = execution.status or WorkflowExecutionStatus.RUNNING
                summaries.append(
                    CaseSummary(
                        case_no=attrs.get(sa.CASE_NO) or execution.id,
                        procedure=attrs.get(sa.CASE_TYPE) or execution.workflow_type,
                        stage=attrs.get(sa.STAGE) or "",
                        applicant_id=attrs.get(sa.APPLICANT_ID) or "",
                        district=attrs.get(sa.DISTRICT),
                        next_deadline=attrs.get(sa.NEXT_DEADLINE),
                        status=status.name.lower(),
                        started_at=execution.start_time,
                    )
                )
        except RPCError as error:
            raise _rpc_error(error) from None
        return summaries


def _procedure(name: str) -> Procedure:
    try:
        return get_procedure(name)
    except DomainError as error:
        raise errors.InputError(error.message) from None


async def stuck_cases(client: Client) -> list[str]:
    """The workflow ids of running workflows whose workflow task keeps failing.

    Asks the server for TemporalReportedProblems (set after a few failed workflow tasks in a
    row, when the server enables it); a server that does not know that attribute is asked for
    the running cases instead, each described to see whether its pending workflow task is
    being attempted again.
    """
    try:
        return sorted(
            {
                execution.id
                async for execution in client.list_workflows(
                    REPORTED_PROBLEMS_QUERY, limit=1000, rpc_timeout=STUCK_RPC_TIMEOUT
                )
            }
        )
    except RPCError as error:
        if not _unknown_reported_problems(error):
            raise
    return await stuck_cases_described(client)


async def stuck_cases_described(client: Client) -> list[str]:
    """The running cases whose pending workflow task is on its second attempt or later: one
    describe call per running case, for servers without TemporalReportedProblems."""
    running = sorted(
        {
            execution.id
            async for execution in client.list_workflows(
                RUNNING_CASES_QUERY, limit=1000, rpc_timeout=STUCK_RPC_TIMEOUT
            )
        }
    )
    gate = asyncio.Semaphore(10)

    async def failing(workflow_id: str) -> bool:
        async with gate:
            try:
                handle = client.get_workflow_handle(workflow_id)
                described = await handle.describe(rpc_timeout=STUCK_RPC_TIMEOUT)
            except RPCError:
                return False  # it ended (or went) meanwhile
        raw = described.raw_description
        return raw.HasField("pending_workflow_task") and raw.pending_workflow_task.attempt > 1

    verdicts = await asyncio.gather(*(failing(workflow_id) for workflow_id in running))
    return [workflow_id for workflow_id, stuck in zip(running, verdicts, strict=True) if stuck]


def _update_aborted(error: RPCError) -> bool:
    """The server dropped an update it had admitted but the workflow had not taken, because the
    run ended meanwhile (an intake continuing as new): not taken, so it may be sent again."""
    return error.status == RPCStatusCode.UNAVAILABLE and "workflow update was aborted" in error.message


def _too_many_updates(error: RPCError) -> bool:
    """The server refused an update because the workflow has as many in flight as it allows."""
    return error.status == RPCStatusCode.RESOURCE_EXHAUSTED and "in-flight updates" in error.message


def _unknown_reported_problems(error: RPCError) -> bool:
    return error.status == RPCStatusCode.INVALID_ARGUMENT and "TemporalReportedProblems" in error.message


def _checked_request(
    case_no: str,
    decision: str,
    actor: Actor,
    payload: Mapping[str, Any],
    request_id: str | None,
    today: date | None,
    effective_on: date | None = None,
) -> DecisionRequest:
    try:
        request = DecisionRequest(
            request_id=request_id or str(uuid.uuid4()),
            decision=decision,
            actor=actor,
            payload=dict(payload),
            effective_on=effective_on,
        )
    except ValidationError as error:
        raise InvalidInputError(describe_validation_error(error)) from None
    # The case checks it against its previous act; a date in the future is refused here.
    check_effective_on(effective_on, today or local_date(datetime.now(UTC)), None)
    size = len(json.dumps(request.payload, ensure_ascii=False, default=str).encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        raise InvalidInputError(f"payload: {size} bytes is more than a case takes ({MAX_DOCUMENT_BYTES})")
    spec = procedure_of_case(case_no)
    if spec is not None:  # else not a number of ours: the server will say there is no such case
        rule = check_known_decision(spec.decisions, decision, spec.name)
        check_role(rule, decision, actor.role, spec.name)
        parse_payload(rule, decision, request.payload, today or local_date(datetime.now(UTC)))
    return request


def _stuck(case_no: str) -> errors.CaseStuckError:
    return errors.CaseStuckError(
        f"{case_no}: the case is stuck: its workflow task keeps failing (a fault in the worker, "
        "not in the case); nothing is lost, and it goes on once a fixed worker is deployed; "
        "see `govflow list --stuck` and `govflow doctor`"
    )


def _check_size(what: str, text: str) -> None:
    size = len(text.encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        raise errors.InputError(
            f"{what}: {size} bytes is more than a case takes ({MAX_DOCUMENT_BYTES} bytes)"
        )


def _is_resident_id(number: str) -> bool:
    try:
        check_resident_id(number)
    except ValueError:
        return False
    return True


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _rpc_error(error: RPCError, case_no: str | None = None) -> errors.GovflowError:
    if error.status == RPCStatusCode.NOT_FOUND and case_no:
        return errors.CaseNotFoundError(f"no case {case_no}")
    if "no poller" in error.message:  # a query with no worker to answer it
        return errors.NoAnswerError(
            f"{case_no or 'the case'}: no worker answered ({error.message}); see `govflow doctor`"
        )
    if error.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return errors.ServerUnreachableError(f"Temporal server unreachable: {error.message}")
    return errors.GovflowError(f"Temporal refused the request: {error.message}")
