"""An applicant's credit record under the auction-permit commitment route (京商流通字〔2021〕9号,
四 and 五; rules in domain.credit). One workflow per applicant, workflow id
`CRED-<unified social credit code>`, that lives for years: it never closes, and hands
itself over to a new run (continue-as-new) when its history grows long, carrying its
entries and its numbering.

Queries and updates: those of CaseWorkflow (`status`, `decide`), and `breach_grade(breach_id)`:
the grade a recorded breach is handled as. Decisions: record-breach, repair (credit officer);
object (the applicant, with evidence); decide-objection (五: 市经济信息化部门, role
`economy-bureau`, with the evidence stated). The applicant is sent a notice of every entry,
repair and objection result. A published entry's publicity ends by itself on its day (a
timer per next end), recorded as PublicityEnded.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import credit as rules
    from domain.calendar import local_date, start_of_day
    from domain.case import SYSTEM, Actor, CaseStatus, Deadline
    from domain.errors import DecisionRefusedError, WrongRoleError

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard

NOTIFIES_THE_APPLICANT = "credit-record-notifies-the-applicant"
"""四, 五: the applicant is told of every entry, repair and objection result."""
OBJECTIONS_TO_THE_ECONOMY_BUREAU = "credit-objections-decided-by-the-economy-bureau"
HANDOVER_AFTER_THE_LAST_APPEND = "credit-record-hands-over-after-the-last-append"
"""RecordContinued is written before the handlers are waited for, so none is cut off."""
"""五: objections are decided by 市经济信息化部门, not the commerce bureau's credit officer."""


@workflow.defn(name="credit-record")
class CreditRecordWorkflow(CaseWorkflow):
    procedure = rules.PROCEDURE
    decisions = rules.CREDIT_DECISIONS
    supervising_body = rules.BUREAU

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, rules.RecordEntry] = {}
        self.policy = rules.RepairPolicy()
        self._changes = 0
        self.subject: rules.CreditSubject | None = None
        # Decided once per run: a run that took objections before 五's reading replays as it ran.
        self.objections_to_economy_bureau = False

    @workflow.run
    async def run(self, opening: rules.CreditRecordOpening) -> CaseStatus:
        subject = self.subject = opening.application
        self.objections_to_economy_bureau = workflow.patched(OBJECTIONS_TO_THE_ECONOMY_BUREAU)
        if opening.carried_case is None:
            await self.open_case(
                opening.case_no,
                opening.received_at,
                applicant_id=subject.applicant_id,
                district=None,
                stage=rules.OPEN,
                application=subject,
            )
        else:
            self.resume_case(opening.carried_case, district=None)
            carried = opening.carried_record or rules.CarriedRecord()
            self.entries = {e.entry.breach.breach_id: e for e in carried.entries}
        self.case_ready()
        while len(self.history) < opening.continue_after_events:
            await self._end_due_publicity()
        if workflow.patched(HANDOVER_AFTER_THE_LAST_APPEND):
            await self.record(SYSTEM, rules.RecordContinued(entries=len(self.entries)))
            # Nothing awaited between the handlers' end and the hand-over: a decision that
            # arrived while RecordContinued was written finishes in this run, none is cut off.
            await workflow.wait_condition(workflow.all_handlers_finished)
        else:  # the first order, kept for records that handed over before the patch
            await workflow.wait_condition(workflow.all_handlers_finished)
            await self.record(SYSTEM, rules.RecordContinued(entries=len(self.entries)))
        workflow.continue_as_new(
            opening.model_copy(
                update={
                    "carried_case": self.carry(),
                    "carried_record": rules.CarriedRecord(entries=tuple(self.entries.values())),
                }
            )
        )

    async def _end_due_publicity(self) -> None:
        """Sleep until the next publicity end (or a change), then record what has ended."""
        today = local_date(workflow.now())
        for breach_id, held in sorted(self.entries.items()):
            if not held.publicity_ended and held.ends_on is not None and held.ends_on <= today:
                self.entries[breach_id] = held.model_copy(update={"publicity_ended": True})
                await self.record(SYSTEM, rules.PublicityEnded(breach_id=breach_id, ended_on=today))
        self.waits_changed()
        upcoming = [
            h.ends_on for h in self.entries.values() if not h.publicity_ended and h.ends_on is not None
        ]
        changes = self._changes
        wake = min(upcoming, default=None)
        try:
            await workflow.wait_condition(
                lambda: self._changes != changes,
                timeout=(start_of_day(wake) - workflow.now()) if wake else None,
                timeout_summary=f"信用信息公示期满（四(二)）publicity ends {wake}" if wake else None,
            )
        except TimeoutError:
            pass

    occasional = frozenset({"record-breach", "repair", "object"})  # whenever one comes

    def idle_decisions(self) -> frozenset[str]:
        """A record waits for a ruling only while an objection is pending (五)."""
        pending = any(h.objection is not None and h.objection.upheld is None for h in self.entries.values())
        return self.occasional if pending else self.occasional | {"decide-objection"}

    def waits(self) -> tuple[Deadline, ...]:
        """Each published entry's end of publication (四(二)): the record's own waits."""
        return tuple(
            Deadline(
                name=f"publicity:{breach_id}",
                article="四(二)",
                due=held.ends_on - timedelta(days=1),  # published until the start of `ends_on`
                state="running",
                kind="publicity",
                acts="北京市公共信用信息服务平台",
            )
            for breach_id, held in sorted(self.entries.items())
            if not held.publicity_ended and held.ends_on is not None
        )

    @workflow.query
    def breach_grade(self, breach_id: str) -> str:
        """The grade a recorded breach is handled as (四(一)), for the spot check that reported it."""
        return self._held(breach_id).entry.grade.value

    # -- decisions -----------------------------------------------------------------------------

    # Each handler ends by bumping `_changes`, which wakes the publicity loop to plan again.

    @guard("record-breach")
    def _new_breach(self, payload: rules.RecordBreach, actor: Actor) -> None:
        if payload.breach_id in self.entries:
            raise DecisionRefusedError(f"breach {payload.breach_id} is already on the record")
        self._entry_for(payload)  # 四(二): the publicity must fit the grade the record finds

    @decision("record-breach")
    async def _record_breach(self, payload: rules.RecordBreach, actor: Actor) -> None:
        entry = self._entry_for(payload)
        self.entries[payload.breach_id] = rules.RecordEntry(entry=entry, reported_grade=payload.grade)
        await self.record(
            actor,
            rules.BreachRecorded(
                breach_id=payload.breach_id,
                found_on=payload.found_on,
                reported_grade=payload.grade.value,
                grade=entry.grade.value,
                publicity_months=entry.publicity_months,
                publicity_ends=entry.publicity_ends,
            ),
        )
        self._changes += 1
        if workflow.patched(NOTIFIES_THE_APPLICANT):
            await self._notify(
                f"entry-{payload.breach_id}",
                "credit_entry_recorded",
                rules.BUREAU,
                breach_id=payload.breach_id,
                found_on=payload.found_on.isoformat(),
                reported_grade=payload.grade.chinese,
                grade=entry.grade.chinese,
                escalated=entry.grade is not payload.grade,
                publicity_months=entry.publicity_months,
                publicity_ends=entry.publicity_ends.isoformat() if entry.publicity_ends else None,
            )

    @guard("repair")
    def _repairable(self, payload: rules.RepairCredit, actor: Actor) -> None:
        held = self._held(payload.breach_id)
        held.entry.repair(self.act_date(), payload.shortening_months, payload.means, self.policy)

    @decision("repair")
    async def _repair(self, payload: rules.RepairCredit, actor: Actor) -> None:
        today = self.act_date()
        held = self._held(payload.breach_id)
        repaired = held.entry.repair(today, payload.shortening_months, payload.means, self.policy)
        self.entries[payload.breach_id] = held.model_copy(update={"entry": repaired})
        await self.record(
            actor,
            rules.CreditRepaired(
                breach_id=payload.breach_id,
                repaired_on=today,
                shortening_months=payload.shortening_months,
                means=payload.means,
                publicity_ends=repaired.publicity_ends,
            ),
        )
        self._changes += 1
        if workflow.patched(NOTIFIES_THE_APPLICANT):
            await self._notify(
                f"repair-{payload.breach_id}",
                "credit_repaired",
                rules.BUREAU,
                breach_id=payload.breach_id,
                repaired_on=today.isoformat(),
                means=payload.means,
                shortening_months=payload.shortening_months,
            )

    @guard("object")
    def _objection_open(self, payload: rules.LodgeObjection, actor: Actor) -> None:
        if self._held(payload.breach_id).objection is not None:
            raise DecisionRefusedError(f"an objection to {payload.breach_id} was already lodged")

    @decision("object")
    async def _object(self, payload: rules.LodgeObjection, actor: Actor) -> None:
        held = self._held(payload.breach_id)
        objection = rules.Objection(
            lodged_on=self.act_date(), reasons=payload.reasons, evidence=payload.evidence or None
        )
        self.entries[payload.breach_id] = held.model_copy(update={"objection": objection})
        await self.record(
            actor,
            rules.ObjectionLodged(
                breach_id=payload.breach_id, reasons=payload.reasons, evidence=payload.evidence or None
            ),
        )
        self._changes += 1

    @guard("decide-objection")
    def _objection_awaits(self, payload: rules.DecideObjection, actor: Actor) -> None:
        if self.objections_to_economy_bureau and actor.role not in rules.ECONOMY_BUREAU:
            raise WrongRoleError(
                f"五: 异议由市经济信息化部门处理; role {actor.role!r} may not take decision "
                "'decide-objection' (only: economy-bureau)"
            )
        held = self._held(payload.breach_id)
        if held.objection is None or held.objection.upheld is not None:
            raise DecisionRefusedError(f"no objection to {payload.breach_id} awaits a decision")

    @decision("decide-objection")
    async def _decide_objection(self, payload: rules.DecideObjection, actor: Actor) -> None:
        today = self.act_date()
        held = self._held(payload.breach_id)
        objection = (held.objection or rules.Objection(lodged_on=today, reasons="")).model_copy(
            update={
                "upheld": payload.upheld,
                "decided_on": today,
                "decision_evidence": payload.evidence or None,
            }
        )
        update: dict[str, Any] = {"objection": objection}
        if payload.upheld:  # the entry was wrong or not to be published: it comes off
            update["withdrawn_on"] = today
        self.entries[payload.breach_id] = held.model_copy(update=update)
        if not self.objections_to_economy_bureau:  # the first form of the event
            decided = rules.ObjectionDecided(
                breach_id=payload.breach_id, upheld=payload.upheld, reason=payload.reason
            )
        else:
            decided = rules.ObjectionDecided(
                breach_id=payload.breach_id,
                upheld=payload.upheld,
                reason=payload.reason,
                evidence=payload.evidence,
                decided_by=rules.ECONOMY_BUREAU_NAME,
            )
        await self.record(actor, decided)
        self._changes += 1
        if workflow.patched(NOTIFIES_THE_APPLICANT):
            await self._notify(
                f"objection-{payload.breach_id}",
                "credit_objection_decided",
                rules.ECONOMY_BUREAU_NAME if self.objections_to_economy_bureau else rules.BUREAU,
                breach_id=payload.breach_id,
                lodged_on=objection.lodged_on.isoformat(),
                upheld=payload.upheld,
                reason=payload.reason,
                evidence=payload.evidence,
            )

    async def _notify(self, step: str, template: str, body: str, **facts: Any) -> None:
        """四, 五: the applicant is told in writing (a notice per entry, repair and ruling)."""
        subject = self.subject
        name = subject.name if subject is not None else self.case_no
        uscc = subject.uscc if subject is not None else ""
        await self.issue_notice(
            step, template, name, {"applicant": name, "uscc": uscc, "body": body, **facts}
        )

    def _entry_for(self, payload: rules.RecordBreach) -> rules.CreditEntry:
        """四(一): graded against the breaches of the year before; 四(二): publicity checked."""
        breach = rules.Breach(
            breach_id=payload.breach_id, found_on=payload.found_on, grade=payload.grade, matter=payload.matter
        )
        earlier = [
            (h.entry.breach.found_on, h.entry.grade) for h in self.entries.values() if h.withdrawn_on is None
        ]
        grade = rules.effective_grade(breach, earlier)
        months = payload.publicity_months
        if payload.publicity_by_grade is not None:  # the reporter's policy, for the grade found here
            months = payload.publicity_by_grade.get(grade)
        bounds = rules.PUBLICITY_MONTHS[grade]
        if months is None and bounds is not None:  # not decided: the shortest the grade allows
            months = bounds[0]
        return rules.CreditEntry(breach=breach, grade=grade, publicity_months=months)

    def _held(self, breach_id: str) -> rules.RecordEntry:
        if breach_id not in self.entries:
            raise DecisionRefusedError(f"no breach {breach_id} on this record")
        return self.entries[breach_id]

    def public_entries(self, on: date) -> list[str]:
        return sorted(
            b
            for b, h in self.entries.items()
            if h.ends_on is not None and h.entry.publicity_starts <= on < h.ends_on
        )
