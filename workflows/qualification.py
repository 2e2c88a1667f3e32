"""A request to verify a foreign professional qualification certificate (京人社事业发〔2021〕33号,
附件2; rules in domain.qualification, the catalog in domain.catalog).

Queries and updates: those of CaseWorkflow. The case opens by judging the request against the
catalog version in force (the case keeps that version and row: a later version does not change
it); a qualification the catalog does not hold is refused at once (附件2 二, "符合条件的").
Decisions (verification officer of the platform): accept (附件2 二: the employer is told how long
the check takes; that promise is the clock `verification`), refuse (附件2 四: false materials),
record-answer (附件2 三: the foreign issuer's answer; authentic → a verification code, made and
delivered by an activity, and the result notice, which does not hold the code).
Clock: verification (附件2 二, the promised period in working or calendar days): the foreign
issuer is chased (a reminder addressed to it) 2 days before it ends, and the bureau is told
(escalated) when it passes unanswered; a late answer completes it late.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.qualification import CatalogCheck, MakeCode, QualificationActivities
    from domain import qualification as rules
    from domain.case import SYSTEM, Actor, CaseStatus
    from domain.catalog import CatalogRow
    from domain.clocks import Unit
    from domain.errors import ClockStateError, DecisionRefusedError

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard

ACTIVITY_TIMEOUT = timedelta(seconds=30)


@workflow.defn(name="qualification-verification")
class QualificationVerificationWorkflow(CaseWorkflow):
    procedure = rules.PROCEDURE
    decisions = rules.DECISIONS
    supervising_body = rules.BUREAU

    def __init__(self) -> None:
        super().__init__()
        self.application: rules.VerificationRequest | None = None
        self.catalog_version = ""
        self.row: CatalogRow | None = None

    @workflow.run
    async def run(self, opening: rules.VerificationOpening) -> CaseStatus:
        application = self.application = opening.application
        await self.open_case(
            opening.case_no,
            opening.received_at,
            applicant_id=application.applicant_id,
            district=None,
            stage=rules.ACCEPTANCE,
            application=application,
        )
        judgement = await self.run_activity(
            QualificationActivities.catalog_check,
            CatalogCheck(qualification_no=application.qualification_no),
            start_to_close=ACTIVITY_TIMEOUT,
        )
        self.catalog_version, self.row = judgement.version, judgement.row
        row = judgement.row
        await self.record(
            SYSTEM,
            rules.CatalogChecked(
                version=judgement.version,
                qualification_no=application.qualification_no,
                found=row is not None,
                name=row.name if row else None,
                issuer=row.issuer if row else None,
                field=row.field.value if row else None,
            ),
        )
        if row is None:
            await self._not_in_catalog()
        self.case_ready()
        await workflow.wait_condition(lambda: self.outcome is not None)
        return await self.finish()

    async def _not_in_catalog(self) -> None:
        """附件2 二: only a request that meets the conditions is accepted; a qualification
        outside the catalog in force is not one the platform verifies."""
        number = self._application().qualification_no
        reasons = (
            f"《目录》（{self.catalog_version}版）无第{number}项，该境外职业资格不在认可目录内"
            f"（not in catalog version {self.catalog_version}）"
        )
        await self.record(SYSTEM, rules.VerificationRefused(ground="not-in-catalog", reasons=reasons))
        await self._notify(
            "refused",
            "qualification_refused",
            ground="所申请查验的境外职业资格不在《目录》内",
            basis="《境外职业资格证书查询验证流程》第二条",
            reasons=reasons,
        )
        await self.close(rules.NOT_IN_CATALOG, SYSTEM)

    @guard("accept")
    def _in_the_catalog(self, payload: rules.Accept, actor: Actor) -> None:
        """附件2 二: only a request for a catalog qualification is accepted."""
        if self.row is None:
            raise DecisionRefusedError("该境外职业资格不在《目录》内，不予受理（not in the catalog）")

    @decision("accept")
    async def _accept(self, payload: rules.Accept, actor: Actor) -> None:
        """附件2 二: accepted; the employer is told how long the check takes, and the platform's
        promise runs as the case's clock, the foreign issuer chased before it ends."""
        row = self._row()
        period = rules.verification_period(payload.length, Unit(payload.unit))
        plan = await self.clocks.start(period, escalate_to=rules.BUREAU, remind=rules.issuer_label(row))
        await self.record(
            actor,
            rules.VerificationAccepted(
                length=payload.length, unit=payload.unit, due=plan.due, contact=payload.contact
            ),
        )
        await self.change_stage(rules.AWAITING_ISSUER, actor)
        await self._notify(
            "accepted",
            "qualification_accepted",
            accepted_on=self.act_date().isoformat(),
            contact=payload.contact,
            length=payload.length,
            unit_name="工作日" if payload.unit == Unit.WORKING_DAYS.value else "自然日",
            due=plan.due.isoformat(),
        )

    @decision("refuse")
    async def _refuse(self, payload: rules.Refuse, actor: Actor) -> None:
        """附件2 四: false materials or untrue information: the request is refused."""
        await self.record(actor, rules.VerificationRefused(ground=payload.ground, reasons=payload.reasons))
        await self._notify(
            "refused",
            "qualification_refused",
            ground="提供虚假材料或不实信息",
            basis="《境外职业资格证书查询验证流程》第四条",
            reasons=payload.reasons,
        )
        await self.close(rules.REFUSED, actor)

    @decision("record-answer")
    async def _record_answer(self, payload: rules.IssuerAnswer, actor: Actor) -> None:
        """附件2 三: the issuer's answer ends the wait; the employer is told the result and, for
        an authentic certificate, given a verification code (by the activity, once)."""
        await self.clocks.complete("verification", actor)
        await self.record(
            actor, rules.IssuerAnswered(authentic=payload.authentic, reference=payload.reference)
        )
        if payload.authentic:
            application, row = self._application(), self._row()
            made = await self.run_activity(
                QualificationActivities.make_code,
                MakeCode(
                    case_no=self.case_no,
                    catalog_version=self.catalog_version,
                    qualification_no=row.number,
                    recipient=application.employer.name,
                    context={
                        "employer": application.employer.name,
                        "qualification": row.name,
                        "certificate_no": application.certificate_no,
                        "body": rules.PLATFORM,
                    },
                    at=workflow.now(),
                ),
                start_to_close=ACTIVITY_TIMEOUT,
            )
            await self.record(SYSTEM, rules.CodeIssued(code_id=made.code_id, delivered_to=made.delivered_to))
        await self._notify(
            "result",
            "qualification_result",
            authentic=payload.authentic,
            unanswered=None,
            disclaimer=rules.DISCLAIMER,
        )
        await self.close(rules.AUTHENTIC if payload.authentic else rules.NOT_AUTHENTIC, actor)

    @guard("close-unverified")
    def _promise_passed(self, payload: rules.CloseUnverified, actor: Actor) -> None:
        if self.clocks.state("verification") != "breached":
            raise ClockStateError(
                "承诺的查验时限尚未届满，仍在等待境外发证机构答复（the promised time has not passed）"
            )

    @decision("close-unverified")
    async def _close_unverified(self, payload: rules.CloseUnverified, actor: Actor) -> None:
        """附件2 二、三: the issuer never answered after the promised time (escalated): the
        employer is told the certificate could not be verified; no code."""
        await self.record(actor, rules.ClosedUnverified(reasons=payload.reasons))
        await self._notify(
            "result",
            "qualification_result",
            authentic=False,
            unanswered=payload.reasons,
            disclaimer=rules.DISCLAIMER,
        )
        await self.close(rules.UNVERIFIED, actor)

    async def _notify(self, step: str, template: str, **facts: Any) -> None:
        application = self._application()
        row = self.row
        await self.issue_notice(
            step,
            template,
            application.employer.name,
            {
                "employer": application.employer.name,
                "uscc": application.employer.uscc,
                "holder": application.holder,
                "certificate_no": application.certificate_no,
                "qualification_no": application.qualification_no,
                "qualification": row.name if row else "",
                "issuer": rules.issuer_label(row) if row else "",
                "version": self.catalog_version,
                "body": rules.PLATFORM,
                **facts,
            },
        )

    def _application(self) -> rules.VerificationRequest:
        if self.application is None:
            raise RuntimeError("the request has not been opened")
        return self.application

    def _row(self) -> CatalogRow:
        if self.row is None:
            raise RuntimeError("the request was not judged against the catalog")
        return self.row
