"""What the two routes to an IP title share (京人社事业发〔2021〕32号): the blacklist gate and the
eligibility assessment at application, fraud (六(一)) — with the employer held responsible where
it did not check or gave false proof — and notices.

Patch: `title-employer-fault-recorded` (EmployerHeldResponsible after the blacklisting)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from activities.titles import BlacklistQuestion, TitleActivities
    from domain import title as rules
    from domain.case import SYSTEM, Actor
    from domain.errors import DecisionRefusedError
    from domain.title_eligibility import Applicant, Direction, Eligibility, Level, assess

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard

ACTIVITY_TIMEOUT = timedelta(seconds=30)
EMPLOYER_FAULT_RECORDED = "title-employer-fault-recorded"


class TitleApplication(Protocol):
    applicant: Applicant
    level: Level
    direction: Direction

    @property
    def applicant_id(self) -> str: ...


class TitleCase(CaseWorkflow):
    """A case of a person applying for a title: `application` is set by the subclass's run.
    It takes decisions once the blacklist gate and the eligibility assessment are done."""

    supervising_body = rules.BUREAU

    def __init__(self) -> None:
        super().__init__()
        self.application: Any = None
        self.eligibility: Eligibility | None = None

    async def open_title_case(self, case_no: str, opening: BaseModel, application: Any, stage: str) -> bool:
        """Open the case, refuse a blacklisted person (六(一)) and assess eligibility (附件);
        False if the case has ended."""
        self.application = application
        person = application.applicant
        await self.open_case(
            case_no,
            getattr(opening, "received_at", None),
            applicant_id=application.applicant_id,
            district=None,
            stage=stage,
            application=application,
        )
        gate = await self.run_activity(
            TitleActivities.blacklist_gate,
            BlacklistQuestion(id_number=person.id_number),
            start_to_close=ACTIVITY_TIMEOUT,
        )
        if gate.entries:
            reason = "已纳入失信黑名单（" + "；".join(gate.entries) + "）"
            await self.record(SYSTEM, rules.ApplicationRefused(reason=reason))
            await self.notify("refused", "title_refused", reason=reason)
            await self.close("refused: blacklisted", SYSTEM)
            return False
        result = self.eligibility = assess(
            person, application.level, application.direction, application.filed_on
        )
        await self.record(
            SYSTEM,
            rules.EligibilityAssessed(
                level=application.level.value,
                direction=application.direction.value,
                on=application.filed_on,
                eligible=result.eligible,
                basis=result.basis,
                refusals=result.refusals,
            ),
        )
        self.case_ready()
        return True

    def assessed(self) -> Eligibility:
        assert self.eligibility is not None  # no decision is taken before the case is ready
        return self.eligibility

    @guard("report-fraud")
    def _fault_found_by_another(self, payload: rules.ReportFraud, actor: Actor) -> None:
        """六(一): the employer's failure is found by the agency, the bureau or the exam office,
        not by the employer's own HR."""
        if payload.employer_fault is not None and actor.role == "employer-hr":
            raise DecisionRefusedError(
                "employer_fault: 六(一) the employer's own HR does not judge its own check"
            )

    @decision("report-fraud")
    async def _report_fraud(self, payload: rules.ReportFraud, actor: Actor) -> None:
        """六(一): application cancelled, the person on the blacklist (either route)."""
        await self.blacklist(payload.findings, actor, payload.employer_fault)
        await self.end("cancelled", "title_cancelled", "cancelled: fraud", actor, findings=payload.findings)

    async def blacklist(
        self, findings: str, actor: Actor, employer_fault: rules.EmployerFault | None = None
    ) -> None:
        person = self.application.applicant
        await self.record(
            actor, rules.PersonBlacklisted(id_number=person.id_number, name=person.name, findings=findings)
        )
        if employer_fault is not None and workflow.patched(EMPLOYER_FAULT_RECORDED):
            await self.record(
                actor,
                rules.EmployerHeldResponsible(
                    employer=person.employer,
                    fault=employer_fault.value,
                    fault_chinese=employer_fault.chinese,
                    findings=findings,
                ),
            )

    async def end(self, step: str, template: str, outcome: str, actor: Actor, **facts: Any) -> None:
        await self.notify(step, template, **facts)
        await self.close(outcome, actor)

    async def notify(self, step: str, template: str, **facts: Any) -> None:
        application = self.application
        await self.issue_notice(
            step,
            template,
            application.applicant.name,
            {
                "name": application.applicant.name,
                "level": application.level.chinese,
                "direction": application.direction.chinese,
                "bureau": rules.BUREAU,
                "agency": rules.AGENCY,
                **self.notice_facts(),
                **facts,
            },
        )

    def notice_facts(self) -> dict[str, Any]:
        return {}
