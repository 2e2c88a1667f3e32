"""A foreign-invested enterprise complaint, from receipt to the result notice
(京商函字〔2021〕1056号; rules in domain.complaint).

Queries and updates: those of CaseWorkflow (`status`, `decide`, `replan_clocks`).
Decisions (domain.complaint.DECISIONS): request-supplement, supplement, accept,
not-accept (receiving officer); send-letter, department-reply, department-progress,
record-step, contact, participation, resolve, terminate, deemed-withdrawn, notify-result,
add-department, excuse-absence, report-non-performance (handling officer); extend (head of
the body); report-unfinished (the coordinating body's officer, 第十六条).

Clocks: supplement-notice (第十条, 7 WD from receipt), supplement (第十条, 15 WD from the
notice; binds the complainant), acceptance (第十二条(一), 7 WD from complete materials),
handling (第十二条(二), 60 WD from acceptance, extendable), letters (第十二条(三), 5 WD),
letters:<department> (第十二条(三), 5 WD from the day a department is added after acceptance),
reply:<department> (第十二条(三), 30 WD from receipt of the letter), participation
(第十五条(六), 30 days from a contact, reset by participation), one-year (第十六条),
result-notice (第十五条, 3 WD from termination).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import complaint as rules
    from domain.calendar import local_date
    from domain.case import SYSTEM, Actor, CaseStatus
    from domain.clocks import ClockPlan, Period, Unit
    from domain.errors import ClockStateError, InvalidInputError
    from domain.reads import ComplaintList, ReadRequest

with workflow.unsafe.imports_passed_through():
    from activities.reads import ReadActivities

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard

NOT_ACCEPT_BEFORE_COMPLETE = "complaint-not-accept-before-complete-materials"
"""第十一条: not accepted on a ground other than (四) while the materials are incomplete."""
APPEAL_CHECKS_ORIGINAL = "complaint-appeal-checks-original-case"
SYSTEM_ACTS_LOCKED = "complaint-lapses-acted-on-under-the-decision-lock"
"""A lapse the run acts on (第十一条(四), 第十五条(六)) waits for a decision being carried out and
is not taken if that decision changed the case: never two closes."""
"""第十七条: an appeal looks the original case up before it is registered."""
READ_TIMEOUT = timedelta(seconds=30)


@workflow.defn(name="complaint")
class ComplaintWorkflow(CaseWorkflow):
    procedure = rules.PROCEDURE
    decisions = rules.DECISIONS
    supervising_body = rules.COORDINATING_BODY

    def __init__(self) -> None:
        super().__init__()
        self.filing: rules.ComplaintFiling | None = None
        self.missing: list[str] = []
        self.departments_due: set[str] = set()
        self.letters_sent: set[str] = set()
        self.termination: rules.ComplaintTerminated | None = None
        self.settlement_binding = False  # 第十四条: a settlement recorded and not reported unperformed
        self.settlement_unperformed = False  # reported, and no way of handling recorded since
        self.appeal: rules.AppealChecked | None = None

    # -- the run ------------------------------------------------------------------------------

    occasional = frozenset(
        {"extend", "add-department", "excuse-absence", "report-non-performance", "report-unfinished"}
    )  # 第十二、十四至十六条: when the case calls for them, not what the handling waits for

    @workflow.run
    async def run(self, opening: rules.ComplaintOpening) -> CaseStatus:
        filing = opening.application
        if filing.received_on is None:  # entered on the day it was received
            filing = filing.model_copy(update={"received_on": local_date(workflow.now())})
        self.filing = filing
        self.missing = rules.missing_particulars(filing)
        await self.open_case(
            opening.case_no,
            opening.received_at,
            applicant_id=filing.applicant_id,
            district=filing.district,
            stage=rules.INCOMPLETE if self.missing else rules.REVIEWING,
            application=filing,
        )
        await self.record(
            SYSTEM,
            rules.MaterialsChecked(
                missing=tuple(self.missing),
                competent_body=rules.competent_body(filing).name,
                jurisdiction_problem=rules.jurisdiction_problem(filing),
            ),
        )
        if filing.appeal_of:
            if workflow.patched(APPEAL_CHECKS_ORIGINAL):
                self.appeal = await self._check_appeal(filing.appeal_of)
            if self.appeal is not None and self.appeal.referral is not None:
                # 第十七条: above the municipal body is the national centre: told, not taken.
                await self._not_accept(
                    rules.NonAcceptanceGround.OTHER_BODY,
                    self.appeal.problem or "",
                    SYSTEM,
                    referral=self.appeal.referral,
                )
                self.case_ready()
                await workflow.wait_condition(lambda: self.outcome is not None)
                return await self.finish()
            await self._lodge_appeal(filing)
        if self.missing:
            await self._start(rules.SUPPLEMENT_NOTICE, started_on=filing.received_on)
            self.case_ready()
            await workflow.wait_condition(lambda: self.stage != rules.INCOMPLETE)
            # Not accepted before the notice (第十一条, not (四)): no supplement clock to wait for.
            supplemented = rules.SUPPLEMENT.name not in self.clocks.clocks or await self.clocks.wait(
                rules.SUPPLEMENT.name, lambda: self.stage != rules.SUPPLEMENTING
            )
            if not supplemented:  # 第十一条(四): nothing came within the 15 working days
                if workflow.patched(SYSTEM_ACTS_LOCKED):
                    async with self.system_act():  # an officer's decision carried out first wins
                        if self.stage == rules.SUPPLEMENTING:
                            await self._not_accept_lapsed()
                else:
                    await self._not_accept_lapsed()
        else:
            await self._start(rules.ACCEPTANCE, started_on=filing.received_on)
            self.case_ready()
        await workflow.wait_condition(lambda: self.stage != rules.REVIEWING)
        while self.stage == rules.HANDLING_STAGE:
            await workflow.wait_condition(
                lambda: self.stage != rules.HANDLING_STAGE or self._participation_lapsed()
            )
            if self.stage != rules.HANDLING_STAGE:
                continue
            if not workflow.patched(SYSTEM_ACTS_LOCKED):
                await self._terminate_lapsed()
                continue
            async with self.system_act():  # 第十五条(六), unless a decision carried out first changed it
                if self.stage == rules.HANDLING_STAGE and self._participation_lapsed():
                    await self._terminate_lapsed()
        await workflow.wait_condition(lambda: self.outcome is not None)
        return await self.finish()

    async def _not_accept_lapsed(self) -> None:
        await self._not_accept(
            rules.NonAcceptanceGround.STILL_INCOMPLETE, "补正期限届满，未收到补正材料", SYSTEM
        )

    async def _terminate_lapsed(self) -> None:
        await self._terminate(
            rules.TerminationGround.NO_PARTICIPATION_30_DAYS,
            "经联系，投诉人连续30日未参加投诉处理工作",
            False,
            SYSTEM,
        )

    def _participation_lapsed(self) -> bool:
        clock = self.clocks.clocks.get(rules.PARTICIPATION.name)
        return clock is not None and clock.settled == "breached" and clock.completed_late_on is None

    # -- decisions ----------------------------------------------------------------------------

    # Each decision's guard (run by the update validator: a refusal writes nothing) and its
    # handler, typed with the payload model of its rule in domain.complaint.DECISIONS.

    @guard("request-supplement")
    def _something_to_supplement(self, payload: rules.RequestSupplement, actor: Actor) -> None:
        if not (payload.items or self.missing):
            raise InvalidInputError("request-supplement: the materials lack nothing to supplement")

    @guard("not-accept")
    def _ground_open_at_this_stage(self, payload: rules.NotAccept, actor: Actor) -> None:
        """第十一条(四) needs a 补正通知 and the supplement (第十条): before complete materials,
        only the other grounds refuse a complaint (第十二条(一) does not make them wait)."""
        if self.stage != rules.REVIEWING and payload.ground is rules.NonAcceptanceGround.STILL_INCOMPLETE:
            raise InvalidInputError(
                "ground 4: 第十一条第（四）项 applies only after the 补正通知 and the supplement "
                "(第十条); the case decides it itself when the supplement lapses or is still incomplete"
            )

    @guard("accept")
    def _appeal_admissible(self, payload: rules.Accept, actor: Actor) -> None:
        if self.appeal is not None and self.appeal.problem is not None:
            raise InvalidInputError(
                f"第十七条: {self.appeal.problem}；不能作为逐级投诉受理 (not-accept it, with the reason)"
            )

    @guard("add-department")
    def _department_new(self, payload: rules.AddDepartment, actor: Actor) -> None:
        named = self.departments_due | self.letters_sent
        if payload.department in named or _letters_clock(payload.department) in self.clocks.clocks:
            raise ClockStateError(f"{payload.department} is already involved in the handling")

    @guard("excuse-absence")
    def _absence_awaited(self, payload: rules.ExcuseAbsence, actor: Actor) -> None:
        clock = self.clocks.clocks.get(rules.PARTICIPATION.name)
        if clock is None or not clock.outstanding:
            raise ClockStateError("the complainant was not contacted: no absence to excuse")

    @guard("report-non-performance")
    def _settlement_binding(self, payload: rules.ReportNonPerformance, actor: Actor) -> None:
        if not self.settlement_binding:
            raise InvalidInputError("第十四条: no settlement agreement is recorded to be performed")

    @guard("report-unfinished")
    def _year_passed(self, payload: rules.ReportUnfinished, actor: Actor) -> None:
        clock = self.clocks.clocks.get(rules.ONE_YEAR.name)
        if clock is None or clock.state != "breached":
            raise ClockStateError("第十六条: the year since acceptance has not passed")
        if any(e.type == "UnfinishedReported" for e in self.history):
            raise InvalidInputError("第十六条: the case has already been reported")

    @guard("send-letter")
    def _department_free(self, payload: rules.SendLetter, actor: Actor) -> None:
        awaited = self._awaited_from(payload.department)
        if awaited is not None:
            raise ClockStateError(
                f"a letter to {payload.department} still awaits its answer "
                f"({awaited}); send the next one once it has answered"
            )

    @guard("department-reply")
    def _reply_awaited(self, payload: rules.DepartmentReply, actor: Actor) -> None:
        if self._awaited_from(payload.department) is None:
            raise ClockStateError(f"no letter awaits a reply from {payload.department}")

    @guard("department-progress")
    def _progress_awaited(self, payload: rules.DepartmentProgress, actor: Actor) -> None:
        if self._awaited_from(payload.department) != _reply_clock(payload.department):
            raise ClockStateError(f"no letter awaits a reply from {payload.department}")
        if payload.planned_on <= self.act_date():
            raise InvalidInputError(
                "planned_on: 计划办结日期须晚于本次报告之日（the planned date must follow the report）"
            )

    @guard("participation")
    def _participation_awaited(self, payload: rules.Participation, actor: Actor) -> None:
        clock = self.clocks.clocks.get(rules.PARTICIPATION.name)
        if clock is None or not clock.outstanding:
            raise ClockStateError("the complainant was not contacted: no participation is awaited")

    @guard("extend")
    def _extendable(self, payload: rules.ExtendHandling, actor: Actor) -> None:
        self.clocks.check_extend(rules.HANDLING.name, payload.new_length, payload.reason, actor.id)

    @guard("terminate")
    def _ground_holds(self, payload: rules.Terminate, actor: Actor) -> None:
        lapsed = self._participation_lapsed()
        if payload.ground == rules.TerminationGround.NO_PARTICIPATION_30_DAYS and not lapsed:
            raise InvalidInputError("ground 6: 30 days since contact have not passed without participation")
        agreed = payload.ground == rules.TerminationGround.AGREED_AFTER_COORDINATION
        if agreed and self.settlement_unperformed:
            raise InvalidInputError(
                "ground 1: the respondent has not performed the settlement (第十四条); record how the "
                "handling went on (resolve) before the complainant agrees to end it"
            )

    @decision("request-supplement")
    async def _request_supplement(self, payload: rules.RequestSupplement, actor: Actor) -> None:
        items = list(payload.items) or self.missing
        await self.clocks.complete(rules.SUPPLEMENT_NOTICE.name, actor)
        plan = await self._start(rules.SUPPLEMENT, escalate_to=None)  # binds the complainant
        await self._notify("supplement-notice", "complaint_supplement", items=items, supplement_due=plan.due)
        await self.change_stage(rules.SUPPLEMENTING, actor)

    @decision("supplement")
    async def _supplement(self, payload: rules.Supplement, actor: Actor) -> None:
        # The complaint was received on the day of the first filing, whatever the supplemented
        # filing says: the notices and 第十条's periods count from that day.
        filing = self.filing = payload.filing.model_copy(update={"received_on": self._filing().received_on})
        self.missing = rules.missing_particulars(filing)
        await self.clocks.complete(rules.SUPPLEMENT.name, actor)
        await self.record(actor, rules.SupplementReceived(missing=tuple(self.missing)))
        if self.missing:  # 第十一条(四): one notice only; still incomplete → not accepted
            await self._not_accept(
                rules.NonAcceptanceGround.STILL_INCOMPLETE,
                "补正后仍缺少：" + "、".join(self.missing),
                actor,
            )
            return
        await self._start(rules.ACCEPTANCE)
        await self.change_stage(rules.REVIEWING, actor)

    @decision("accept")
    async def _accept(self, payload: rules.Accept, actor: Actor) -> None:
        filing = self._filing()
        await self.clocks.complete(rules.ACCEPTANCE.name, actor)
        await self.record(
            actor,
            rules.ComplaintAccepted(
                receiving_body=filing.receiving_body.name,
                departments=payload.departments,
            ),
        )
        handling = await self._start(rules.HANDLING)
        await self._start(rules.ONE_YEAR, escalate_to=filing.receiving_body.government)
        if payload.departments:
            self.departments_due = set(payload.departments)
            await self._start(rules.LETTERS)
        await self._notify("accepted", "complaint_accepted", handling_due=handling.due)
        await self.change_stage(rules.HANDLING_STAGE, actor)

    @decision("not-accept")
    async def _not_accept_decision(self, payload: rules.NotAccept, actor: Actor) -> None:
        # The body's answer to the complaint, in whichever period it was due: the 补正通知's
        # (incomplete), the supplement's (which no longer binds anyone), or the acceptance's.
        awaiting = {
            rules.INCOMPLETE: rules.SUPPLEMENT_NOTICE.name,
            rules.SUPPLEMENTING: rules.SUPPLEMENT.name,
        }.get(self.stage, rules.ACCEPTANCE.name)
        if awaiting != rules.ACCEPTANCE.name:
            workflow.patched(NOT_ACCEPT_BEFORE_COMPLETE)
        await self.clocks.complete(awaiting, actor)
        await self._not_accept(payload.ground, payload.explanation, actor)

    @decision("send-letter")
    async def _send_letter(self, payload: rules.SendLetter, actor: Actor) -> None:
        today = self.act_date()
        received_on = payload.received_on or today
        plan = await self.clocks.start(
            rules.REPLY.named(_reply_clock(payload.department)),
            started_on=received_on,
            escalate_to=rules.COORDINATING_BODY,
            remind=payload.department,
        )
        await self.issue_notice(
            f"letter-{payload.department}",
            "complaint_department_letter",
            payload.department,
            {
                "department": payload.department,
                "matters": payload.matters,
                "reply_due": plan.due,
                "body": self._filing().receiving_body.name,
            },
            actor=actor,
        )
        self.letters_sent.add(payload.department)
        if self.departments_due and self.departments_due <= self.letters_sent:
            self.departments_due = set()
            await self.clocks.complete(rules.LETTERS.name, actor)
        added = self.clocks.clocks.get(_letters_clock(payload.department))
        if added is not None and added.outstanding:  # a department added after acceptance
            await self.clocks.complete(added.name, actor)

    @decision("add-department")
    async def _add_department(self, payload: rules.AddDepartment, actor: Actor) -> None:
        """第十二条(三): the letter to a department found later is due 5 working days from the
        day it was found, on a clock of its own."""
        await self.record(actor, rules.DepartmentAdded(department=payload.department, reason=payload.reason))
        await self._start(rules.LETTERS.named(_letters_clock(payload.department)), started_on=self.act_date())

    def _awaited_from(self, department: str) -> str | None:
        """The clock of what a department still owes the body: its reply to a letter (第十二条(三),
        30 working days), or, after it reported next steps, the completion it planned; None if
        it owes nothing."""
        for name in (_reply_clock(department), _planned_clock(department)):
            clock = self.clocks.clocks.get(name)
            if clock is not None and clock.outstanding:
                return name
        return None

    @decision("department-reply")
    async def _department_reply(self, payload: rules.DepartmentReply, actor: Actor) -> None:
        """The department's answer: to the letter, or the completion it had planned."""
        awaited = self._awaited_from(payload.department)
        assert awaited is not None  # the validator refuses a reply nobody awaits
        await self.clocks.complete(awaited, actor)
        await self.record(
            actor,
            rules.HandlingStepRecorded(
                step="department-reply",
                summary=f"{payload.department}：{payload.opinion}",
            ),
        )

    @decision("department-progress")
    async def _department_progress(self, payload: rules.DepartmentProgress, actor: Actor) -> None:
        """第十二条(三): the report is the department's answer within its 30 working days; the
        planned date becomes a clock of its own, and the complainant is told at once."""
        await self.clocks.complete(_reply_clock(payload.department), actor)
        today = self.act_date()
        planned = rules.REPLY.named(_planned_clock(payload.department))
        await self.clocks.start(
            planned.lasting((payload.planned_on - today).days, Unit.CALENDAR_DAYS),
            escalate_to=rules.COORDINATING_BODY,
        )
        await self._notify(
            f"progress-{payload.department}-{payload.planned_on.isoformat()}",
            "complaint_progress",
            department=payload.department,
            next_steps=payload.next_steps,
            planned_on=payload.planned_on,
        )

    @decision("record-step")
    async def _record_step(self, payload: rules.RecordStep, actor: Actor) -> None:
        await self.record(actor, rules.HandlingStepRecorded(step=payload.step, summary=payload.summary))

    @decision("contact")
    async def _contact(self, payload: rules.Contact, actor: Actor) -> None:
        """第十五条(六): each contact starts the 30 days afresh."""
        name = rules.PARTICIPATION.name
        existing = self.clocks.clocks.get(name)
        if existing is not None and existing.settled is None:
            await self.clocks.meet(name, actor)
        await self.record(actor, rules.HandlingStepRecorded(step="contact", summary=payload.means))
        await self._start(rules.PARTICIPATION, escalate_to=None)

    @decision("participation")
    async def _participation(self, payload: rules.Participation, actor: Actor) -> None:
        await self.clocks.complete(rules.PARTICIPATION.name, actor)
        await self.record(actor, rules.HandlingStepRecorded(step="participation", summary=payload.summary))

    @decision("excuse-absence")
    async def _excuse_absence(self, payload: rules.ExcuseAbsence, actor: Actor) -> None:
        """第十五条(六): only 30 days without a good reason end the handling; an excused absence
        stops the count, and the next contact starts it again."""
        await self.clocks.complete(rules.PARTICIPATION.name, actor)
        await self.record(actor, rules.AbsenceExcused(reason=payload.reason))

    @decision("report-non-performance")
    async def _report_non_performance(self, payload: rules.ReportNonPerformance, actor: Actor) -> None:
        """第十四条第二款: the settlement is not performed: recorded, the coordinating body is told
        (实施条例第四十一条), and the handling goes on until another way is recorded."""
        self.settlement_binding = False
        self.settlement_unperformed = True
        await self.record(actor, rules.NonPerformanceReported(summary=payload.summary))
        filing = self._filing()
        await self.issue_notice(
            "non-performance",
            "complaint_non_performance",
            rules.COORDINATING_BODY,
            {
                "complainant": rules.complainant_label(filing),
                "received_on": filing.received_on,
                "body": filing.receiving_body.name,
                "summary": payload.summary,
                "coordinating_body": rules.COORDINATING_BODY,
            },
            actor=actor,
        )

    @decision("report-unfinished")
    async def _report_unfinished(self, payload: rules.ReportUnfinished, actor: Actor) -> None:
        """第十六条: the coordinating body, jointly with the receiving body, reports to the
        government at the same level, with suggestions."""
        filing = self._filing()
        report = rules.UnfinishedReported(
            coordinating_body=rules.COORDINATING_BODY,
            receiving_body=filing.receiving_body.name,
            government=filing.receiving_body.government,
            situation=payload.situation,
            suggestions=payload.suggestions,
        )
        await self.record(actor, report)
        await self.issue_notice(
            "unfinished-report",
            "complaint_unfinished_report",
            report.government,
            {**report.model_dump(), "received_on": filing.received_on, "kind": filing.kind.value},
            actor=actor,
        )

    @decision("extend")
    async def _extend(self, payload: rules.ExtendHandling, actor: Actor) -> None:
        await self.clocks.extend(rules.HANDLING.name, payload.new_length, payload.reason, actor.id, actor)

    @decision("resolve")
    async def _resolve(self, payload: rules.Resolve, actor: Actor) -> None:
        self.settlement_binding = self.settlement_binding or payload.way == "settlement"
        self.settlement_unperformed = False
        await self.record(
            actor,
            rules.ComplaintResolved(
                way=payload.way,
                summary=payload.summary,
                settled_matters=payload.settled_matters,
                settled_results=payload.settled_results,
            ),
        )

    @decision("terminate")
    async def _terminate_decision(self, payload: rules.Terminate, actor: Actor) -> None:
        await self._terminate(payload.ground, payload.explanation, False, actor)

    @decision("deemed-withdrawn")
    async def _deemed_withdrawn(self, payload: rules.DeemedWithdrawn, actor: Actor) -> None:
        ground = rules.NonAcceptanceGround(payload.proceedings_ground)
        await self._terminate(
            rules.TerminationGround.WITHDRAWN_IN_WRITING,
            f"处理期间出现第十一条第（{'七八九'[ground - 7]}）项情形（{ground.text}），视同书面撤回投诉："
            f"{payload.explanation}",
            True,
            actor,
        )

    @decision("notify-result")
    async def _notify_result(self, payload: rules.NotifyResult, actor: Actor) -> None:
        termination = self.termination
        if termination is None:
            raise RuntimeError("notify-result is only allowed once the complaint is terminated")
        await self._notify(
            "result",
            "complaint_result",
            ground_text=termination.ground_text,
            explanation=termination.explanation,
            result=payload.result,
            deemed_withdrawn=termination.deemed_withdrawn,
        )
        await self.clocks.complete(rules.RESULT_NOTICE.name, actor)
        await self.close(f"terminated (第十五条第（{termination.ground}）项)", actor)

    # -- steps shared by several decisions ----------------------------------------------------

    async def _not_accept(
        self,
        ground: rules.NonAcceptanceGround,
        explanation: str,
        actor: Actor,
        *,
        referral: str | None = None,
    ) -> None:
        filing = self._filing()
        if referral is None and ground is rules.NonAcceptanceGround.OTHER_BODY:  # 第十二条(一): where to go
            referral = rules.jurisdiction_problem(filing) or rules.competent_body(filing).name
        await self.record(
            actor,
            rules.NonAcceptanceDecided(
                ground=int(ground),
                ground_text=ground.text,
                explanation=explanation,
                referral=referral,
            ),
        )
        await self._notify(
            "not-accepted",
            "complaint_not_accepted",
            ground=int(ground),
            ground_text=ground.text,
            explanation=explanation,
            referral=referral,
        )
        await self.close(f"not accepted (第十一条第（{int(ground)}）项)", actor)

    async def _terminate(
        self, ground: rules.TerminationGround, explanation: str, deemed: bool, actor: Actor
    ) -> None:
        for clock in (rules.HANDLING.name, rules.ONE_YEAR.name):
            await self.clocks.complete(clock, actor)
        self.termination = rules.ComplaintTerminated(
            ground=int(ground),
            ground_text=ground.text,
            explanation=explanation,
            deemed_withdrawn=deemed,
        )
        await self.record(actor, self.termination)
        await self._start(rules.RESULT_NOTICE)
        await self.change_stage(rules.TERMINATED, actor)

    async def _check_appeal(self, original_case_no: str) -> rules.AppealChecked:
        """第十七条: the original case, as the complaints read model has it."""
        answer = await self.run_activity(
            ReadActivities.read,
            ReadRequest(query=ComplaintList(case_no=original_case_no)),  # one row, not the table
            start_to_close=READ_TIMEOUT,
        )
        row = next((r for r in answer.value if r["case_no"] == original_case_no), None)
        original = (
            None
            if row is None
            else rules.OriginalCase(
                case_no=row["case_no"],
                body=row["body"],
                district=row["district"],
                stage=row["stage"],
                ground=row["ground"],
            )
        )
        referral = rules.appeal_referral(original)
        problem = rules.appeal_problem(original_case_no, original)
        if referral is not None:
            problem = f"原投诉事项（{original_case_no}）由{rules.MUNICIPAL_BODY}办理，其上级为{referral}"
        checked = rules.AppealChecked(
            original_case_no=original_case_no,
            original_body=None if original is None else original.body,
            original_outcome=None if original is None else original.stage,
            problem=problem,
            referral=referral,
        )
        await self.record(SYSTEM, checked)
        return checked

    async def _lodge_appeal(self, filing: rules.ComplaintFiling) -> None:
        """第十七条: the complaint on the original matter, brought to the next higher body."""
        original = filing.appeal_of or ""
        await self.record(SYSTEM, rules.AppealLodged(original_case_no=original))
        await self._notify("appeal-registered", "complaint_appeal_registered", original_case_no=original)

    async def _start(
        self,
        period: Period,
        *,
        started_on: date | None = None,
        escalate_to: str | None = rules.COORDINATING_BODY,
    ) -> ClockPlan:
        remind = self._filing().receiving_body.name if escalate_to else None
        return await self.clocks.start(period, escalate_to=escalate_to, remind=remind, started_on=started_on)

    async def _notify(self, step: str, template: str, **facts: Any) -> None:
        filing = self._filing()
        await self.issue_notice(
            step,
            template,
            rules.complainant_label(filing),
            {
                "complainant": rules.complainant_label(filing),
                "received_on": filing.received_on,
                "body": filing.receiving_body.name,
                "kind": filing.kind.value,
                **facts,
            },
        )

    def _filing(self) -> rules.ComplaintFiling:
        if self.filing is None:  # run() sets it before any decision can pass validation
            raise RuntimeError("the complaint has not been opened")
        return self.filing


def _reply_clock(department: str) -> str:
    """第十二条(三): the department's 30 working days to reply to the body's letter."""
    return f"{rules.REPLY.name}:{department}"


def _letters_clock(department: str) -> str:
    """第十二条(三): the body's 5 working days to write to a department added after acceptance."""
    return f"{rules.LETTERS.name}:{department}"


def _planned_clock(department: str) -> str:
    """第十二条(三): the completion date a department that could not finish reported."""
    return f"planned:{department}"
