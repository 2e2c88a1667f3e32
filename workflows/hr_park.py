"""A municipal HR service industrial park (京人社市场发〔2021〕35号; rules in domain.hr_park): its
designation, then its life as a park, in one case that lives as long as the title does.

Designation (第七至九条): the district HR department's application, with the district
government's consent, opens the case in `completeness`. Decisions: check-materials (hr-bureau,
第九条1: incomplete → returned); assess (hr-bureau, 第八条 and 第九条2: each condition a finding
with its figure, and the expert review; not passed → not designated); object (public) and
rule-objection (hr-bureau) during the 7 days of publicity (第九条3, workflows.publicity); an
objection upheld → not designated; the window over with none standing → the title (授牌):
ParkDesignated, the register (read model `hr_parks`).

The park's life (第十至十二条): in stage `designated` a durable timer in this case wakes on the
day the next evaluation is due (every 3 years from the title, domain.hr_park.evaluation_due)
and opens it (`evaluation`). Decisions: evaluate (hr-bureau: methods, the areas of 第十一条,
result: excellent → commended, qualified → designated again, unqualified → `rectification`
with the park's clock to the date set, revoked → 取消授牌 and the case ends); recheck
(hr-bureau, in `rectification`: rectified → designated again; not → revoked); revoke
(hr-bureau, any stage of the life, 第十二条); file-district-measures (district-hr, 第五条).
Between evaluations, once a run's history is long, the case goes on in a new run
(continue-as-new) with its park record and numbering.

Queries: those of CaseWorkflow, and `park()` → ParkRecord | None (the designated park).
Clocks: rectification (第十二条, the date the bureau set, a party's period).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import hr_park as rules
    from domain.calendar import local_date, start_of_day
    from domain.case import SYSTEM, Actor, CaseStatus, Deadline
    from domain.errors import DecisionRefusedError, InvalidInputError
    from domain.publicity import Objection, ObjectionRuling

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard
from workflows.publicity import Publicity

MEASURES_TERM_NOTED = "hr-park-notes-the-measures-term"
"""第十六条: an application received after the measures' five years is noted at opening."""


@workflow.defn(name="hr-park")
class HrParkWorkflow(CaseWorkflow):
    procedure = rules.PROCEDURE
    decisions = rules.DECISIONS
    supervising_body = rules.BUREAU

    def __init__(self) -> None:
        super().__init__()
        self.application: rules.ParkApplication | None = None
        self.publicity = Publicity()
        self.park_record: rules.ParkRecord | None = None
        self._changes = 0  # bumped by a decision of the park's life: the timer plans again

    occasional = frozenset({"revoke", "order-rectification", "file-district-measures"})  # 第十一、十二条

    def idle_decisions(self) -> frozenset[str]:
        return self.occasional | self.publicity.idle_ruling()

    def waits(self) -> tuple[Deadline, ...]:
        """The publicity window (第九条3), and once designated the next evaluation (第十条)."""
        window = self.publicity.deadline(rules.PUBLICITY.article, rules.PUBLICITY.acts)
        waits = [window] if window else []
        if self.stage == rules.DESIGNATED and self.park_record is not None:
            waits.append(
                Deadline(
                    name="evaluation",
                    article="第十条",
                    due=self._park().next_evaluation_due,
                    state="running",
                    kind="period",
                    acts="北京市人力资源和社会保障局",
                )
            )
        return tuple(waits)

    @workflow.run
    async def run(self, opening: rules.ParkOpening) -> CaseStatus:
        application = self.application = opening.application
        if opening.carried_case is None or opening.carried_park is None:
            await self.open_case(
                opening.case_no,
                opening.received_at,
                applicant_id=application.applicant_id,
                district=application.district,
                stage=rules.COMPLETENESS,
                application=application,
            )
            received_on = local_date(self.opened_at or workflow.now())
            if received_on > rules.MEASURES_VALID_THROUGH and workflow.patched(MEASURES_TERM_NOTED):
                await self.record(
                    SYSTEM,
                    rules.ReceivedAfterTheMeasuresTerm(
                        received_on=received_on, valid_through=rules.MEASURES_VALID_THROUGH
                    ),
                )
            self.case_ready()
            if not await self._designation():
                return await self.finish()
        else:
            self.resume_case(opening.carried_case, district=application.district)
            self.park_record = opening.carried_park
            self.case_ready()
        while self.outcome is None:
            if self.stage == rules.DESIGNATED and len(self.history) >= opening.continue_after_events:
                await self._continue(opening)
            await self._next_in_life()
        return await self.finish()

    @workflow.query
    def park(self) -> rules.ParkRecord | None:
        return self.park_record

    # -- designation (第七至九条) ------------------------------------------------------------------

    async def _designation(self) -> bool:
        """Until the publicity is over and no objection stands (第九条3), then the title."""
        await workflow.wait_condition(lambda: self.stage == rules.PUBLICITY_STAGE or self.outcome is not None)
        if self.outcome is not None:
            return False
        await self.publicity.wait(lambda: self.outcome is not None)
        self.waits_changed()
        if self.outcome is not None:
            return False
        async with self._decision_lock:
            if self.outcome is not None:  # a cancellation or a ruling carried out meanwhile ended it
                return False
            await self._designate()
        return True

    @guard("check-materials")
    def _materials_as_found(self, payload: rules.CheckMaterials, actor: Actor) -> None:
        """第九条1: complete only if the application holds the five materials."""
        missing = rules.missing_materials(self._application().materials)
        if payload.complete and missing:
            raise DecisionRefusedError(
                "第九条1: 申报材料不齐全（" + "、".join(m.chinese for m in missing) + "）; "
                "the application lacks " + ", ".join(m.value for m in missing)
            )

    @decision("check-materials")
    async def _check_materials(self, payload: rules.CheckMaterials, actor: Actor) -> None:
        await self.record(
            actor,
            rules.ParkMaterialsChecked(
                complete=payload.complete, missing=tuple(m.value for m in payload.missing)
            ),
        )
        if not payload.complete:
            await self._notify("returned", "hr_park_returned", missing=[m.chinese for m in payload.missing])
            await self.close(rules.RETURNED, actor)
            return
        await self.change_stage(rules.ASSESSMENT, actor)

    @decision("assess")
    async def _assess(self, payload: rules.Assess, actor: Actor) -> None:
        """第八条, 第九条2: passed only if every condition is met and the experts recommend it."""
        findings = rules.assess_conditions(payload.figures)
        passed = all(f.met for f in findings) and payload.expert_review.recommends
        await self.record(
            actor, rules.ParkAssessed(findings=findings, expert_review=payload.expert_review, passed=passed)
        )
        if not passed:
            unmet = [f"{f.article} {f.condition}（{f.figure}）" for f in findings if not f.met]
            if not payload.expert_review.recommends:
                unmet.append("第九条2 专家评审未予推荐")
            await self._notify("not-designated", "hr_park_not_designated", reasons=unmet)
            await self.close(rules.NOT_DESIGNATED, actor)
            return
        published, ends = self.publicity.publish(rules.PUBLICITY.length)
        await self.record(actor, rules.ParkPublicityStarted(published_on=published, ends_on=ends))
        self.waits_changed()
        await self.change_stage(rules.PUBLICITY_STAGE, actor)
        await self._notify(
            "publicity", "hr_park_publicity", published_on=published.isoformat(), ends_on=ends.isoformat()
        )

    @guard("object")
    def _window_open(self, payload: Objection, actor: Actor) -> None:
        self.publicity.check_objection("第九条3")

    @decision("object")
    async def _object(self, payload: Objection, actor: Actor) -> None:
        objection_id = self.publicity.lodge()
        await self.record(
            actor,
            rules.ParkObjectionLodged(
                objection_id=objection_id, objector=payload.objector, grounds=payload.grounds
            ),
        )

    @guard("rule-objection")
    def _objection_awaits(self, payload: ObjectionRuling, actor: Actor) -> None:
        self.publicity.check_ruling(payload.objection_id)

    @decision("rule-objection")
    async def _rule_objection(self, payload: ObjectionRuling, actor: Actor) -> None:
        self.publicity.rule(payload.objection_id, payload.upheld)
        await self.record(
            actor,
            rules.ParkObjectionRuled(
                objection_id=payload.objection_id, upheld=payload.upheld, findings=payload.findings
            ),
        )
        if payload.upheld:
            await self._notify("not-designated", "hr_park_not_designated", reasons=[payload.findings])
            await self.close(rules.OBJECTION_UPHELD, actor)

    async def _designate(self) -> None:
        """第九条3: "公示无异议的…正式为其授牌"."""
        application = self._application()
        today = local_date(workflow.now())
        record = self.park_record = rules.ParkRecord(designated_on=today)
        await self.record(
            SYSTEM,
            rules.ParkDesignated(
                park_name=application.park_name,
                district=application.district.value,
                operator_uscc=application.operator.uscc,
                operator_name=application.operator.name,
                designated_on=today,
                next_evaluation_due=record.next_evaluation_due,
            ),
        )
        await self.change_stage(rules.DESIGNATED, SYSTEM)
        await self._notify(
            "designated",
            "hr_park_designated",
            designated_on=today.isoformat(),
            next_evaluation_due=record.next_evaluation_due.isoformat(),
        )

    # -- the park's life (第十至十二条) ------------------------------------------------------------

    async def _next_in_life(self) -> None:
        """Designated: sleep until the next evaluation is due (or a decision), then open it.
        Under evaluation or rectification: until the park is designated again or the case ends."""
        if self.stage != rules.DESIGNATED:
            await workflow.wait_condition(lambda: self.stage == rules.DESIGNATED or self.outcome is not None)
            return
        due = self._park().next_evaluation_due
        self.waits_changed()
        remaining = start_of_day(due) - workflow.now()
        changes = self._changes
        if remaining > timedelta(0):
            try:
                await workflow.wait_condition(
                    lambda: self._changes != changes or self.outcome is not None,
                    timeout=remaining,
                    timeout_summary=f"评估考核（第十条）evaluation due {due}",
                )
            except TimeoutError:
                pass  # the day has come
            if self._changes != changes or self.outcome is not None:
                return
        async with self._decision_lock:  # no decision is carried out while the evaluation opens
            if self.outcome is None and self.stage == rules.DESIGNATED:
                await self._open_evaluation()

    async def _open_evaluation(self) -> None:
        """第十条: "评估考核一般每 3 年进行一次"."""
        park = self._park()
        round_no, due = park.evaluations + 1, park.next_evaluation_due
        self.park_record = park.model_copy(update={"evaluations": round_no})
        await self.record(SYSTEM, rules.ParkEvaluationOpened(round_no=round_no, due_on=due))
        await self.change_stage(rules.EVALUATION, SYSTEM)
        self.waits_changed()  # the evaluation is open: no longer a wait
        await self._notify(f"evaluation-{round_no}", "hr_park_evaluation", round_no=round_no)

    @guard("evaluate")
    def _rectification_date_ahead(self, payload: rules.Evaluate, actor: Actor) -> None:
        if payload.rectify_by is not None and payload.rectify_by <= self.act_date():
            raise InvalidInputError(
                f"rectify_by: 整改期限须在评估之后（{payload.rectify_by} is not after {self.act_date()}）"
            )

    @decision("evaluate")
    async def _evaluate(self, payload: rules.Evaluate, actor: Actor) -> None:
        park = self._park()
        result = payload.result
        going_on = result in (rules.EvaluationResult.EXCELLENT, rules.EvaluationResult.QUALIFIED)
        update: dict[str, Any] = {"last_result": result}
        if result is rules.EvaluationResult.EXCELLENT:
            update["commendations"] = park.commendations + 1
        park = self.park_record = park.model_copy(update=update)
        await self.record(
            actor,
            rules.ParkEvaluated(
                round_no=park.evaluations,
                methods=tuple(m.value for m in payload.methods),
                areas=payload.areas,
                result=result.value,
                rectify_by=payload.rectify_by,
                next_evaluation_due=None
                if result is rules.EvaluationResult.REVOKED
                else park.next_evaluation_due,
            ),
        )
        self._changes += 1
        if result is rules.EvaluationResult.REVOKED:
            await self._revoke(payload.causes, "第十二条 评估考核", actor)
            return
        facts: dict[str, Any] = {
            "round_no": park.evaluations,
            "result": result.chinese,
            "methods": [m.chinese for m in payload.methods],
            "commended": result is rules.EvaluationResult.EXCELLENT,
            "rectify_by": payload.rectify_by.isoformat() if payload.rectify_by else None,
            "next_evaluation_due": park.next_evaluation_due.isoformat() if going_on else None,
        }
        await self._notify(f"evaluated-{park.evaluations}", "hr_park_evaluated", **facts)
        if payload.rectify_by is not None:
            await self.clocks.start(
                rules.rectification_period(self.act_date(), payload.rectify_by),
                escalate_to=rules.BUREAU,
                remind=self._application().operator.name,
            )
            await self.change_stage(rules.RECTIFICATION_STAGE, actor)
            return
        await self.change_stage(rules.DESIGNATED, actor)

    @guard("order-rectification")
    def _order_date_ahead(self, payload: rules.OrderRectification, actor: Actor) -> None:
        if payload.rectify_by <= self.act_date():
            raise InvalidInputError(
                f"rectify_by: 整改期限须在责令之后（{payload.rectify_by} is not after {self.act_date()}）"
            )

    @decision("order-rectification")
    async def _order_rectification(self, payload: rules.OrderRectification, actor: Actor) -> None:
        """第十二条 "责令整改": the park rectifies by the date set (a party's period), then the
        bureau rechecks (`recheck`: rectified, it goes on; not, the title is revoked)."""
        await self.record(
            actor,
            rules.ParkRectificationOrdered(
                causes=tuple(c.value for c in payload.causes),
                findings=payload.findings,
                rectify_by=payload.rectify_by,
            ),
        )
        self._changes += 1
        await self._notify(
            "rectification-ordered",
            "hr_park_rectification",
            causes=[c.chinese for c in payload.causes],
            findings=payload.findings,
            rectify_by=payload.rectify_by.isoformat(),
        )
        await self.clocks.start(
            rules.rectification_period(self.act_date(), payload.rectify_by),
            escalate_to=rules.BUREAU,
            remind=self._application().operator.name,
        )
        await self.change_stage(rules.RECTIFICATION_STAGE, actor)

    @decision("recheck")
    async def _recheck(self, payload: rules.Recheck, actor: Actor) -> None:
        """第十二条: the rectification checked: done, the park goes on (met in time, or late once
        escalated); not done, the title is revoked."""
        await self.clocks.complete(rules.RECTIFICATION.name, actor)
        await self.record(
            actor, rules.ParkRectificationChecked(rectified=payload.rectified, findings=payload.findings)
        )
        self._changes += 1
        if not payload.rectified:
            await self._revoke(payload.causes, payload.findings, actor)
            return
        await self.change_stage(rules.DESIGNATED, actor)

    @decision("revoke")
    async def _revoke_decision(self, payload: rules.Revoke, actor: Actor) -> None:
        self._changes += 1
        if self.stage == rules.RECTIFICATION_STAGE:
            await self.clocks.complete(rules.RECTIFICATION.name, actor)
        await self._revoke(payload.causes, payload.findings, actor)

    async def _revoke(self, causes: tuple[rules.RevocationCause, ...], findings: str, actor: Actor) -> None:
        """第十二条: "取消授牌": the park leaves the register and its case ends."""
        today = self.act_date()
        await self.record(
            actor,
            rules.ParkTitleRevoked(
                causes=tuple(c.value for c in causes), findings=findings, revoked_on=today
            ),
        )
        await self._notify(
            "revoked",
            "hr_park_revoked",
            causes=[c.chinese for c in causes],
            findings=findings,
            revoked_on=today.isoformat(),
        )
        await self.close(rules.REVOKED, actor)

    @decision("file-district-measures")
    async def _file_district_measures(self, payload: rules.FileDistrictMeasures, actor: Actor) -> None:
        """第五条: "制定区级人力资源服务产业园建设发展办法，并报市人力资源社会保障局备案"."""
        filed_on = self.act_date()
        park = self._park()
        self.park_record = park.model_copy(
            update={"district_measures": (*park.district_measures, payload.document_no)}
        )
        await self.record(
            actor,
            rules.DistrictMeasuresFiled(
                district=self._application().district.value,
                title=payload.title,
                document_no=payload.document_no,
                issued_on=payload.issued_on,
                filed_on=filed_on,
            ),
        )

    # -- the hand-over to a new run ------------------------------------------------------------------

    async def _continue(self, opening: rules.ParkOpening) -> None:
        park = self._park()
        await self.record(
            SYSTEM,
            rules.ParkRecordContinued(
                evaluations=park.evaluations, next_evaluation_due=park.next_evaluation_due
            ),
        )
        # Nothing awaited between the handlers' end and the hand-over (as the credit record).
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(
            opening.model_copy(update={"carried_case": self.carry(), "carried_park": self.park_record})
        )

    # -- helpers -------------------------------------------------------------------------------------

    async def _notify(self, step: str, template: str, **facts: Any) -> None:
        """Notices go to the district HR department that applied (第七条)."""
        application = self._application()
        await self.issue_notice(
            step,
            template,
            application.department,
            {
                "department": application.department,
                "park_name": application.park_name,
                "operator": application.operator.name,
                "body": rules.BUREAU,
                **facts,
            },
        )

    def _application(self) -> rules.ParkApplication:
        if self.application is None:
            raise RuntimeError("the application has not been opened")
        return self.application

    def _park(self) -> rules.ParkRecord:
        if self.park_record is None:
            raise RuntimeError("the park has not been designated")
        return self.park_record
