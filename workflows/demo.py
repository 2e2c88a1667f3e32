"""The platform's demonstration procedure (see domain.demo): intake, a review
clock of 10 calendar days, notices, verification steps and escalation on breach.

Queries and updates: those of CaseWorkflow (`status`, `decide`). Decisions:
accept and reject (clerk, intake); verify (inspector, review); approve and refuse
(reviewer, review).
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import demo
    from domain.calendar import local_date
    from domain.case import SYSTEM, Actor, CaseStatus

from workflows.core import CaseWorkflow
from workflows.decisions import decision

ISSUING_BODY = "北京市示范审批机关"


@workflow.defn(name="demo")
class DemoWorkflow(CaseWorkflow):
    procedure = demo.PROCEDURE
    decisions = demo.DECISIONS
    supervising_body = demo.SUPERVISING_BODY

    def __init__(self) -> None:
        super().__init__()
        self.application: demo.DemoApplication | None = None

    @workflow.run
    async def run(self, opening: demo.DemoOpening) -> CaseStatus:
        self.application = opening.application
        await self.open_case(
            opening.case_no,
            opening.received_at,
            applicant_id=opening.application.applicant_id,
            district=opening.application.district,
            stage=demo.INTAKE,
            application=opening.application,
        )
        self.case_ready()
        await workflow.wait_condition(lambda: self.stage != demo.INTAKE)
        if self.stage == demo.REVIEW:
            decided = await self.clocks.wait(demo.REVIEW_PERIOD.name, lambda: self.stage != demo.REVIEW)
            if not decided:  # breached and escalated by the clock; the review goes on
                await workflow.wait_condition(lambda: self.stage != demo.REVIEW)
        return await self.finish()

    @decision("accept")
    async def _accept(self, payload: demo.Accept, actor: Actor) -> None:
        plan = await self.clocks.start(
            demo.REVIEW_PERIOD,
            escalate_to=demo.SUPERVISING_BODY,
            remind=demo.REVIEWING_OFFICE,
        )
        await self._notify("accepted", "demo_accepted", review_due=plan.due)
        await self.change_stage(demo.REVIEW, actor)

    @decision("reject")
    async def _reject(self, payload: demo.RejectApplication, actor: Actor) -> None:
        await self._notify("not-accepted", "demo_not_accepted", reason=payload.reason)
        await self.close("not-accepted", actor)

    @decision("verify")
    async def _verify(self, payload: demo.RecordVerificationStep, actor: Actor) -> None:
        await self.record_verification(payload.step, payload.result, payload.evidence, actor)

    @decision("approve")
    async def _approve(self, payload: demo.Approve, actor: Actor) -> None:
        await self._decide(True, payload.conclusion, actor)

    @decision("refuse")
    async def _refuse(self, payload: demo.Refuse, actor: Actor) -> None:
        await self._decide(False, payload.reason, actor)

    async def _decide(self, approved: bool, grounds: str, actor: Actor) -> None:
        await self.clocks.complete(demo.REVIEW_PERIOD.name, actor)
        await self._notify("result", "demo_result", approved=approved, grounds=grounds)
        await self.close("approved" if approved else "refused", actor)

    async def _notify(self, step: str, template: str, **facts: Any) -> None:
        application = self.application
        if application is None:  # run() sets it before any decision can pass validation
            raise RuntimeError("no application")
        await self.issue_notice(
            step,
            template,
            application.applicant.name,
            {
                "applicant_name": application.applicant.name,
                "subject": application.subject,
                "received_on": local_date(self.opened_at or workflow.now()),
                "issuing_body": ISSUING_BODY,
                **facts,
            },
            actor=SYSTEM,
        )
