"""A spot-check round of commitment decisions (京商流通字〔2021〕9号 三; the draw and the
outcomes in domain.spot_check, the credit rules in domain.credit).

The round draws (seed recorded in `DrawMade`; one is made with workflow.uuid4 if none is
given) the entities to check and at least two inspectors each, then keeps a clock per
check that ends 3 months after that entity's commitment decision. Decisions (inspector,
only one drawn for the entity): record-finding — true; minor or general → rectification
ordered by a date (a clock); severe → the certificate revoked at once and legal liability
referred — and record-rectification (not rectified, or the date passed → revoked, a severe
breach). Every breach reaches the applicant's credit record, which answers the grade it
handles it as (四(一)): a general breach that is the second within a year is severe there, and
the round revokes instead of ordering rectification. The results are published.

Each candidate's permit case (`permit_case_no`) is told by the decision `report-spot-check`,
signed with the workers' service key (activity `tell_permit_case`): a drawn one when its finding
is recorded, one not drawn when the draw is made (三(一): the permit case watches its 3-month
window until it hears from a round).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.credit import CreditReporting, ReportBreach, TellPermitCase
    from domain import spot_check as rules
    from domain.case import SYSTEM, Actor, CaseStatus
    from domain.clocks import Unit
    from domain.credit import Grade
    from domain.errors import DecisionRefusedError, WrongRoleError
    from domain.permit import SpotCheckResult

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard

GRADED_REPORT = "spot-check-asks-the-record-its-grade"
TELLS_THE_PERMIT = "spot-check-reports-to-the-permit-case"
"""三(一): the round tells each candidate's permit case that it was checked (or not drawn)."""


@workflow.defn(name="spot-check")
class SpotCheckWorkflow(CaseWorkflow):
    procedure = rules.PROCEDURE
    decisions = rules.DECISIONS
    supervising_body = rules.BUREAU

    def __init__(self) -> None:
        super().__init__()
        self.round: rules.SpotCheckRound | None = None
        self.teams: dict[str, tuple[str, ...]] = {}
        self.findings: dict[str, str] = {}
        self.concluded: dict[str, str] = {}

    def waiting_on(self) -> tuple[str, ...]:
        """The inspectors drawn for the entities whose check is still open (三(一))."""
        clocks = self.clocks.clocks
        pending = [
            e for e in self.teams if _check_clock(e) in clocks and clocks[_check_clock(e)].settled is None
        ]
        return tuple(sorted({inspector for entity in pending for inspector in self.teams[entity]}))

    @workflow.run
    async def run(self, opening: rules.SpotCheckOpening) -> CaseStatus:
        round_ = self.round = opening.application
        await self.open_case(
            opening.case_no,
            opening.received_at,
            applicant_id=round_.applicant_id,
            district=None,
            stage=rules.CHECKING,
            application=round_,
        )
        seed = round_.seed or str(workflow.uuid4())
        drawn = rules.draw(round_.draw_input(seed))
        self.teams = {check.entity: check.inspectors for check in drawn.checks}
        await self.record(
            SYSTEM,
            rules.DrawMade(
                seed=seed,
                sampling_rate=round_.sampling_rate,
                candidates=len(round_.candidates),
                inspectors=len(round_.inspectors),
                checks=drawn.checks,
            ),
        )
        for entity in sorted(self.teams):
            await self.clocks.start(
                rules.CHECK.named(_check_clock(entity)),
                started_on=round_.candidate(entity).decided_on,
                escalate_to=rules.BUREAU,
                remind=rules.BUREAU,
            )
        self.case_ready()
        if workflow.patched(TELLS_THE_PERMIT):
            for candidate in round_.candidates:
                if candidate.uscc not in self.teams:
                    await self._tell_permit(
                        candidate.uscc, f"未被抽中（{round_.round_name}，随机种子：{seed}）", False
                    )
        while len(self.concluded) < len(self.teams):
            await workflow.wait_condition(
                lambda: len(self.concluded) == len(self.teams) or self._lapsed_rectification() is not None
            )
            lapsed = self._lapsed_rectification()
            if lapsed is not None:  # 三(二): not rectified in time → revoked; a severe breach
                await self._revoke(lapsed, "逾期不整改", False, SYSTEM)
        await self.change_stage(rules.PUBLISHING, SYSTEM)
        await self.issue_notice(
            "results",
            "spot_check_results",
            rules.PUBLICATION,
            {
                "round_name": round_.round_name,
                "seed": seed,
                "results": [
                    {"entity": e, "name": round_.candidate(e).name, "result": r}
                    for e, r in sorted(self.concluded.items())
                ],
            },
        )
        await self.close("published", SYSTEM)
        return await self.finish()

    def _lapsed_rectification(self) -> str | None:
        for entity in sorted(self.teams):
            clock = self.clocks.clocks.get(_rectify_clock(entity))
            if clock is not None and clock.state == "breached" and entity not in self.concluded:
                return entity
        return None

    # -- decisions -----------------------------------------------------------------------------

    @guard("record-finding", "record-rectification")
    def _drawn_and_open(self, payload: rules.EntityDecision, actor: Actor) -> None:
        """三(一): only an inspector drawn for the entity acts on its check, until it concludes."""
        team = self.teams.get(payload.entity)
        if team is None:
            raise DecisionRefusedError(f"{payload.entity} was not drawn in this round")
        if actor.id not in team:
            raise WrongRoleError(f"inspector {actor.id} was not drawn for {payload.entity}")
        if payload.entity in self.concluded:
            raise DecisionRefusedError(f"the check of {payload.entity} is concluded")
        if isinstance(payload, rules.RecordFinding) and payload.entity in self.findings:
            raise DecisionRefusedError(f"the finding on {payload.entity} is recorded already")
        ordered = self.findings.get(payload.entity) in ("minor", "general")
        if isinstance(payload, rules.RecordRectification) and not ordered:
            raise DecisionRefusedError(f"no rectification was ordered for {payload.entity}")

    @decision("record-finding")
    async def _record_finding(self, payload: rules.RecordFinding, actor: Actor) -> None:
        entity = payload.entity
        self.findings[entity] = payload.outcome
        await self.clocks.complete(_check_clock(entity), actor)
        await self.record(
            actor,
            rules.FindingRecorded(
                entity=entity,
                outcome=payload.outcome,
                findings=payload.findings,
                inspectors=self.teams[entity],
            ),
        )
        if payload.outcome == "true":
            self.concluded[entity] = "承诺属实"
        elif payload.outcome == "severe":
            await self._revoke(entity, payload.findings, True, actor)
        elif await self._report(entity, payload.outcome) == "severe":
            # 四(一): the record handles it as severe (a second general breach within a year):
            # revoked at once, not rectified; the severe entry is already on the record.
            await self._revoke(
                entity,
                f"一年内再次违诺失信，按严重违诺失信处理：{payload.findings}",
                False,
                actor,
                reported=True,
            )
        else:
            today = self.act_date()
            rectify_by = payload.rectify_by or today  # the payload model requires it for these
            days = max(1, (rectify_by - today).days)
            await self.clocks.start(
                rules.RECTIFICATION.named(_rectify_clock(entity)).lasting(days, Unit.CALENDAR_DAYS),
                escalate_to=None,
            )
            await self._notify_entity(
                entity,
                "rectification-order",
                "spot_check_rectification",
                findings=payload.findings,
                rectify_by=payload.rectify_by,
            )
        if workflow.patched(TELLS_THE_PERMIT):
            result = self.concluded.get(entity) or f"{Grade(payload.outcome).chinese}，责令限期整改"
            await self._tell_permit(entity, result, True)

    @decision("record-rectification")
    async def _record_rectification(self, payload: rules.RecordRectification, actor: Actor) -> None:
        entity = payload.entity
        await self.clocks.complete(_rectify_clock(entity), actor)
        if payload.rectified:
            self.concluded[entity] = f"违诺（{self.findings[entity]}），已整改"
        else:  # 三(二): still short of the conditions after rectification
            await self._revoke(entity, f"整改后仍未达到条件：{payload.notes}", False, actor)

    async def _revoke(
        self, entity: str, reason: str, severe_at_once: bool, actor: Actor, reported: bool = False
    ) -> None:
        candidate = self._round().candidate(entity)
        await self.record(
            actor,
            rules.CertificateRevoked(
                entity=entity,
                certificate_no=candidate.certificate_no,
                reason=reason,
                legal_liability_referred=severe_at_once,
            ),
        )
        if not reported:
            await self._report(entity, "severe")
        await self._notify_entity(
            entity,
            "revocation",
            "spot_check_revocation",
            certificate_no=candidate.certificate_no,
            reason=reason,
            legal_liability=severe_at_once,
        )
        self.concluded[entity] = "撤销《拍卖经营批准证书》" + ("，依法追究法律责任" if severe_at_once else "")

    async def _report(self, entity: str, grade: str) -> str:
        """四: the breach goes to the applicant's credit record; answers the grade the record
        handles it as (四(一): it may rise), whose publicity the bureau's policy then gives."""
        round_ = self._round()
        candidate = round_.candidate(entity)
        report = ReportBreach(
            uscc=entity,
            name=candidate.name,
            breach_id=f"{self.case_no}-{entity}-{grade}",
            found_on=self.act_date(),
            grade=grade,
            matter="licence",
            publicity_months=round_.publicity_months.get(grade),
        )
        if not workflow.patched(GRADED_REPORT):  # rounds that reported before the record answered
            await self.run_activity(
                CreditReporting.report_breach, report, start_to_close=timedelta(seconds=30)
            )
            return grade
        graded = await self.run_activity(
            CreditReporting.report_graded_breach,
            report.model_copy(
                update={"publicity_months": None, "publicity_by_grade": dict(round_.publicity_months)}
            ),
            start_to_close=timedelta(seconds=30),
        )
        return graded.grade

    async def _tell_permit(self, entity: str, result: str, drawn: bool) -> None:
        """三(一): tell the candidate's permit case the round's result for its certificate. A
        case decided before permit cases waited for their check (or no such case) is not
        there to hear it: noted, nothing else."""
        candidate = self._round().candidate(entity)
        told = await self.run_activity(
            CreditReporting.tell_permit_case,
            TellPermitCase(
                permit_case_no=candidate.permit_case_no,
                result=SpotCheckResult(
                    spot_check_case_no=self.case_no,
                    certificate_no=candidate.certificate_no,
                    result=result,
                    drawn=drawn,
                ),
            ),
            start_to_close=timedelta(seconds=30),
        )
        workflow.logger.info("permit case %s: %s", candidate.permit_case_no, told)

    async def _notify_entity(self, entity: str, step: str, template: str, **facts: Any) -> None:
        candidate = self._round().candidate(entity)
        await self.issue_notice(
            f"{step}-{entity}",
            template,
            candidate.name,
            {"entity": candidate.name, "uscc": entity, "body": rules.BUREAU, **facts},
        )

    def _round(self) -> rules.SpotCheckRound:
        if self.round is None:
            raise RuntimeError("the round has not been opened")
        return self.round


def _check_clock(entity: str) -> str:
    return f"{rules.CHECK.name}:{entity}"


def _rectify_clock(entity: str) -> str:
    return f"{rules.RECTIFICATION.name}:{entity}"
