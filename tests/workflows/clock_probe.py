"""A test-only procedure that drives one statutory clock through the case core:
decisions pause, resume and extend it, and `act` is the act it waits for."""

from __future__ import annotations

from typing import ClassVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import Field

    from domain.case import SYSTEM, Actor, CaseOpening, CaseStatus, DecisionRule
    from domain.clocks import Period, Unit
    from domain.models import Record

from workflows.core import CaseWorkflow
from workflows.decisions import decision, guard

CLOCK = "probe"
SUPERVISOR = "督办机关"
OFFICE = "承办科"


class ProbeOpening(CaseOpening):
    length: int
    unit: Unit
    reminder_lead: int = 2


class Reason(Record):
    reason: str = Field(min_length=1)


class Nothing(Record):
    pass


class ExtendOrder(Record):
    new_length: int
    reason: str
    approver: str


OFFICER = frozenset({"officer"})
OPEN = frozenset({"open"})


@workflow.defn(name="clock-probe")
class ClockProbeWorkflow(CaseWorkflow):
    procedure = "clock-probe"
    supervising_body = SUPERVISOR
    decisions: ClassVar[dict[str, DecisionRule]] = {
        "pause": DecisionRule(OPEN, OFFICER, Reason),
        "resume": DecisionRule(OPEN, OFFICER, Nothing),
        "extend": DecisionRule(OPEN, OFFICER, ExtendOrder),
        "act": DecisionRule(OPEN, OFFICER, Nothing),
    }

    def __init__(self) -> None:
        super().__init__()
        self.acted = False
        self.in_time: bool | None = None

    @workflow.run
    async def run(self, opening: ProbeOpening) -> CaseStatus:
        await self.open_case(
            opening.case_no, None, applicant_id="probe", district=None, stage="open", application=opening
        )
        await self.clocks.start(
            Period(CLOCK, "测试条款", opening.length, opening.unit, OFFICE),
            escalate_to=SUPERVISOR,
            remind=OFFICE,
            reminder_lead=opening.reminder_lead,
        )
        self.case_ready()
        self.in_time = await self.clocks.wait(CLOCK, lambda: self.acted)
        await workflow.wait_condition(lambda: self.acted)  # after a breach the case goes on
        await self.close("acted in time" if self.in_time else "acted late", SYSTEM)
        return await self.finish()

    @guard("pause")
    def _pausable(self, payload: Reason, actor: Actor) -> None:
        self.clocks.check_pause(CLOCK, payload.reason)

    @decision("pause")
    async def _pause(self, payload: Reason, actor: Actor) -> None:
        await self.clocks.pause(CLOCK, payload.reason, actor)

    @guard("resume")
    def _resumable(self, payload: Nothing, actor: Actor) -> None:
        self.clocks.check_resume(CLOCK)

    @decision("resume")
    async def _resume(self, payload: Nothing, actor: Actor) -> None:
        await self.clocks.resume(CLOCK, actor)

    @guard("extend")
    def _extendable(self, payload: ExtendOrder, actor: Actor) -> None:
        self.clocks.check_extend(CLOCK, payload.new_length, payload.reason, payload.approver)

    @decision("extend")
    async def _extend(self, payload: ExtendOrder, actor: Actor) -> None:
        await self.clocks.extend(CLOCK, payload.new_length, payload.reason, payload.approver, actor)

    @decision("act")
    async def _act(self, payload: Nothing, actor: Actor) -> None:
        await self.clocks.complete(CLOCK, actor)
        self.acted = True
