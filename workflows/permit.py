"""An auction business permit application (京商流通字〔2021〕9号; rules in domain.permit).

Queries and updates: those of CaseWorkflow. Decisions: district-consent (district officer);
receive (window officer, general route), grant and refuse (reviewer, general route);
formal-review (window officer, commitment route, decided on the spot). An applicant whom
the credit gate bars from the commitment route is moved to the general route at once.
Clock: review (二(一), 9 working days from acceptance).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.credit import CreditActivities, CreditGate
    from domain import permit as rules
    from domain.calendar import local_date
    from domain.case import SYSTEM, Actor, CaseStatus

from workflows.core import CaseWorkflow
from workflows.decisions import decision


@workflow.defn(name="auction-permit")
class AuctionPermitWorkflow(CaseWorkflow):
    procedure = rules.PROCEDURE
    decisions = rules.DECISIONS
    supervising_body = rules.BUREAU

    def __init__(self) -> None:
        super().__init__()
        self.application: rules.PermitApplication | None = None
        self.route = rules.Route.GENERAL

    @workflow.run
    async def run(self, opening: rules.PermitOpening) -> CaseStatus:
        application = self.application = opening.application
        self.route = application.route
        await self.open_case(
            opening.case_no,
            opening.received_at,
            applicant_id=application.applicant_id,
            district=application.district,
            stage=rules.DISTRICT_REVIEW,
            application=application,
        )
        if self.route is rules.Route.COMMITMENT:
            # No decision before the gate has answered: a district consent taken on the
            # commitment route meanwhile would let a barred applicant be decided on the spot.
            gate = await self.run_activity(
                CreditActivities.credit_gate,
                CreditGate(applicant_id=application.applicant_id, today=local_date(workflow.now())),
                start_to_close=timedelta(seconds=10),
            )
            if gate.barring:
                reason = (
                    "违诺失信信息公示期内且未完成信用修复（" + "、".join(gate.barring) + "），按一般方式办理"
                )
                self.route = rules.Route.GENERAL
                await self.record(
                    SYSTEM, rules.RouteChanged(from_route="commitment", to_route="general", reason=reason)
                )
                await self._notify("route-changed", "permit_route_changed", reason=reason)
        self.case_ready()
        await workflow.wait_condition(lambda: self.outcome is not None)
        return await self.finish()

    @decision("district-consent")
    async def _district_consent(self, payload: rules.DistrictConsent, actor: Actor) -> None:
        if not payload.consented:
            await self._decide(False, None, f"区商务主管部门初审未同意：{payload.opinion}", actor)
            return
        nxt = rules.FORMAL_REVIEW if self.route is rules.Route.COMMITMENT else rules.ACCEPTANCE
        await self.change_stage(nxt, actor)

    @decision("receive")
    async def _receive(self, payload: rules.ReceiveMaterials, actor: Actor) -> None:
        if not payload.complete:
            await self._notify("returned", "permit_returned", missing=list(payload.missing))
            await self.close("returned: materials incomplete", actor)
            return
        await self.clocks.start(rules.REVIEW, escalate_to=rules.BUREAU, remind="行政许可审查岗")
        await self.change_stage(rules.REVIEWING, actor)

    @decision("grant")
    async def _grant(self, payload: rules.Grant, actor: Actor) -> None:
        await self.clocks.complete(rules.REVIEW.name, actor)
        await self._decide(True, payload.certificate_no, None, actor)

    @decision("refuse")
    async def _refuse(self, payload: rules.Refuse, actor: Actor) -> None:
        await self.clocks.complete(rules.REVIEW.name, actor)
        await self._decide(False, None, payload.reasons, actor)

    @decision("formal-review")
    async def _formal_review(self, payload: rules.FormalReview, actor: Actor) -> None:
        """二(二)2: decided on the spot. A new licence gets its number on the spot; other matters
        keep the certificate's."""
        number = payload.certificate_no or self._application().certificate_no or f"BJPM-{self.case_no}"
        await self._decide(
            payload.compliant,
            number if payload.compliant else None,
            None if payload.compliant else payload.reasons,
            actor,
        )

    async def _decide(
        self, granted: bool, certificate_no: str | None, reasons: str | None, actor: Actor
    ) -> None:
        application = self._application()
        today = local_date(workflow.now())
        commitment = self.route is rules.Route.COMMITMENT and granted
        await self.record(
            actor,
            rules.PermitDecided(
                route=self.route.value,
                matter=application.matter.value,
                granted=granted,
                certificate_no=certificate_no,
                reasons=reasons,
                spot_check_due=rules.spot_check_due(today) if commitment else None,
            ),
        )
        if not granted:
            template = "permit_not_accepted" if self.route is rules.Route.COMMITMENT else "permit_refused"
            await self._notify("decision", template, reasons=reasons)
            await self.close("not granted", actor)
            return
        if application.matter is rules.Matter.CANCELLATION:
            await self._notify("decision", "permit_cancellation_notice", certificate_no=certificate_no)
            await self.close("cancelled", actor)
        else:
            await self._notify("decision", "permit_certificate", certificate_no=certificate_no)
            await self.close("granted", actor)

    async def _notify(self, step: str, template: str, **facts: Any) -> None:
        application = self._application()
        await self.issue_notice(
            step,
            template,
            application.applicant.name,
            {
                "applicant": application.applicant.name,
                "uscc": application.applicant.uscc,
                "matter": application.matter.chinese,
                "body": rules.BUREAU,
                **facts,
            },
        )

    def _application(self) -> rules.PermitApplication:
        if self.application is None:
            raise RuntimeError("the application has not been opened")
        return self.application
