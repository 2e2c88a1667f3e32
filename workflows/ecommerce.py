"""An application to programme II, cross-border e-commerce (京商财务字〔2021〕34号 六; rules in
domain.ecommerce): the district's initial review, then the municipal bureau's review
and its amounts; projects of the pilot zone's online service platform go to the municipal
bureau directly (六(一)); an approved project is paid through the fund's ledger (六(二)).

An application filed before 2021-09-09 is not under 34号 and ends at opening (施行). The
district cannot pass, nor the bureau approve a platform project, while a condition of 四 is
unmet or a material of 五 missing (`rules.unmet`).

Patches: `ecommerce-filed-under-34` (the filing date decides the scheme),
`ecommerce-conditions-named` (a refusal's notice names what 四/五 found missing),
`ecommerce-paid-through-ledger` (六(二): payment, notice, outcome `paid`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.subsidy import Disburse, SubsidyActivities
    from domain import ecommerce as rules
    from domain.calendar import local_date
    from domain.case import SYSTEM, Actor, CaseStatus
    from domain.errors import DecisionRefusedError, InvalidInputError
    from domain.subsidy_pipeline import MUNICIPAL_BUREAU, district_bureau

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard

FILED_UNDER_34 = "ecommerce-filed-under-34"
CONDITIONS_NAMED = "ecommerce-conditions-named"
PAID_THROUGH_LEDGER = "ecommerce-paid-through-ledger"
LEDGER_TIMEOUT = timedelta(seconds=30)


@workflow.defn(name="ecommerce-subsidy")
class EcommerceSubsidyWorkflow(CaseWorkflow):
    procedure = rules.PROCEDURE
    decisions = rules.DECISIONS
    supervising_body = MUNICIPAL_BUREAU

    def __init__(self) -> None:
        super().__init__()
        self.application: rules.EcommerceProject | None = None

    @workflow.run
    async def run(self, opening: rules.EcommerceOpening) -> CaseStatus:
        project = self.application = opening.application
        stage = rules.MUNICIPAL_REVIEW if project.pilot_zone_platform else rules.DISTRICT_REVIEW
        await self.open_case(
            opening.case_no,
            opening.received_at,
            applicant_id=project.applicant_id,
            district=project.district,
            stage=stage,
            application=project,
        )
        filed_on = local_date(self.opened_at or workflow.now())
        if not rules.under_34(filed_on) and workflow.patched(FILED_UNDER_34):
            await self._not_under_34(filed_on)
        else:
            self.case_ready()
        await workflow.wait_condition(lambda: self.outcome is not None)
        return await self.finish()

    @guard("initial-review")
    def _conditions_met(self, payload: rules.InitialReview, actor: Actor) -> None:
        """四, 五: the district cannot pass an application that misses a condition or a material."""
        project = self._project()
        if payload.passed and project.standing is not None and (unmet := rules.unmet(project)):
            raise DecisionRefusedError("passed: " + "；".join(unmet))

    @guard("municipal-review")
    def _support_fits(self, payload: rules.MunicipalReview, actor: Actor) -> None:
        if not payload.approved:
            return
        project = self._project()
        investment = project.investment
        if project.pilot_zone_platform and project.standing is not None and (unmet := rules.unmet(project)):
            # 六(一): no district saw this one; the bureau's review is its first
            raise DecisionRefusedError("approved: " + "；".join(unmet))
        if project.pilot_zone_platform != (payload.reviewed_cost is not None):
            raise InvalidInputError(
                "reviewed_cost: 三(四) the pilot zone's platform projects, and only "
                "they, are supported at the cost a review or tender fixed"
            )
        if payload.rent_support is not None and not (investment and investment.new_experience_store):
            raise InvalidInputError("rent_support: 三(二)1 is for a new experience store")
        computed = self._support(payload)  # refuses an LPR the series does not hold
        if computed.refusals:
            raise InvalidInputError("approved: " + "；".join(computed.refusals))
        if computed.total == 0:
            raise InvalidInputError(
                "approved: the rules give this project no support; it can only be turned down"
            )

    @decision("initial-review")
    async def _initial_review(self, payload: rules.InitialReview, actor: Actor) -> None:
        if not payload.passed:
            await self._end(
                "initial-review",
                "初审未通过",
                self._with_unmet(payload.reasons),
                "not passed by the district",
                actor,
            )
            return
        await self.change_stage(rules.MUNICIPAL_REVIEW, actor)

    @decision("municipal-review")
    async def _municipal_review(self, payload: rules.MunicipalReview, actor: Actor) -> None:
        if not payload.approved:
            reasons = (
                self._with_unmet(payload.reasons) if self._project().pilot_zone_platform else payload.reasons
            )
            await self._end("municipal-review", "评审未通过", reasons, "not approved", actor)
            return
        computed = self._support(payload)
        await self.record(actor, rules.EcommerceSupportDecided(support=computed))
        text = (
            f"支持资金{computed.total}元（贴息{computed.interest}元，补助{computed.grant}元，"
            f"奖励{computed.reward}元）"
        )
        if computed.total > 0 and workflow.patched(PAID_THROUGH_LEDGER):
            await self._notify("municipal-review", "评审通过", text)
            await self._pay(computed.total)
            return
        await self._end("municipal-review", "评审通过", text, "approved", actor)

    async def _pay(self, total: Decimal) -> None:
        """六(二): “市商务局…组织开展项目评审、资金拨付”: the payment goes through the fund's
        ledger (its own account for 34号: no annual cap), then the payment notice."""
        project = self._project()
        account = rules.ledger_account(project.uscc)
        year = self.act_date().year
        paid = await self.run_activity(
            SubsidyActivities.disburse,
            Disburse(
                case_no=self.case_no,
                enterprise_id=account,
                year=year,
                approved=total,
                cap=None,
                at=workflow.now(),
            ),
            start_to_close=LEDGER_TIMEOUT,
        )
        await self.record(
            SYSTEM,
            rules.EcommerceSupportPaid(
                ledger_account=account,
                year=year,
                approved=paid.approved,
                amount=paid.amount,
                cut_reason=paid.cut_reason,
            ),
        )
        await self.issue_notice(
            "payment",
            "ecommerce_payment",
            project.name,
            {
                "enterprise": project.name,
                "project": project.project,
                "amount": str(paid.amount),
                "body": MUNICIPAL_BUREAU,
            },
        )
        await self.close("paid", SYSTEM)

    async def _not_under_34(self, filed_on: date) -> None:
        """施行: filed before 2021-09-09, under the repealed 2018 scheme: not a 34号 case."""
        project = self._project()
        reason = (
            f"申请于{filed_on.isoformat()}提出，早于本实施方案2021年9月9日施行之日，"
            "不适用京商财务字〔2021〕34号（其时适用的京商务财务字〔2018〕25号已同时废止）"
        )
        await self.record(SYSTEM, rules.EcommerceNotUnder34(filed_on=filed_on, reason=reason))
        await self.issue_notice(
            "not-under-34",
            "ecommerce_not_under_34",
            project.name,
            {
                "enterprise": project.name,
                "project": project.project,
                "reason": reason,
                "body": MUNICIPAL_BUREAU,
            },
        )
        await self.close("not under 34号", SYSTEM)

    def _with_unmet(self, reasons: str) -> str:
        """四, 五: a refusal names each condition unmet and material missing (new cases)."""
        project = self._project()
        unmet = rules.unmet(project) if project.standing is not None else ()
        if unmet and workflow.patched(CONDITIONS_NAMED):
            return f"{reasons}（{'；'.join(unmet)}）"
        return reasons

    def _support(self, payload: rules.MunicipalReview) -> rules.Support:
        return rules.support(
            self._project(),
            audited_investment=payload.audited_investment,
            reward=payload.reward,
            reviewed_cost=payload.reviewed_cost,
            rent_support=payload.rent_support,
        )

    async def _end(self, step: str, result: str, text: str, outcome: str, actor: Actor) -> None:
        await self._notify(step, result, text)
        await self.close(outcome, actor)

    async def _notify(self, step: str, result: str, text: str) -> None:
        project = self._project()
        body = MUNICIPAL_BUREAU if step == "municipal-review" else district_bureau(project.district)
        await self.issue_notice(
            step,
            "ecommerce_notice",
            project.name,
            {
                "enterprise": project.name,
                "project": project.project,
                "result": result,
                "text": text,
                "body": body,
            },
        )

    def _project(self) -> rules.EcommerceProject:
        if self.application is None:
            raise RuntimeError("the application has not been opened")
        return self.application
