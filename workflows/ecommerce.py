"""An application to programme II, cross-border e-commerce (京商财务字〔2021〕34号 六; rules in
domain.ecommerce): the district's initial review, then the municipal bureau's review
and its amounts; projects of the pilot zone's online service platform go to the municipal
bureau directly (六(一))."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import ecommerce as rules
    from domain.case import Actor, CaseStatus
    from domain.errors import InvalidInputError
    from domain.subsidy_pipeline import MUNICIPAL_BUREAU, district_bureau

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard


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
        self.case_ready()
        await workflow.wait_condition(lambda: self.outcome is not None)
        return await self.finish()

    @guard("municipal-review")
    def _support_fits(self, payload: rules.MunicipalReview, actor: Actor) -> None:
        if not payload.approved:
            return
        project = self._project()
        investment = project.investment
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
                "initial-review", "初审未通过", payload.reasons, "not passed by the district", actor
            )
            return
        await self.change_stage(rules.MUNICIPAL_REVIEW, actor)

    @decision("municipal-review")
    async def _municipal_review(self, payload: rules.MunicipalReview, actor: Actor) -> None:
        if not payload.approved:
            await self._end("municipal-review", "评审未通过", payload.reasons, "not approved", actor)
            return
        computed = self._support(payload)
        await self.record(actor, rules.EcommerceSupportDecided(support=computed))
        await self._end(
            "municipal-review",
            "评审通过",
            f"支持资金{computed.total}元（贴息{computed.interest}元，补助{computed.grant}元，"
            f"奖励{computed.reward}元）",
            "approved",
            actor,
        )

    def _support(self, payload: rules.MunicipalReview) -> rules.Support:
        return rules.support(
            self._project(),
            audited_investment=payload.audited_investment,
            reward=payload.reward,
            reviewed_cost=payload.reviewed_cost,
            rent_support=payload.rent_support,
        )

    async def _end(self, step: str, result: str, text: str, outcome: str, actor: Actor) -> None:
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
        await self.close(outcome, actor)

    def _project(self) -> rules.EcommerceProject:
        if self.application is None:
            raise RuntimeError("the application has not been opened")
        return self.application
