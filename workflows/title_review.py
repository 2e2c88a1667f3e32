"""The review route to a senior or full senior IP title (京人社事业发〔2021〕32号 五(二); rules in
domain.title and domain.title_eligibility).

One case per applicant of a yearly round: blacklist gate and eligibility at application (六(一),
附件); employer recommendation (2); agency check (3); a panel of 3–5 experts drawn at random,
the defence and its evaluation (4); the committee drawn at random and its secret ballot (5),
held again while the quorum is not met; the HR bureau's acceptance and 15 days of publicity
with objections (6); the electronic certificate (7). Fraud found at any step before the
certificate cancels the application and blacklists the person (六(一)).

Ballots are cast in the ballot box (activities.db.ballots), never through this workflow: an
update's input stays in the history, and a ballot's member and choice must never be stored
together. The case opens and closes the box; the tally and attendance list it records are
the audit record.
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.titles import CloseBallotBox, NumberCertificate, OpenBallot, TitleActivities
    from domain import title as rules
    from domain.calendar import local_date
    from domain.case import SYSTEM, Actor, CaseStatus, Deadline
    from domain.errors import DecisionRefusedError, InvalidInputError
    from domain.publicity import Objection

from workflows.decisions import decision, guard
from workflows.publicity import Publicity
from workflows.title_common import ACTIVITY_TIMEOUT, TitleCase


@workflow.defn(name="title-review")
class TitleReviewWorkflow(TitleCase):
    procedure = rules.REVIEW
    decisions = rules.REVIEW_DECISIONS

    def __init__(self) -> None:
        super().__init__()
        self.panel: tuple[rules.Expert, ...] = ()
        self.committee: tuple[rules.Expert, ...] = ()
        self.ballot_no = 0
        self.publicity = Publicity()

    occasional = frozenset({"report-fraud"})  # 六(一): whenever a fraud comes to light

    def idle_decisions(self) -> frozenset[str]:
        return self.occasional | self.publicity.idle_ruling()

    def waits(self) -> tuple[Deadline, ...]:
        window = self.publicity.deadline(rules.PUBLICITY.article, rules.PUBLICITY.acts)
        return (window,) if window else ()

    def waiting_on(self) -> tuple[str, ...]:
        """The panel's experts while it evaluates (五(二)3): only those drawn may."""
        return tuple(expert.id for expert in self.panel) if self.stage == rules.EVALUATION else ()

    @workflow.run
    async def run(self, opening: rules.ReviewOpening) -> CaseStatus:
        if not await self.open_title_case(
            opening.case_no, opening, opening.application, rules.RECOMMENDATION
        ):
            return await self.finish()
        await workflow.wait_condition(lambda: self.stage == rules.PUBLICITY_STAGE or self.outcome is not None)
        if self.outcome is None:
            await self._publicity()
        return await self.finish()

    async def _publicity(self) -> None:
        """五(二)6–7: 15 days; the certificate once they are over and no objection stands."""
        await self.publicity.wait(lambda: self.outcome is not None)
        self.waits_changed()
        if self.outcome is None:
            await self._certify()

    @guard("recommend")
    def _publication_over(self, payload: rules.Recommend, actor: Actor) -> None:
        if payload.published_until > local_date(workflow.now()):
            raise DecisionRefusedError(
                f"五(二)2: the unit publishes the materials until {payload.published_until}; "
                "it recommends after that"
            )

    @decision("recommend")
    async def _recommend(self, payload: rules.Recommend, actor: Actor) -> None:
        if not payload.recommended:
            await self.end(
                "not-recommended", "title_not_recommended", "not recommended", actor, opinion=payload.opinion
            )
            return
        await self.change_stage(rules.AGENCY_CHECK, actor)

    @guard("agency-check")
    def _conditions_met(self, payload: rules.AgencyCheck, actor: Actor) -> None:
        if payload.passed and not self.assessed().eligible:
            raise DecisionRefusedError(
                "五(二)3: the applicant does not meet the conditions: " + self.assessed().explain()
            )

    @decision("agency-check")
    async def _agency_check(self, payload: rules.AgencyCheck, actor: Actor) -> None:
        if not payload.passed:
            await self.end(
                "agency-check",
                "title_not_passed_check",
                "did not pass the agency check",
                actor,
                reasons=payload.reasons,
            )
            return
        await self.change_stage(rules.PANEL, actor)

    @guard("draw-panel")
    def _panel_can_be_drawn(self, payload: rules.PanelDraw, actor: Actor) -> None:
        """Refused before anything is recorded if the pool is too small."""
        rules.eligible_experts(payload.pool, payload.size, self.application.applicant.employer)

    @decision("draw-panel")
    async def _draw_panel(self, payload: rules.PanelDraw, actor: Actor) -> None:
        employer = self.application.applicant.employer
        self.panel = await self._draw("panel", payload, stand_aside=employer)
        await self.change_stage(rules.EVALUATION, actor)

    @guard("evaluate")
    def _panel_member(self, payload: rules.Evaluate, actor: Actor) -> None:
        if actor.id not in {e.id for e in self.panel}:
            raise DecisionRefusedError(f"{actor.id} is not on this applicant's panel")
        if payload.defence_held_on > local_date(workflow.now()):
            raise InvalidInputError(f"defence_held_on: {payload.defence_held_on} has not come yet")

    @decision("evaluate")
    async def _evaluate(self, payload: rules.Evaluate, actor: Actor) -> None:
        await self.change_stage(rules.COMMITTEE, actor)

    @guard("convene-committee")
    def _committee_can_be_drawn(self, payload: rules.CommitteeDraw, actor: Actor) -> None:
        rules.eligible_experts(payload.pool, payload.size, None)

    @decision("convene-committee")
    async def _convene_committee(self, payload: rules.CommitteeDraw, actor: Actor) -> None:
        self.committee = await self._draw("committee", payload, stand_aside=None)
        await self._open_ballot()
        await self.change_stage(rules.VOTING, actor)

    @decision("close-ballot")
    async def _close_ballot_decision(self, payload: rules.CloseBallot, actor: Actor) -> None:
        await self._close_ballot(actor)

    @decision("accept")
    async def _accept(self, payload: rules.Accept, actor: Actor) -> None:
        if not payload.accepted:
            await self.end(
                "not-accepted",
                "title_not_accepted",
                "not accepted by the HR bureau",
                actor,
                remarks=payload.remarks,
            )
            return
        published, ends = self.publicity.publish(rules.PUBLICITY.length)
        await self.record(actor, rules.PublicityStarted(published_on=published, ends_on=ends))
        self.waits_changed()
        await self.change_stage(rules.PUBLICITY_STAGE, actor)
        await self.notify(
            "publicity", "title_publicity", published_on=published.isoformat(), ends_on=ends.isoformat()
        )

    @guard("object")
    def _window_open(self, payload: Objection, actor: Actor) -> None:
        self.publicity.check_objection("五(二)6")

    @decision("object")
    async def _object(self, payload: Objection, actor: Actor) -> None:
        objection_id = self.publicity.lodge()
        await self.record(
            actor,
            rules.TitleObjectionLodged(
                objection_id=objection_id, objector=payload.objector, grounds=payload.grounds
            ),
        )

    @guard("rule-objection")
    def _objection_awaits(self, payload: rules.RuleObjection, actor: Actor) -> None:
        self.publicity.check_ruling(payload.objection_id)

    @decision("rule-objection")
    async def _rule_objection(self, payload: rules.RuleObjection, actor: Actor) -> None:
        self.publicity.rule(payload.objection_id, payload.upheld)
        await self.record(
            actor,
            rules.TitleObjectionRuled(
                objection_id=payload.objection_id, upheld=payload.upheld, findings=payload.findings
            ),
        )
        if payload.fraud:
            await self.blacklist(payload.findings, actor, payload.employer_fault)
        if payload.upheld:
            await self.end(
                "objection-upheld",
                "title_objection_upheld",
                "objection upheld",
                actor,
                findings=payload.findings,
            )

    # -- the experts and the vote ----------------------------------------------------------------

    async def _draw(
        self, body: str, order: rules.ExpertDraw, stand_aside: str | None
    ) -> tuple[rules.Expert, ...]:
        seed = order.seed or str(workflow.uuid4())
        application = self.application
        # A round's panel is drawn per level and direction (the experts from the applicant's
        # employer stand aside); its committee once for the round.
        purpose = (
            f"panel:{application.review_round}:{application.level}:{application.direction}"
            if body == "panel"
            else f"committee:{application.review_round}"
        )
        members = rules.draw_experts(order.pool, order.size, seed, purpose, stand_aside)
        await self.record(
            SYSTEM,
            rules.ExpertsDrawn(
                body=body, seed=seed, pool_size=len(order.pool), stand_aside_unit=stand_aside, members=members
            ),
        )
        return members

    async def _open_ballot(self) -> None:
        self.ballot_no += 1
        members = tuple(e.id for e in self.committee)
        await self.run_activity(
            TitleActivities.open_ballot,
            OpenBallot(case_no=self.case_no, ballot_no=self.ballot_no, members=members),
            start_to_close=ACTIVITY_TIMEOUT,
        )
        await self.record(SYSTEM, rules.BallotOpened(ballot_no=self.ballot_no, members=members))

    async def _close_ballot(self, actor: Actor) -> None:
        tally = await self.run_activity(
            TitleActivities.close_ballot,
            CloseBallotBox(case_no=self.case_no, ballot_no=self.ballot_no),
            start_to_close=ACTIVITY_TIMEOUT,
        )
        await self.record(
            actor,
            rules.BallotClosed(tally=tally, valid=tally.valid, passed=tally.passed if tally.valid else None),
        )
        if not tally.valid:  # 五(二)5: fewer than two thirds voted; the vote is held again
            await self._open_ballot()
        elif tally.passed:
            await self.change_stage(rules.ACCEPTANCE, actor)
        else:
            await self.end(
                "vote",
                "title_not_passed_vote",
                "not passed by the committee",
                actor,
                voting=tally.voting,
                approve=tally.approve,
            )

    # -- the end -------------------------------------------------------------------------------

    async def _certify(self) -> None:
        application = self.application
        today = self.act_date()
        number = await self.run_activity(
            TitleActivities.number_certificate,
            NumberCertificate(year=today.year, level=application.level),
            start_to_close=ACTIVITY_TIMEOUT,
        )
        await self.record(
            SYSTEM,
            rules.TitleCertified(
                certificate_no=number,
                id_number=application.applicant.id_number,
                name=application.applicant.name,
                level=application.level.value,
                direction=application.direction.value,
                issued_on=today,
            ),
        )
        await self.notify("certificate", "title_certificate", certificate_no=number)
        await self.close("certified", SYSTEM)

    async def end(self, step: str, template: str, outcome: str, actor: Actor, **facts: Any) -> None:
        if self.stage == rules.VOTING:  # no ballot goes into the box of an ended case
            await self.run_activity(
                TitleActivities.close_ballot,
                CloseBallotBox(case_no=self.case_no, ballot_no=self.ballot_no),
                start_to_close=ACTIVITY_TIMEOUT,
            )
        await super().end(step, template, outcome, actor, **facts)

    def notice_facts(self) -> dict[str, Any]:
        return {"round": self.application.review_round}
