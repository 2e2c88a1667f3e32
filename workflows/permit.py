"""An auction business permit application (京商流通字〔2021〕9号; rules in domain.permit).

Queries and updates: those of CaseWorkflow. Decisions: district-consent (district officer;
not consented → the case ends before the bureau, with the district's notice); receive
(window officer, general route: complete → 受理通知书), grant and refuse (reviewer, general
route); formal-review (window officer, commitment route, decided on the spot). A
commitment-route case opens with the bureau's one-time written 告知 (一). An applicant whom the
credit gate bars from the commitment route (国办发〔2020〕42号: an unrepaired severe entry) is
moved to the general route at once and told why.

Decision `report-spot-check` (SpotCheckResult): a spot-check round's result for this case's
certificate, sent by the round signed with the workers' service key (or by an inspector). A
granted commitment decision waits for it in stage `awaiting-spot-check` (三(一)); the case then
closes with the decision's outcome.
Clocks: review (二(一), 9 working days from acceptance); spot-check (三(一), 3 months from a
granted commitment decision, escalated to the supervising body when it passes unchecked).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.credit import CreditActivities, CreditGate
    from domain import permit as rules
    from domain.calendar import local_date
    from domain.case import SYSTEM, Actor, CaseStatus
    from domain.credit import COMMITMENT_BAR_BASIS
    from domain.errors import ClockStateError, InvalidInputError, NotPermittedError

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard

GATE_BASIS = "permit-credit-gate-names-its-basis"
"""国办发〔2020〕42号: the route-changed notice names the basis and the entry."""
COMMITMENT_NOTIFICATION = "permit-tells-the-commitment-applicant-once"
"""一: the one-time written 告知 when a commitment-route case opens."""
DISTRICT_NOT_CONSENTED = "permit-district-non-consent-ends-before-the-bureau"
"""二(一)1 / 二(二)1: the district's non-consent is the district's, not the bureau's refusal."""
ACCEPTANCE_NOTICE = "permit-acceptance-notice"
"""二(一)1: complete materials are accepted with a 受理通知书."""
SPOT_CHECK_WINDOW = "permit-watches-the-spot-check-window"
"""三(一): a granted commitment decision waits for its spot check; the window is a clock."""


@workflow.defn(name="auction-permit")
class AuctionPermitWorkflow(CaseWorkflow):
    procedure = rules.PROCEDURE
    decisions = rules.DECISIONS
    supervising_body = rules.BUREAU

    def __init__(self) -> None:
        super().__init__()
        self.application: rules.PermitApplication | None = None
        self.route = rules.Route.GENERAL
        self.certificate_no: str | None = None
        self.decided_outcome: str | None = None

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
                if workflow.patched(GATE_BASIS) and gate.entries:
                    first = gate.entries[0]
                    reason = first.reason
                    basis = COMMITMENT_BAR_BASIS
                    entry = f"{first.breach_id}（{first.found_on}）"
                else:  # the first form: no basis named
                    reason = (
                        "违诺失信信息公示期内且未完成信用修复（"
                        + "、".join(gate.barring)
                        + "），按一般方式办理"
                    )
                    basis, entry = None, None
                self.route = rules.Route.GENERAL
                await self.record(
                    SYSTEM, rules.RouteChanged(from_route="commitment", to_route="general", reason=reason)
                )
                facts: dict[str, Any] = {"reason": reason}
                if basis is not None:
                    facts |= {"basis": basis, "entry": entry}
                await self._notify("route-changed", "permit_route_changed", **facts)
        if self.route is rules.Route.COMMITMENT and workflow.patched(COMMITMENT_NOTIFICATION):
            # 一: told once, in writing, before the commitment is decided on.
            await self._notify(
                "commitment-notification",
                "permit_commitment_notification",
                items=list(rules.COMMITMENT_NOTIFICATION),
            )
        self.case_ready()
        await workflow.wait_condition(lambda: self.outcome is not None)
        return await self.finish()

    @guard("report-spot-check")
    def _the_certificate_checked(self, payload: rules.SpotCheckResult, actor: Actor) -> None:
        """三(一): the result comes from a round (the service's actor) and is this case's
        certificate's."""
        if actor.id != rules.SPOT_CHECK_ROUND:
            raise NotPermittedError(
                f"三(一): 抽查结果由抽查批次报送（inspector:{rules.SPOT_CHECK_ROUND}）; "
                f"{actor.role}:{actor.id} may not report one (an inspector records a finding in the round)"
            )
        if payload.certificate_no != self.certificate_no:
            raise InvalidInputError(
                f"certificate_no: 本案的证书是{self.certificate_no}，不是{payload.certificate_no}"
                "（the result is for another certificate）"
            )

    @decision("report-spot-check")
    async def _report_spot_check(self, payload: rules.SpotCheckResult, actor: Actor) -> None:
        """三(一): a spot-check round's result for this certificate (or that the draw passed it
        over) ends the wait for it: the window is met, or completed late once escalated."""
        await self.clocks.complete(rules.SPOT_CHECK_WINDOW.name, actor)
        await self.record(
            actor,
            rules.SpotCheckReported(
                spot_check_case_no=payload.spot_check_case_no,
                certificate_no=payload.certificate_no,
                result=payload.result,
                drawn=payload.drawn,
            ),
        )
        await self.close(self.decided_outcome or "granted", actor)

    @guard("close-unchecked")
    def _window_passed(self, payload: rules.CloseUnchecked, actor: Actor) -> None:
        if self.clocks.state(rules.SPOT_CHECK_WINDOW.name) != "breached":
            raise ClockStateError("三(一): 抽查期限（3个月）尚未届满; the window is still open for a round")

    @decision("close-unchecked")
    async def _close_unchecked(self, payload: rules.CloseUnchecked, actor: Actor) -> None:
        """三(一): the window passed unchecked and was escalated; the bureau closes the case with
        its reasons (the breach stays in the history)."""
        await self.record(actor, rules.SpotCheckWindowClosed(reasons=payload.reasons))
        await self.close(self.decided_outcome or "granted", actor)

    @decision("district-consent")
    async def _district_consent(self, payload: rules.DistrictConsent, actor: Actor) -> None:
        if not payload.consented:
            if not workflow.patched(DISTRICT_NOT_CONSENTED):  # the first form: a bureau refusal
                await self._decide(False, None, f"区商务主管部门初审未同意：{payload.opinion}", actor)
                return
            await self._not_consented(payload, actor)
            return
        nxt = rules.FORMAL_REVIEW if self.route is rules.Route.COMMITMENT else rules.ACCEPTANCE
        await self.change_stage(nxt, actor)

    @decision("receive")
    async def _receive(self, payload: rules.ReceiveMaterials, actor: Actor) -> None:
        if not payload.complete:
            await self._notify("returned", "permit_returned", missing=list(payload.missing))
            await self.close("returned: materials incomplete", actor)
            return
        plan = await self.clocks.start(rules.REVIEW, escalate_to=rules.BUREAU, remind="行政许可审查岗")
        await self.change_stage(rules.REVIEWING, actor)
        if workflow.patched(ACCEPTANCE_NOTICE):  # 二(一)1: "材料齐全的予以受理"
            await self._notify(
                "accepted",
                "permit_accepted",
                accepted_on=self.act_date().isoformat(),
                review_days=rules.REVIEW.length,
                review_due=plan.due.isoformat(),
            )

    async def _not_consented(self, payload: rules.DistrictConsent, actor: Actor) -> None:
        """二(一)1 / 二(二)1: without the district's consent the applicant never reaches the
        bureau's window: the district tells the applicant its reasons, and the bureau decides
        nothing (no 不予许可决定书, no 不予受理告知书)."""
        department = rules.district_commerce_department(self._application().district)
        await self.record(actor, rules.DistrictNotConsented(department=department, opinion=payload.opinion))
        await self._notify(
            "district-not-consented",
            "permit_district_not_consented",
            body=department,
            opinion=payload.opinion,
        )
        await self.close(rules.NOT_CONSENTED, actor)

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
        today = self.act_date()
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
            outcome = "cancelled"
        else:
            await self._notify("decision", "permit_certificate", certificate_no=certificate_no)
            outcome = "granted"
        if commitment and workflow.patched(SPOT_CHECK_WINDOW):
            await self._await_spot_check(outcome, certificate_no, today)
            return
        await self.close(outcome, actor)

    async def _await_spot_check(self, outcome: str, certificate_no: str | None, decided_on: date) -> None:
        """三(一): the decision is made; the case stays open until a spot-check round reports on
        this certificate. If 3 months pass first, the window is escalated to the supervising
        body, and the case keeps waiting (a late report completes it late)."""
        self.decided_outcome, self.certificate_no = outcome, certificate_no
        await self.clocks.start(
            rules.SPOT_CHECK_WINDOW,
            started_on=decided_on,
            escalate_to=self.supervising_body,
            remind=rules.BUREAU,
        )
        await self.change_stage(rules.AWAITING_SPOT_CHECK, SYSTEM)

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
