"""A project of programme I of the foreign-trade development fund through its eight stages
(京商财务字〔2021〕33号 五; rules in domain.subsidy and domain.subsidy_pipeline).

The support is computed by the rules engine at the plan, at the disbursement application and
after the third-party audit (each recorded with its cuts); the decision approves the audited
amount within what is left of the enterprise's annual cap; the ledger pays it after the 7 days
of publicity, holding the cap even against another case's approval at the same moment.

"当年" of 附件2 二–五 and 十 is judged on the day the disbursement application was filed, and that
judgment holds through the audit and the decision; the disbursement claims are held to the plan.
Cases whose first quote predates these rules keep the rules they began with (patch
`GAZETTE_PATCH`).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.subsidy import Disburse, LedgerQuestion, SubsidyActivities
    from domain import subsidy_pipeline as rules
    from domain.calendar import local_date
    from domain.case import SYSTEM, Actor, CaseStatus, Deadline
    from domain.errors import DecisionRefusedError, InvalidInputError, WrongRoleError
    from domain.publicity import Objection, ObjectionRuling
    from domain.subsidy import Claim, Enterprise, QuoteSet, annual_cap_for, priorities, quote_all

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard
from workflows.publicity import Publicity

LEDGER_TIMEOUT = timedelta(seconds=30)
GAZETTE_PATCH = "subsidy-33-quote-on-filing-day-per-project-cap-against-plan"
"""The quote as the gazette reads (当年 on the filing day, 四(三) on the project, high-tech on the
activity's day, claims held to the plan); a case quoted before it keeps the old rules."""
ROUTE_PATCH = "subsidy-33-disbursement-route-per-stage"
"""五(三), 五(四)1: the disbursement's route, no longer the registration's."""
NO_ZERO_APPROVAL_PATCH = "subsidy-33-no-zero-approval"
"""五(四)2: a decision the re-quote leaves at ¥0 closes the case instead of publishing ¥0."""
WINDOWS = {
    rules.PLAN_PUBLICITY: ("plan", "五(二)2"),
    rules.DISBURSEMENT_PUBLICITY: ("disbursement", "五(五)"),
}


@workflow.defn(name="subsidy")
class SubsidyWorkflow(CaseWorkflow):
    procedure = rules.PROCEDURE
    decisions = rules.DECISIONS
    supervising_body = rules.MUNICIPAL_BUREAU

    def __init__(self) -> None:
        super().__init__()
        self.application: rules.SubsidyApplication | None = None
        self.publicity = Publicity()
        self.publicity_article = ""  # the article of the window in effect (五(二)2, 五(五))
        self.claims: tuple[Claim, ...] = ()
        self.quoted: QuoteSet | None = None  # the latest quote (plan, application, audit)
        self.approved = Decimal(0)
        self.enterprise: Enterprise | None = None  # as confirmed (五(一)2: the dual-autonomous status)
        self.plan_claims: tuple[Claim, ...] = ()  # 五(二): the claims of the plan
        self.filed_on: date | None = None  # 五(三): the day the disbursement application was filed

    def idle_decisions(self) -> frozenset[str]:
        return self.publicity.idle_ruling()

    def waits(self) -> tuple[Deadline, ...]:
        window = self.publicity.deadline(self.publicity_article, "对公示内容有异议者")
        return (window,) if window else ()

    @workflow.run
    async def run(self, opening: rules.SubsidyOpening) -> CaseStatus:
        application = self.application = opening.application
        await self.open_case(
            opening.case_no,
            opening.received_at,
            applicant_id=application.applicant_id,
            district=application.enterprise.district,
            stage=rules.REGISTRATION,
            application=application,
        )
        self.case_ready()
        for window in (rules.PLAN_PUBLICITY, rules.DISBURSEMENT_PUBLICITY):
            await workflow.wait_condition(partial(self._reached, window))
            if self.outcome is not None:
                break
            await self.publicity.wait(lambda: self.outcome is not None)
            self.waits_changed()
            if self.outcome is not None:
                break
            if window == rules.PLAN_PUBLICITY:
                await self.change_stage(rules.IMPLEMENTATION, SYSTEM)
            else:
                await self._disburse()
        return await self.finish()

    def _reached(self, stage: str) -> bool:
        return self.stage == stage or self.outcome is not None

    # Each decision's guard (run by the update validator) and its handler, typed with the payload
    # model of its rule in domain.subsidy_pipeline.DECISIONS.

    @guard("confirm-registration")
    def _confirming_body(self, payload: rules.ConfirmRegistration, actor: Actor) -> None:
        application = self._application()
        body = "municipal-bureau" if application.route is rules.Route.MUNICIPAL else "district-bureau"
        if actor.role != body:
            raise WrongRoleError(f"五(一)1: this enterprise's registration is confirmed by the {body}")
        # (a group case begun before `organiser` existed has none: confirmed as it was)
        unmet = rules.organiser_unmet(application.organiser) if application.organiser else None
        if payload.confirmed and unmet is not None:
            raise DecisionRefusedError(
                f"{unmet}；应作出不予确认的决定（confirmed: false）并写明理由 "
                "(the organising unit does not meet 一(二): confirm with confirmed false)"
            )

    @decision("confirm-registration")
    async def _confirm_registration(self, payload: rules.ConfirmRegistration, actor: Actor) -> None:
        application = self._application()
        if not payload.confirmed:
            await self._end(
                "registration",
                "企业注册确认结果通知",
                f"企业注册未予确认。理由：{payload.reasons}",
                "五(一)",
                "registration not confirmed",
                actor,
            )
            return
        body = (
            rules.MUNICIPAL_BUREAU
            if application.route is rules.Route.MUNICIPAL
            else rules.district_bureau(application.enterprise.district)
        )
        categories = sorted(application.enterprise.categories(local_date(workflow.now())))
        await self.record(
            actor,
            rules.RegistrationConfirmed(
                route=application.route.value, body=body, categories=tuple(categories)
            ),
        )
        await self._notify(
            "registration",
            "企业注册确认结果公示",
            f"企业注册经{body}确认，已在项目申报系统公示。",
            "五(一)1",
        )
        # 五(一)2: a dual-autonomous claim goes to the municipal bureau in writing.
        dual_claimed = application.enterprise.dual_basis is not None
        district = application.route is rules.Route.DISTRICT
        await self.change_stage(
            rules.DUAL_CONFIRMATION if dual_claimed and district else rules.PLAN_APPLICATION, actor
        )

    @decision("confirm-dual-autonomous")
    async def _confirm_dual_autonomous(self, payload: rules.ConfirmRegistration, actor: Actor) -> None:
        if not payload.confirmed:
            self.enterprise = self._application().enterprise.model_copy(update={"dual_basis": None})
        await self.record(
            actor, rules.DualAutonomousConfirmed(confirmed=payload.confirmed, reasons=payload.reasons)
        )
        await self.change_stage(rules.PLAN_APPLICATION, actor)

    @decision("apply-plan")
    async def _apply_plan(self, payload: rules.Claims, actor: Actor) -> None:
        self.claims = self.plan_claims = payload.claims
        await self._quote_claims("plan", actor)
        await self.change_stage(rules.PLAN_SELECTION, actor)

    @guard("select-plan")
    def _plan_fits(self, payload: rules.SelectPlan, actor: Actor) -> None:
        total = self._quote().total
        self._check_supported(payload.selected, total, "selected")
        if payload.selected and total > payload.budget_left:
            raise DecisionRefusedError(
                f"五(二)2: the plan's support {total} exceeds the budget left {payload.budget_left}"
            )
        # 三: the priorities the bureau weighed are the project's, as the rules find them.
        # (`priorities` is required at the boundary; a selection taken before it existed has none)
        met = priorities(self._enterprise(), self.claims, self.act_date())
        if payload.priorities is not None and set(payload.priorities) != set(met):
            found = "、".join(met) or "无"
            stated = "、".join(payload.priorities) or "无"
            raise DecisionRefusedError(
                f"三：本项目符合的优先支持情形为{found}，决定所列为{stated} "
                f"(the project meets {list(met)}, not {list(payload.priorities)})"
            )

    @decision("select-plan")
    async def _select_plan(self, payload: rules.SelectPlan, actor: Actor) -> None:
        if not payload.selected:
            weighed = (
                ""
                if payload.priorities is None
                else f"优先支持情形：{'、'.join(payload.priorities) or '无'}；"
            )
            await self._end(
                "plan",
                "项目计划审核结果通知",
                f"项目未列入年度项目计划（{weighed}{payload.priority}）。",
                "五(二)2、三",
                "not selected",
                actor,
            )
            return
        await self._publish(
            rules.PLAN_PUBLICITY,
            "项目计划审核结果公示",
            f"项目已列入年度项目计划，预计支持{self._quote().total}元",
            actor,
        )

    @guard("apply-disbursement")
    def _completed(self, payload: rules.Claims, actor: Actor) -> None:
        if payload.completed_on is None or payload.completed_on > self.act_date():
            raise InvalidInputError("completed_on: 五(三) a disbursement is applied for after completion")

    @decision("apply-disbursement")
    async def _apply_disbursement(self, payload: rules.Claims, actor: Actor) -> None:
        self.filed_on = self.act_date()  # 附件2 二–五, 十: "当年提交资金拨付申请"
        self.claims = payload.claims
        await self._quote_claims("application", actor)
        application = self._application()
        route = application.disbursement_route if workflow.patched(ROUTE_PATCH) else application.route
        district = route is rules.Route.DISTRICT
        await self.change_stage(rules.COMPLETENESS if district else rules.COMPLIANCE, actor)

    @decision("check-completeness")
    async def _check_completeness(self, payload: rules.Review, actor: Actor) -> None:
        await self._review("completeness", payload, rules.COMPLIANCE, actor)

    @decision("review-compliance")
    async def _review_compliance(self, payload: rules.Review, actor: Actor) -> None:
        await self._review("compliance", payload, rules.AUDIT, actor)

    async def _review(self, step: str, payload: rules.Review, passed_to: str, actor: Actor) -> None:
        """五(四)1: the district's completeness review, then the municipal compliance review."""
        if not payload.passed:
            await self._end(
                step,
                "资金拨付申请材料审核结果通知",
                f"资金拨付申请材料审核未通过。理由：{payload.reasons}",
                "五(四)1",
                f"{step} review not passed",
                actor,
            )
            return
        await self.change_stage(passed_to, actor)

    @guard("audit")
    def _audit_fits_claims(self, payload: rules.Audit, actor: Actor) -> None:
        if len(payload.audited_spend) != len(self.claims):
            raise InvalidInputError(f"audited_spend: one amount for each of the {len(self.claims)} claims")
        over = [
            str(i + 1)
            for i, (a, c) in enumerate(zip(payload.audited_spend, self.claims, strict=True))
            if a > c.spend or a < 0
        ]
        if over:
            raise InvalidInputError(f"audited_spend: claims {', '.join(over)} are above what was claimed")

    @decision("audit")
    async def _audit(self, payload: rules.Audit, actor: Actor) -> None:
        self.claims = tuple(
            c.model_copy(update={"spend": a}) for c, a in zip(self.claims, payload.audited_spend, strict=True)
        )
        await self._quote_claims("audit", actor)
        await self.change_stage(rules.DECISION, actor)

    @guard("decide")
    def _decision_supported(self, payload: rules.Decide, actor: Actor) -> None:
        self._check_supported(payload.approved, self._quote().total, "approved")

    @decision("decide")
    async def _decide(self, payload: rules.Decide, actor: Actor) -> None:
        if not payload.approved:
            await self._end(
                "decision",
                "资金拨付审核结果通知",
                f"资金拨付申请未予通过。理由：{payload.reasons}",
                "五(四)2",
                "not approved",
                actor,
            )
            return
        quoted = await self._quote_claims("decision", actor)
        if quoted.total == 0 and workflow.patched(NO_ZERO_APPROVAL_PATCH):
            # Only the ledger moves between the audit's quote (the guard's) and this one: another
            # case of the enterprise was paid meanwhile and took what was left of 四(四).
            why = quoted.annual_cut.reason if quoted.annual_cut else "按规则本项目无可拨付的支持资金"
            await self._end(
                "decision",
                "资金拨付审核结果通知",
                f"经核算，本项目可拨付支持资金为0元（{why}），不予拨付。",
                "四(四)、五(四)2",
                "not approved",
                actor,
            )
            return
        self.approved = quoted.total
        await self.record(
            actor, rules.DisbursementApproved(amount=quoted.total, annual_cap=quoted.annual_cap)
        )
        await self._publish(
            rules.DISBURSEMENT_PUBLICITY,
            "资金拨付审核结果公示",
            f"经原始票据与记账凭证审核，拟拨付支持资金{quoted.total}元",
            actor,
        )

    @guard("object")
    def _window_open(self, payload: Objection, actor: Actor) -> None:
        self.publicity.check_objection(WINDOWS[self.stage][1])

    @decision("object")
    async def _object(self, payload: Objection, actor: Actor) -> None:
        objection_id = self.publicity.lodge()
        await self.record(
            actor,
            rules.SubsidyObjectionLodged(
                window=WINDOWS[self.stage][0],
                objection_id=objection_id,
                objector=payload.objector,
                grounds=payload.grounds,
            ),
        )

    @guard("rule-objection")
    def _objection_awaits(self, payload: ObjectionRuling, actor: Actor) -> None:
        self.publicity.check_ruling(payload.objection_id)

    @decision("rule-objection")
    async def _rule_objection(self, payload: ObjectionRuling, actor: Actor) -> None:
        window, article = WINDOWS[self.stage]
        self.publicity.rule(payload.objection_id, payload.upheld)
        await self.record(
            actor,
            rules.SubsidyObjectionRuled(
                window=window,
                objection_id=payload.objection_id,
                upheld=payload.upheld,
                findings=payload.findings,
            ),
        )
        if payload.upheld:
            await self._end(
                f"objection-{window}",
                "公示异议处理结果通知",
                f"公示期内收到异议，经核查异议成立：{payload.findings}",
                article,
                f"objection upheld ({window} publicity)",
                actor,
            )

    def _check_supported(self, yes: bool, total: Decimal, field: str) -> None:
        if yes and total == 0:
            raise DecisionRefusedError(
                "按规则本项目支持金额为0元（见SupportQuoted），不能批准；"
                f"应作出不予通过的决定（{field}: false）并写明理由 "
                f"(the rules give this project no support: decide with {field} false and the reasons)"
            )

    # -- steps ---------------------------------------------------------------------------------

    async def _quote_claims(self, step: str, actor: Actor) -> QuoteSet:
        application = self._application()
        received = (
            Decimal(0)
            if application.group
            else await self.run_activity(
                SubsidyActivities.received,
                LedgerQuestion(enterprise_id=application.applicant_id, year=application.year),
                start_to_close=LEDGER_TIMEOUT,
            )
        )
        gazette = workflow.patched(GAZETTE_PATCH)
        quoted = self.quoted = quote_all(
            self._enterprise(),
            self.claims,
            self._judged_on(step) if gazette else local_date(workflow.now()),
            received_this_year=received,
            group=application.group,
            plan=self.plan_claims if gazette and step != "plan" else None,
            gazette=gazette,
        )
        await self.record(actor, rules.SupportQuoted(step=step, quote=quoted))
        return quoted

    def _judged_on(self, step: str) -> date:
        """The day "当年" is judged on (附件2 二–五, 十): the disbursement application's filing day,
        kept through the audit and the decision; the plan is judged on its own day."""
        if step in ("audit", "decision") and self.filed_on is not None:
            return self.filed_on
        return self.act_date()

    async def _publish(self, stage: str, heading: str, text: str, actor: Actor) -> None:
        window, article = WINDOWS[stage]
        self.publicity = Publicity()
        published, ends = self.publicity.publish(rules.PUBLICITY_DAYS)
        self.publicity_article = article
        await self.record(actor, rules.SubsidyPublished(window=window, published_on=published, ends_on=ends))
        self.waits_changed()
        await self._notify(
            f"{window}-publicity", heading, f"{text}，自{published}起公示7天，至{ends}止。", article
        )
        await self.change_stage(stage, actor)

    async def _disburse(self) -> None:
        """五(五): after the publicity, the bureau pays; the ledger holds the annual cap."""
        application = self._application()
        cap = (
            None
            if application.group
            else annual_cap_for(self._enterprise().categories(local_date(workflow.now())))
        )
        paid = await self.run_activity(
            SubsidyActivities.disburse,
            Disburse(
                case_no=self.case_no,
                enterprise_id=application.applicant_id,
                year=application.year,
                approved=self.approved,
                cap=cap,
                at=workflow.now(),
            ),
            start_to_close=LEDGER_TIMEOUT,
        )
        await self.record(
            SYSTEM, rules.Disbursed(amount=paid.amount, approved=paid.approved, cut_reason=paid.cut_reason)
        )
        cut = f"（{paid.cut_reason}）" if paid.cut_reason else ""
        await self._notify(
            "disbursement", "资金拨付通知", f"公示期满，拨付支持资金{paid.amount}元{cut}。", "五(五)"
        )
        await self.close("disbursed", SYSTEM)

    async def _end(
        self, step: str, heading: str, text: str, article: str, outcome: str, actor: Actor
    ) -> None:
        await self._notify(step, heading, text, article)
        await self.close(outcome, actor)

    async def _notify(self, step: str, heading: str, text: str, article: str) -> None:
        application = self._application()
        await self.issue_notice(
            step,
            "subsidy_notice",
            application.enterprise.name,
            {
                "heading": heading,
                "text": text,
                "article": article,
                "enterprise": application.enterprise.name,
                "project": application.project,
                "year": application.year,
                "body": rules.MUNICIPAL_BUREAU,
            },
        )

    def _enterprise(self) -> Enterprise:
        return self.enterprise or self._application().enterprise

    def _quote(self) -> QuoteSet:
        assert self.quoted is not None  # the plan was quoted before it can be selected
        return self.quoted

    def _application(self) -> rules.SubsidyApplication:
        if self.application is None:
            raise RuntimeError("the application has not been opened")
        return self.application
