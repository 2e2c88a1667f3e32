"""The exam route to an assistant or intermediate IP title (京人社事业发〔2021〕32号 五(一); rules in
domain.title_exam).

Registration (blacklist gate and eligibility at once); the exam office's online check — it
cannot approve a registration the conditions refuse; payment, which with the approval makes
the registration succeed; the score; the certificate, entered in the register beside the
review route's (`TitleCertified`), so that `title verify` finds it and `title revoke` revokes it
(六(一)). Fraud found at any step cancels the registration and blacklists the person (六(一)).

Patch: `title-exam-certificate-registered` (TitleCertified after ExamCertified).
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.titles import TitleActivities
    from domain import title_exam as rules
    from domain.calendar import local_date
    from domain.case import Actor, CaseStatus
    from domain.errors import DecisionRefusedError, InvalidInputError
    from domain.title import TitleCertified

from workflows.decisions import decision, guard
from workflows.title_common import ACTIVITY_TIMEOUT, TitleCase

CERTIFICATE_REGISTERED = "title-exam-certificate-registered"
NUMBER_CHECKED = "title-exam-certificate-number-checked"
"""The number is looked up in the register before the certificate is issued."""


@workflow.defn(name="title-exam")
class TitleExamWorkflow(TitleCase):
    procedure = rules.EXAM
    decisions = rules.EXAM_DECISIONS

    @workflow.run
    async def run(self, opening: rules.ExamOpening) -> CaseStatus:
        if await self.open_title_case(opening.case_no, opening, opening.application, rules.CHECK):
            await workflow.wait_condition(lambda: self.outcome is not None)
        return await self.finish()

    @guard("check")
    def _conditions_met(self, payload: rules.CheckRegistration, actor: Actor) -> None:
        if payload.approved and not self.assessed().eligible:
            raise DecisionRefusedError(
                "五(一)2: the registration does not meet the conditions: " + self.assessed().explain()
            )

    @decision("check")
    async def _check(self, payload: rules.CheckRegistration, actor: Actor) -> None:
        if not payload.approved:
            await self.end(
                "check",
                "title_exam_not_approved",
                "registration not approved",
                actor,
                reasons=payload.reasons,
            )
            return
        await self.change_stage(rules.PAYMENT, actor)

    @decision("pay")
    async def _pay(self, payload: rules.Pay, actor: Actor) -> None:
        await self.change_stage(rules.REGISTERED, actor)
        await self.notify("registered", "title_exam_registered", receipt_no=payload.receipt_no)

    @guard("record-score")
    def _exam_sat(self, payload: rules.RecordScore, actor: Actor) -> None:
        if payload.sat_on > local_date(workflow.now()):
            raise InvalidInputError(f"sat_on: {payload.sat_on} has not come yet")

    @decision("record-score")
    async def _record_score(self, payload: rules.RecordScore, actor: Actor) -> None:
        passed = payload.score >= payload.pass_mark
        await self.record(
            actor,
            rules.ExamScored(
                sat_on=payload.sat_on, score=payload.score, pass_mark=payload.pass_mark, passed=passed
            ),
        )
        if not passed:
            await self.end(
                "score",
                "title_exam_score",
                "failed",
                actor,
                score=payload.score,
                pass_mark=payload.pass_mark,
                passed=False,
            )
            return
        await self.change_stage(rules.CERTIFICATE, actor)
        await self.notify(
            "score", "title_exam_score", score=payload.score, pass_mark=payload.pass_mark, passed=True
        )

    @decision("issue-certificate")
    async def _issue_certificate(self, payload: rules.IssueCertificate, actor: Actor) -> None:
        application = self.application
        if workflow.patched(NUMBER_CHECKED):
            # A number the register gives another case would fail the register's append and hold
            # the case for good: refused here, recorded, and issued again with the right number.
            holder = await self.run_activity(
                TitleActivities.certificate_holder, payload.certificate_no, start_to_close=ACTIVITY_TIMEOUT
            )
            if holder is not None and holder != self.case_no:
                await self.record(
                    actor, rules.CertificateNumberTaken(certificate_no=payload.certificate_no, held_by=holder)
                )
                return
        await self.record(
            actor,
            rules.ExamCertified(
                certificate_no=payload.certificate_no,
                level=application.level.value,
                direction=application.direction.value,
            ),
        )
        if workflow.patched(CERTIFICATE_REGISTERED):
            # 六(一) revokes a title however obtained: the register holds both routes' certificates
            await self.record(
                actor,
                TitleCertified(
                    certificate_no=payload.certificate_no,
                    id_number=application.applicant.id_number,
                    name=application.applicant.name,
                    level=application.level.value,
                    direction=application.direction.value,
                    issued_on=self.act_date(),
                ),
            )
        await self.end(
            "certificate", "title_exam_certificate", "certified", actor, certificate_no=payload.certificate_no
        )

    def notice_facts(self) -> dict[str, Any]:
        return {"round": self.application.exam_year, "exam_office": rules.EXAM_OFFICE}
