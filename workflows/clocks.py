"""Statutory clocks inside a case workflow: the one reusable piece every procedure uses.

`ClockKeeper` holds the case's clocks (domain values, domain.clocks) and, for each
running clock, a watcher coroutine that sleeps until the next thing the clock must do:
send the reminder (a working-day lead before the due date, at 09:00 Beijing time), or
record the breach and escalate to the supervising body when the due date has passed. The
case goes on after a breach: it is a fact to report, not a reason to stop.

Every change (start, pause, resume, extension, met, breach, re-plan) bumps the clock's
version, which wakes its watcher to plan its timer again; a decision that settles the clock
first cancels the timer with the wait. Due dates come from the `plan_clocks` activity and
so are recorded in history (see activities.clocks): replay never recomputes one.
`NextDeadline` always holds the end of the earliest running clock's due date.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from contextvars import ContextVar, copy_context
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.boundary import to_application_error
    from activities.clocks import ClockActivities
    from activities.models import PlanClocks
    from domain import events as ev
    from domain.calendar import local_date
    from domain.case import SYSTEM, Actor, CaseEvent, Deadline
    from domain.clocks import Clock, ClockPlan, Period, deadline_view
    from domain.errors import ClockStateError, DomainError
    from domain.labels import brief
    from workflows import search_attributes as sa

ACTING_ON: ContextVar[date | None] = ContextVar("govflow_acting_on", default=None)
"""The legal date of the decision the current task carries out (CaseWorkflow.act_date): a
context variable, so that it is that handler's alone."""
BATCHING: ContextVar[bool] = ContextVar("govflow_batching", default=False)
"""Whether the current task is carrying out an act whose events are appended together
(CaseWorkflow.batched): that task's alone, not another handler's nor the run's."""

PLAN_TIMEOUT = timedelta(seconds=10)
PLAN_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))


Command = TypeVar("Command")
Result = TypeVar("Result")


class ClockedCase(Protocol):
    """What the clock keeper needs of the case whose clocks it keeps; the case core provides it
    (so the dependency runs one way: the core holds a keeper, the keeper knows only this)."""

    @property
    def outcome(self) -> str | None: ...

    def act_date(self) -> date: ...

    def shown_next_deadline(self) -> datetime | None: ...

    def words(self, kind: Any, code: str) -> str: ...

    async def record(self, actor: Actor, data: Any) -> CaseEvent: ...

    async def issue_notice(
        self, step: str, template: str, recipient: str, context: dict[str, Any], actor: Actor = ...
    ) -> CaseEvent: ...

    async def escalate(
        self, clock: str, article: str, due: date, supervising_body: str, reason: str
    ) -> None: ...

    async def run_activity(
        self,
        activity: Callable[[Any, Command], Awaitable[Result]],
        command: Command,
        *,
        start_to_close: timedelta,
        retry: RetryPolicy | None = None,
        writes: bool = True,
    ) -> Result: ...


@dataclass(frozen=True)
class ClockRoute:
    """Who is reminded before the due date, and which body a breach is escalated to (none for
    a period that binds the applicant, such as a supplement period: its lapse is a fact the
    procedure acts on, not a failure of the administration)."""

    escalate_to: str | None
    remind: str | None


class ClockKeeper:
    def __init__(self, case: ClockedCase) -> None:
        self._case = case
        self.clocks: dict[str, Clock] = {}
        self.plans: dict[str, ClockPlan] = {}
        self._routes: dict[str, ClockRoute] = {}
        self._versions: dict[str, int] = {}
        self._reminded: set[tuple[str, date]] = set()
        self._watchers: dict[str, asyncio.Task[None]] = {}
        self._acts: dict[str, str] = {}  # who must act within each clock's period (status only)

    # -- what the status query and search attributes show --------------------------------------

    def deadlines(self) -> tuple[Deadline, ...]:
        return tuple(
            deadline_view(self.clocks[name], self.plans[name], acts=self._acts.get(name))
            for name in self.clocks
        )

    def next_deadline(self) -> datetime | None:
        """The earliest deadline still to be acted on; a breached one stays (in the past) until
        the act is done, so that `NextDeadline < now` finds every overdue case."""
        outstanding = [self.plans[n].deadline_at for n, c in self.clocks.items() if c.outstanding]
        return min(outstanding, default=None)

    def state(self, name: str) -> str:
        return self.clocks[name].state

    def watchers_done(self) -> bool:
        """Whether every clock's watcher has ended (its timers cancelled)."""
        return all(task.done() for task in self._watchers.values())

    def check_pause(self, name: str, reason: str) -> None:
        """Raise the DomainError that pausing now would meet (for update validators)."""
        self._clock(name).pause(self._today(), reason)

    def check_resume(self, name: str) -> None:
        self._clock(name).resume(self._today())

    def check_extend(self, name: str, new_length: int, reason: str, approver: str) -> None:
        self._clock(name).extend(new_length, reason, approver, self._today())

    def _clock(self, name: str) -> Clock:
        if name not in self.clocks:
            raise ClockStateError(f"this case has no clock {name!r}")
        return self.clocks[name]

    # -- what procedures call -------------------------------------------------------------------

    async def start(
        self,
        period: Period,
        *,
        escalate_to: str | None,
        remind: str | None = None,
        reminder_lead: int = 2,
        started_on: date | None = None,
    ) -> ClockPlan:
        """Start the clock of `period`; the day it starts on (default: today in Beijing) does
        not count."""
        name = period.name
        existing = self.clocks.get(name)
        if existing is not None and existing.settled is None:
            raise to_application_error(ClockStateError(f"clock {name!r} is already running"))
        today = self._today()
        clock = Clock(
            name=name,
            article=period.article,
            started_on=started_on or today,
            length=period.length,
            unit=period.unit,
            reminder_lead=reminder_lead if remind else 0,
            kind=period.kind,
        )
        self._routes[name] = ClockRoute(escalate_to=escalate_to, remind=remind)
        self._acts[name] = period.acts
        plan = await self._set(clock, today)
        await self._record(
            ev.ClockStarted,
            name,
            article=period.article,
            started_on=clock.started_on,
            length=period.length,
            unit=period.unit.value,
            kind=period.kind.value,
            last_day_rule=period.kind.last_day_rule,
        )
        # The watcher outlives the decision that started the clock: it runs on no act's date.
        context = copy_context()
        context.run(ACTING_ON.set, None)
        context.run(BATCHING.set, False)  # nor in its act: what it records is appended at once
        self._watchers[name] = asyncio.create_task(self._watch(name), context=context)
        return plan

    async def pause(self, name: str, reason: str, actor: Actor) -> None:
        today = self._today()
        await self._set(self._change(name, lambda c: c.pause(today, reason)), today)
        await self._record(ev.ClockPaused, name, actor, reason=reason, paused_on=today)

    async def resume(self, name: str, actor: Actor) -> None:
        today = self._today()
        await self._set(self._change(name, lambda c: c.resume(today)), today)
        await self._record(ev.ClockResumed, name, actor, resumed_on=today)

    async def extend(self, name: str, new_length: int, reason: str, approver: str, actor: Actor) -> None:
        today = self._today()
        await self._set(self._change(name, lambda c: c.extend(new_length, reason, approver, today)), today)
        await self._record(
            ev.ClockExtended, name, actor, new_length=new_length, reason=reason, approver=approver
        )

    async def meet(self, name: str, actor: Actor) -> None:
        """The act the clock waited for was done in time."""
        self._keep(name, self._change(name, lambda c: c.settle("met", self._today())))
        await self._record(ev.ClockMet, name, actor)

    async def complete(self, name: str, actor: Actor) -> None:
        """The act the clock waited for is done: in time (met), or late after a breach; an act
        dated by its due date but entered after the breach was recorded is met after all."""
        if self._clock(name).settled != "breached":
            await self.meet(name, actor)
            return
        today = self._today()
        if self._clock(name).completed_late_on is None and today <= self.plans[name].due:
            due = self.plans[name].due
            self._keep(name, self._change(name, lambda c: c.met_after_all(today, due)))
            await self._record(ev.ClockMet, name, actor, breach_withdrawn=True)
            return
        self._keep(name, self._change(name, lambda c: c.complete_late(today)))
        await self._record(ev.ClockCompletedLate, name, actor, completed_on=today)

    async def wait(self, name: str, done: Callable[[], bool]) -> bool:
        """Wait for `done` or the clock's breach, whichever comes first; True if `done` did."""
        await workflow.wait_condition(lambda: done() or self.clocks[name].state == "breached")
        return done()

    async def replan(self, actor: Actor) -> list[str]:
        """Ask the calendar in force again for every unsettled clock; record what changed."""
        open_clocks = [c for c in self.clocks.values() if c.settled is None]
        if not open_clocks:
            return []
        plans = await self._plan(open_clocks, self._today())
        changed = []
        for clock, plan in zip(open_clocks, plans, strict=True):
            previous = self.plans[clock.name]
            if (plan.due, plan.provisional) == (previous.due, previous.provisional):
                continue
            self._keep(clock.name, clock, plan)
            await self._record(
                ev.ClockReplanned,
                clock.name,
                actor,
                previous_due=previous.due,
                previous_provisional=previous.provisional,
                previous_calendar_version=previous.calendar_version,
            )
            changed.append(clock.name)
        return changed

    # -- the watcher ----------------------------------------------------------------------------

    async def _watch(self, name: str) -> None:
        while True:
            clock = self.clocks[name]
            if clock.settled is not None or self._case.outcome is not None:
                return
            version = self._versions[name]

            def changed(version: int = version) -> bool:
                return self._versions[name] != version or self._case.outcome is not None

            if clock.is_paused:
                await workflow.wait_condition(changed)
                continue
            plan = self.plans[name]
            route = self._routes[name]
            remind = (
                plan.reminder_at is not None
                and route.remind is not None
                and (name, plan.due) not in self._reminded
            )
            target = plan.reminder_at if remind and plan.reminder_at else plan.expires_at
            remaining = target - workflow.now()
            if remaining > timedelta(0):
                try:
                    await workflow.wait_condition(
                        changed,
                        timeout=remaining,
                        timeout_summary=_timer_summary(self._case.words("clock", name), remind, plan.due),
                    )
                    continue
                except TimeoutError:
                    pass
            if changed():
                continue
            if remind and route.remind:
                await self._remind(name, plan, route.remind)
                continue
            await self._breach(name, plan, route)
            return

    async def _remind(self, name: str, plan: ClockPlan, recipient: str) -> None:
        self._reminded.add((name, plan.due))
        await self._record(ev.ClockReminded, name, SYSTEM, recipient=recipient)
        await self._case.issue_notice(
            f"reminder-{name}-{plan.due.isoformat()}",
            "clock_reminder",
            recipient,
            {
                "clock": name,
                "article": self.clocks[name].article,
                "due": plan.due,
                "provisional": plan.provisional,
            },
        )

    async def _breach(self, name: str, plan: ClockPlan, route: ClockRoute) -> None:
        # Today, not an act's date: the watcher runs beside a decision being carried out.
        clock = self.clocks[name].settle("breached", local_date(workflow.now()))
        self._keep(name, clock)
        await self._record(ev.ClockBreached, name, SYSTEM)
        workflow.logger.warning("clock %s breached (due %s)", name, plan.due)
        if route.escalate_to is None:
            return
        await self._case.escalate(
            name,
            clock.article,
            plan.due,
            route.escalate_to,
            f"法定期限“{name}”（{clock.article}）已于{plan.due.isoformat()}届满，尚未办结",
        )

    # -- keeping state ---------------------------------------------------------------------------

    def _today(self) -> date:
        """The day a clock change happens on: the date of the act being carried out (its
        `effective_on`, when it was entered later), else today in Beijing."""
        return self._case.act_date()

    def _change(self, name: str, change: Callable[[Clock], Clock]) -> Clock:
        """Apply a domain change; a refusal fails the update, not the workflow task."""
        try:
            return change(self._clock(name))
        except DomainError as error:
            raise to_application_error(error) from None

    async def _plan(self, clocks: list[Clock], today: date) -> tuple[ClockPlan, ...]:
        return await self._case.run_activity(
            ClockActivities.plan_clocks,
            PlanClocks(clocks=tuple(clocks), today=today),
            start_to_close=PLAN_TIMEOUT,
            retry=PLAN_RETRY,
            writes=False,  # reads the calendar only: the act's events wait for its one append
        )

    async def _set(self, clock: Clock, today: date) -> ClockPlan:
        [plan] = await self._plan([clock], today)
        self._keep(clock.name, clock, plan)
        return plan

    def _keep(self, name: str, clock: Clock, plan: ClockPlan | None = None) -> None:
        self.clocks[name] = clock
        if plan is not None:
            self.plans[name] = plan
        self._versions[name] = self._versions.get(name, 0) + 1
        upcoming = self._case.shown_next_deadline()
        workflow.upsert_search_attributes(
            [sa.NEXT_DEADLINE.value_set(upcoming) if upcoming else sa.NEXT_DEADLINE.value_unset()]
        )

    async def _record(
        self, event: type[ev.ClockChanged], name: str, actor: Actor = SYSTEM, **facts: Any
    ) -> None:
        clock, plan = self.clocks[name], self.plans[name]
        await self._case.record(
            actor,
            event(
                clock=name,
                due=plan.due,
                state=clock.state,
                provisional=plan.provisional,
                calendar_version=plan.calendar_version,
                deadlines=self.deadlines(),
                next_deadline=self.next_deadline(),
                **facts,
            ),
        )


def _timer_summary(clock: str, remind: bool, due: date) -> str:
    """What a clock's timer says in the Temporal UI: `受理决定期限 acceptance：届满 2026-12-08`."""
    return brief(
        f"{clock}：{'提醒' if remind else '届满'} {due.isoformat()} ({'reminder' if remind else 'due'})"
    )
