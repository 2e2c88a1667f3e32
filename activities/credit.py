"""The commitment route's credit gate, asked of the credit entries read model, and the spot
check's reports to the applicants' credit records.

The gate applies 国办发〔2020〕42号 (domain.credit.bars_commitment): only an unrepaired, still
published severe entry (a false commitment is one, 四(一)) sends an applicant to the general
route; the read model's candidates (general or severe, unrepaired, not withdrawn, published
today) are filtered by that rule here, so that the rule is written once, in domain/."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import asyncpg
from temporalio import activity
from temporalio.client import Client, WorkflowHandle, WorkflowQueryFailedError, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.boundary import from_application_error, to_application_error, translate_activity_errors
from activities.db.read_models.credit import barring_entries
from domain.case import Actor, DecisionAccepted, DecisionRequest
from domain.credit import (
    CreditRecordOpening,
    CreditSubject,
    Grade,
    bars_commitment,
    commitment_bar_reason,
    credit_record_case_no,
)
from domain.errors import CaseOpeningError, DuplicateRequestError
from domain.labels import case_details, case_summary
from domain.models import Record
from domain.permit import SpotCheckResult


class CreditGate(Record):
    applicant_id: str
    today: date


class BarringEntry(Record):
    """An entry that sends the applicant to the general route, and why (for the notice)."""

    breach_id: str
    grade: str
    found_on: date
    reason: str


class CreditGateAnswer(Record):
    barring: tuple[str, ...]  # breach ids of the entries that send the applicant to the general route
    entries: tuple[BarringEntry, ...] = ()  # the same entries with their basis (older answers: none)


class CreditActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="credit_gate")
    @translate_activity_errors
    async def credit_gate(self, question: CreditGate) -> CreditGateAnswer:
        async with self._pool.acquire() as conn:
            candidates = await barring_entries(conn, question.applicant_id, question.today)
        # The read model's rows are unrepaired and published today; the grade decides.
        barring = [
            BarringEntry(
                breach_id=row["breach_id"],
                grade=row["grade"],
                found_on=row["found_on"],
                reason=commitment_bar_reason(row["breach_id"], Grade(row["grade"]), row["found_on"]),
            )
            for row in candidates
            if bars_commitment(Grade(row["grade"]), repaired=False, public=True)
        ]
        return CreditGateAnswer(barring=tuple(e.breach_id for e in barring), entries=tuple(barring))


class ReportBreach(Record):
    """A spot check's finding, for the applicant's credit record (四)."""

    uscc: str
    name: str
    breach_id: str
    found_on: date
    grade: str
    matter: str
    publicity_months: int | None
    publicity_by_grade: Mapping[str, int] | None = None


class BreachGraded(Record):
    """What the credit record made of a reported breach: the grade it handles it as (四(一))."""

    case_no: str
    breach_id: str
    grade: str


class TellPermitCase(Record):
    permit_case_no: str
    result: SpotCheckResult


SPOT_CHECK_SERVICE = Actor(role="inspector", id="spot-check")
"""The round's actor on the permit cases it reports to (signed with the workers' service key)."""


class CreditReporting:
    """Writes findings into the applicant's credit record workflow (`CRED-<USCC>`), starting it
    if it does not exist. Idempotent: the breach id is the request id of the decision."""

    def __init__(self, client: Client, task_queue: str) -> None:
        self._client = client
        self._task_queue = task_queue

    @activity.defn(name="report_breach")
    @translate_activity_errors
    async def report_breach(self, report: ReportBreach) -> str:
        """The first form, kept for the rounds that scheduled it before report_graded_breach."""
        return await self._report(report)

    @activity.defn(name="report_graded_breach")
    @translate_activity_errors
    async def report_graded_breach(self, report: ReportBreach) -> BreachGraded:
        """Report the breach and answer the grade the record handles it as, so that the round
        acts on that grade (a second general breach within a year is revoked, not rectified)."""
        case_no = await self._report(report)
        grade = await self._client.get_workflow_handle(case_no).query(
            "breach_grade", report.breach_id, result_type=str
        )
        return BreachGraded(case_no=case_no, breach_id=report.breach_id, grade=grade)

    @activity.defn(name="tell_permit_case")
    @translate_activity_errors
    async def tell_permit_case(self, told: TellPermitCase) -> str:
        """三(一): report a round's result to the permit case of the certificate, as the signed
        decision `report-spot-check` of `inspector:spot-check`. Answers what became of it:
        `told`, or why the case did not take it (no such case; a case decided before permit
        cases waited for their check; ended): the round goes on either way."""
        request = DecisionRequest(
            request_id=f"spot-check-{told.result.spot_check_case_no}",
            decision="report-spot-check",
            actor=SPOT_CHECK_SERVICE,
            payload=told.result.model_dump(mode="json"),
        )
        handle = self._client.get_workflow_handle(told.permit_case_no)
        try:
            await handle.execute_update("decide", request, result_type=DecisionAccepted)
        except WorkflowUpdateFailedError as error:
            refusal = from_application_error(error)
            if isinstance(refusal, DuplicateRequestError):  # an earlier attempt's answer was lost
                return "told"
            if isinstance(refusal, CaseOpeningError):  # soon
                raise ApplicationError(refusal.message, type=refusal.code) from None
            if refusal is not None:
                return f"not told: {refusal.message}"
            raise
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:  # no such case, or it has ended
                return f"not told: {error.message}"
            raise
        return "told"

    @staticmethod
    async def _holds(handle: WorkflowHandle[Any, Any], breach_id: str) -> bool:
        try:
            await handle.query("breach_grade", breach_id, result_type=str)
        except WorkflowQueryFailedError:
            return False
        return True

    async def _report(self, report: ReportBreach) -> str:
        case_no = credit_record_case_no(report.uscc)
        subject = CreditSubject(uscc=report.uscc, name=report.name)
        handle = await self._client.start_workflow(
            "credit-record",
            CreditRecordOpening(case_no=case_no, application=subject),
            id=case_no,
            task_queue=self._task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            static_summary=case_summary("credit-record", case_no, subject),
            static_details=case_details("credit-record", case_no, subject),
        )
        payload: dict[str, Any] = {
            "breach_id": report.breach_id,
            "found_on": report.found_on.isoformat(),
            "grade": report.grade,
            "matter": report.matter,
            "publicity_months": report.publicity_months,
        }
        if report.publicity_by_grade is not None:
            payload["publicity_by_grade"] = dict(report.publicity_by_grade)
        request = DecisionRequest(
            request_id=report.breach_id,
            decision="record-breach",
            actor=Actor(role="credit-officer", id="spot-check"),
            payload=payload,
        )
        try:  # signed, as every request is (for its actor, with the workers' key: workers.main)
            await handle.execute_update("decide", request, result_type=DecisionAccepted)
        except WorkflowUpdateFailedError as error:
            refusal = from_application_error(error)
            # A retried activity finds its breach already taken: that is the success it wanted.
            if isinstance(refusal, DuplicateRequestError):
                return case_no
            if isinstance(refusal, CaseOpeningError):  # the record is being opened: soon
                raise ApplicationError(refusal.message, type=refusal.code) from None
            if refusal is not None and await self._holds(handle, report.breach_id):
                # The breach is on the record already under this id (recorded by hand, or by an
                # earlier attempt whose answer was lost): reported, whoever wrote it.
                return case_no
            if refusal is not None:  # the record refuses the breach: no retry changes that
                raise to_application_error(refusal) from None
            raise
        return case_no
