"""The typed client SDK; the command line is a thin layer over it.

    async with await Govflow.connect(Settings()) as gf:
        ref = await gf.start_case("demo", DemoApplication(...))
        await gf.decide(ref.case_no, "accept", Actor(role="clerk", id="c-1"), {})
        status = await gf.status(ref.case_no)
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

import asyncpg
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
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
    WorkflowIDReusePolicy,
)
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCStatusCode

from govflow import search_attributes as sa
from govflow.boundary import from_application_error
from govflow.client import errors
from govflow.db.case_numbers import next_case_no
from govflow.db.connection import DatabaseUnreachableError as DbUnreachable
from govflow.db.connection import create_pool, resolve_database_url
from govflow.db.migrate import migrate
from govflow.domain.calendar import local_date
from govflow.domain.case import (
    Actor,
    CaseStatus,
    DecisionAccepted,
    DecisionRequest,
    describe_validation_error,
)
from govflow.domain.clocks import ClocksReplanned, ReplanClocks
from govflow.domain.errors import CaseClosedError, CaseOpeningError, DomainError, InvalidInputError
from govflow.domain.identifiers import check_case_no
from govflow.procedures import Procedure, get_procedure
from govflow.settings import Settings
from govflow.temporal import TemporalUnreachableError, connect

R = TypeVar("R")
OPENING_RETRIES = 50  # × 0.2 s


@dataclass(frozen=True)
class CaseRef:
    case_no: str
    procedure: str
    run_id: str | None


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


class Govflow:
    def __init__(self, client: Client, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self._pool: asyncpg.Pool | None = None

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
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    # -- starting ------------------------------------------------------------------------

    @staticmethod
    def procedure(name: str) -> Procedure:
        """The procedure of that name, if this build runs it."""
        return _procedure(name)

    @staticmethod
    def parse_application(procedure: str, document: Any) -> BaseModel:
        """Validate a start file's content against the procedure's application model."""
        spec = _procedure(procedure)
        try:
            return spec.application.model_validate(document)
        except ValidationError as error:
            raise errors.InputError(describe_validation_error(error)) from None

    async def start_case(
        self, procedure: str, application: BaseModel, *, case_no: str | None = None,
        received_at: datetime | None = None,
    ) -> CaseRef:
        """Start a case; a number is assigned (from PostgreSQL) unless one is given.

        Starting a case number that exists, running or ended, is refused.
        """
        spec = _procedure(procedure)
        if not isinstance(application, spec.application):
            raise errors.InputError(
                f"{procedure} takes a {spec.application.__name__}, not {type(application).__name__}"
            )
        if case_no is None and spec.case_no_from is not None:
            case_no = spec.case_no_from(application)
        if case_no is None:
            case_no = await self._assign_case_no(spec)
        else:
            try:
                check_case_no(case_no)
            except DomainError as error:
                raise errors.InputError(error.message) from None
        opening = spec.opening.model_validate(
            {"case_no": case_no, "received_at": received_at, "application": application}
        )
        applicant_id: str = application.applicant_id  # type: ignore[attr-defined]
        district = getattr(application, "district", None)
        attributes: list[SearchAttributePair[Any]] = [
            SearchAttributePair(sa.CASE_NO, case_no), SearchAttributePair(sa.CASE_TYPE, procedure),
            SearchAttributePair(sa.STAGE, "opening"),
            SearchAttributePair(sa.APPLICANT_ID, applicant_id),
        ]
        if district is not None:
            attributes.append(SearchAttributePair(sa.DISTRICT, str(district)))
        try:
            handle = await self.client.start_workflow(
                spec.workflow, opening, id=case_no, task_queue=self.settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                search_attributes=TypedSearchAttributes(attributes),
            )
        except WorkflowAlreadyStartedError:
            raise errors.CaseExistsError(f"case {case_no} already exists; not started again") from None
        except RPCError as error:
            raise _rpc_error(error) from None
        return CaseRef(case_no=case_no, procedure=procedure, run_id=handle.result_run_id)

    async def _assign_case_no(self, spec: Procedure) -> str:
        pool = await self._database()
        year = local_date(datetime.now(UTC)).year
        try:
            async with pool.acquire() as conn:
                return await next_case_no(conn, spec.prefix, year)
        except (OSError, asyncpg.PostgresError) as error:
            raise errors.DatabaseUnreachableError(f"database unreachable: {error}") from None

    async def _database(self) -> asyncpg.Pool:
        if self._pool is None:
            try:
                self._pool = await create_pool(resolve_database_url(self.settings), max_size=2)
                async with self._pool.acquire() as conn:
                    await migrate(conn)
            except DbUnreachable as error:
                raise errors.DatabaseUnreachableError(str(error)) from None
        return self._pool

    # -- deciding and reading ------------------------------------------------------------

    async def decide(
        self, case_no: str, decision: str, actor: Actor, payload: dict[str, Any] | None = None,
        *, request_id: str | None = None,
    ) -> DecisionAccepted:
        request = DecisionRequest(
            request_id=request_id or str(uuid.uuid4()), decision=decision, actor=actor,
            payload=payload or {},
        )
        # A case still opening (or still checking an applicant's credit) asks to be sent the
        # decision again; the same request id makes the repeat safe.
        for _ in range(OPENING_RETRIES):
            try:
                return await self._update(case_no, "decide", request, DecisionAccepted)
            except errors.DecisionRejectedError as refused:
                if not isinstance(refused.reason, CaseOpeningError):
                    raise
                await asyncio.sleep(0.2)
        return await self._update(case_no, "decide", request, DecisionAccepted)

    async def _update(self, case_no: str, name: str, argument: Any, result_type: type[R]) -> R:
        """Send an update; a refusal comes back as DecisionRejectedError with the domain error."""
        handle = self.client.get_workflow_handle(case_no)
        try:
            result: R = await handle.execute_update(name, argument, result_type=result_type)
            return result
        except WorkflowUpdateFailedError as error:
            domain = from_application_error(error)
            if domain is None:
                raise errors.GovflowError(f"{case_no}: {name} failed: {error.cause}") from None
            raise errors.DecisionRejectedError(case_no, domain) from None
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND and await self._has_ended(case_no):
                raise errors.DecisionRejectedError(case_no, CaseClosedError(
                    "the case has ended; it takes no further decision"
                )) from None
            raise _rpc_error(error, case_no) from None

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

    async def cast_ballot(self, case_no: str, member: str, choice: str) -> int:
        """Cast a committee member's secret ballot on an applicant; returns the ballot number.
        It goes to the ballot box, not to the case: see govflow.db.ballots."""
        from govflow.db import ballots

        pool = await self._database()
        try:
            async with pool.acquire() as conn:
                return await ballots.cast(conn, case_no, member, choice)
        except ballots.NoBallotOpenError as error:
            async with pool.acquire() as conn:
                known = await conn.fetchval("SELECT true FROM cases WHERE case_no = $1", case_no)
            if not known:
                raise errors.CaseNotFoundError(f"no case {case_no}") from None
            raise errors.DecisionRejectedError(case_no, error) from None
        except InvalidInputError as error:
            raise errors.InputError(error.message) from None
        except DomainError as error:
            raise errors.DecisionRejectedError(case_no, error) from None

    async def plan_candidates(self, year: int) -> list[Any]:
        """五(二)2: the projects of `year` awaiting plan selection, with their claims and quoted
        support, read from their cases."""
        from govflow.domain.subsidy import Claim, PlanCandidate
        from govflow.domain.subsidy_pipeline import PLAN_SELECTION, SubsidyApplication

        candidates = []
        for summary in await self.list_cases(procedure="subsidy", stage=PLAN_SELECTION, limit=1000):
            status = await self.status(summary.case_no)
            if status.stage != PLAN_SELECTION:
                continue  # visibility lags a decision just taken
            events = {e.type: e.data for e in status.history if e.type != "DecisionTaken"}
            plans = [e.data for e in status.history
                     if e.type == "DecisionTaken" and e.data["decision"] == "apply-plan"]
            application = SubsidyApplication.model_validate(events["CaseOpened"]["application"])
            if application.year != year or not plans:
                continue
            candidates.append(PlanCandidate(
                case_no=status.case_no, enterprise=application.enterprise,
                claims=tuple(Claim.model_validate(c) for c in plans[-1]["payload"]["claims"]),
                support=events["SupportQuoted"]["quote"]["total"]))
        return candidates

    async def verify_title(self, certificate_no: str) -> dict[str, Any]:
        """五(二)7: what the register says of a certificate number."""
        from govflow.db.read_models.titles import verify

        async with (await self._database()).acquire() as conn:
            return await verify(conn, certificate_no)

    async def revoke_title(self, certificate_no: str, reason: str, revoked_by: str) -> dict[str, Any]:
        """六(一): revoke a title obtained by fraud (integrity file, blacklist)."""
        from govflow.db.read_models.titles import revoke

        try:
            async with (await self._database()).acquire() as conn:
                return await revoke(conn, certificate_no, reason, revoked_by, datetime.now(UTC))
        except InvalidInputError as error:
            raise errors.InputError(error.message) from None
        except DomainError as error:
            raise errors.GovflowError(error.message) from None

    async def replan_clocks(self, case_no: str, order: ReplanClocks) -> ClocksReplanned:
        """Tell a case to derive its open clocks' due dates again with the calendar in force."""
        return await self._update(case_no, "replan_clocks", order, ClocksReplanned)

    async def status(self, case_no: str) -> CaseStatus:
        handle = self.client.get_workflow_handle(case_no)
        try:
            status: CaseStatus = await handle.query("status", result_type=CaseStatus)
            return status
        except WorkflowQueryFailedError as error:
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
        self, *, procedure: str | None = None, stage: str | None = None,
        overdue: bool = False, limit: int = 100,
    ) -> list[CaseSummary]:
        """Cases from Temporal's visibility store, newest first (what the UI shows too)."""
        clauses = ["CaseNo IS NOT NULL"]
        if procedure:
            _procedure(procedure)
            clauses.append(f"CaseType = {_quote(procedure)}")
        if stage:
            clauses.append(f"Stage = {_quote(stage)}")
        if overdue:
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            clauses.append(f"NextDeadline < {_quote(now)} AND ExecutionStatus = 'Running'")
        summaries: list[CaseSummary] = []
        try:
            async for execution in self.client.list_workflows(" AND ".join(clauses), limit=limit):
                attrs = execution.typed_search_attributes
                status = execution.status or WorkflowExecutionStatus.RUNNING
                summaries.append(CaseSummary(
                    case_no=attrs.get(sa.CASE_NO) or execution.id,
                    procedure=attrs.get(sa.CASE_TYPE) or execution.workflow_type,
                    stage=attrs.get(sa.STAGE) or "",
                    applicant_id=attrs.get(sa.APPLICANT_ID) or "",
                    district=attrs.get(sa.DISTRICT),
                    next_deadline=attrs.get(sa.NEXT_DEADLINE),
                    status=status.name.lower(),
                    started_at=execution.start_time,
                ))
        except RPCError as error:
            raise _rpc_error(error) from None
        return summaries


def _procedure(name: str) -> Procedure:
    try:
        return get_procedure(name)
    except DomainError as error:
        raise errors.InputError(error.message) from None


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _rpc_error(error: RPCError, case_no: str | None = None) -> errors.GovflowError:
    if error.status == RPCStatusCode.NOT_FOUND and case_no:
        return errors.CaseNotFoundError(f"no case {case_no}")
    if error.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return errors.ServerUnreachableError(f"Temporal server unreachable: {error.message}")
    return errors.GovflowError(f"Temporal refused the request: {error.message}")
