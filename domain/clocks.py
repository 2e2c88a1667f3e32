"""Statutory clocks: a period that runs from a start, may be paused and extended, and is
met, or breached when it passes its due date (spec/time.md).

A clock is a value: every change returns a new clock, and its due date is derived from
its start, length, unit, pauses and extensions by a calendar, never stored and edited.

Counting with pauses. A clock paused on day P and resumed on day R does not count the
days P < d <= R: the pause day itself still counts (the clock ran that day), and counting
resumes the day after the resumption, as it starts the day after the triggering event.
A pause and resumption on the same day therefore changes nothing, and a pause that
spans N working days moves a working-day clock's due date by exactly N working days.
For a month clock the paused calendar days are added after the months.

Extension (e.g. 第十二条第二款 of the complaint measures): a decision that sets a new
length, with its reason and approver; the latest extension's length is the clock's length.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from domain.calendar import DueDate, WorkingDayCalendar, end_of_day, start_of_day
from domain.case import Actor, Deadline
from domain.errors import ClockStateError
from domain.models import Record

REMINDER_TIME = time(9, 0)  # reminders go out at the start of the Beijing working day


class PeriodKind(StrEnum):
    """Whose period it is, which decides what its last day does when it is not a working day.

    - `party`: a period within which a party must act (the complainant's 30 days of 第十五条
      第（六）项, a time given to rectify). Its last day, if a legal holiday or a weekend
      rest day, is the next working day: 民法典 第二百零三条第一款 ("期间的最后一日是法定休假日的，
      以法定休假日结束的次日为期间的最后一日"), the general rule of Chinese procedure law
      (民事诉讼法 第八十五条, applied to administrative cases by 行政诉讼法 第一百零一条). A
      make-up working day (调休上班) is a working day.
    - `publicity`: a body's publicity window (公示): the days published run as published, a
      holiday in them or at their end does not move it.
    - `body`: a period within which the administration must act. Periods in working days
      already end on a working day; a body's calendar-day or month period is kept as the
      gazette counts it (the body acts before the holiday, the law gives it no extension).
    """

    PARTY = "party"
    PUBLICITY = "publicity"
    BODY = "body"

    @property
    def moves_off_holidays(self) -> bool:
        return self is PeriodKind.PARTY

    @property
    def last_day_rule(self) -> str | None:
        """The article that moves the period's last day off a holiday (recorded with the clock)."""
        return PARTY_PERIOD_ARTICLE if self.moves_off_holidays else None


PARTY_PERIOD_ARTICLE = "民法典 第二百零三条第一款"
"""The article that moves a party's period off a holiday."""


class Unit(StrEnum):
    WORKING_DAYS = "working-days"
    CALENDAR_DAYS = "calendar-days"
    MONTHS = "months"


@dataclass(frozen=True)
class Period:
    """A period the gazette sets: the name of its clock, the article, its length and unit, and
    who must act within it (in the gazette's words)."""

    name: str
    article: str
    length: int
    unit: Unit
    acts: str
    kind: PeriodKind = PeriodKind.BODY

    def named(self, name: str) -> Period:
        """The same period on a clock of its own (one reply clock per department)."""
        return replace(self, name=name)

    def lasting(self, length: int, unit: Unit) -> Period:
        """The same article and actor over another length (a date the authority set)."""
        return replace(self, length=length, unit=unit)


class Pause(Record):
    paused_on: date
    resumed_on: date | None = None
    reason: str = Field(min_length=1)


class Extension(Record):
    new_length: int = Field(ge=1)
    reason: str = Field(min_length=1)
    approver: str = Field(min_length=1)
    granted_on: date


class Clock(Record):
    """A named statutory clock of a case."""

    name: str = Field(min_length=1)
    article: str = Field(min_length=1, description="the article that sets the period, e.g. 第十条")
    started_on: date = Field(description="the day of the triggering event (it does not count)")
    length: int = Field(ge=0)
    unit: Unit
    reminder_lead: int = Field(default=2, ge=0, description="working days before the due date")
    pauses: tuple[Pause, ...] = ()
    extensions: tuple[Extension, ...] = ()
    settled: Literal["met", "breached"] | None = None
    settled_on: date | None = None
    completed_late_on: date | None = Field(
        default=None, description="when the act was done after all, once the clock was breached"
    )
    kind: PeriodKind = Field(
        default=PeriodKind.BODY,
        description="whose period: a party's ends on a working day (民法典 第二百零三条第一款)",
    )

    @model_validator(mode="after")
    def _pauses_in_order(self) -> Clock:
        previous_end = self.started_on
        for index, pause in enumerate(self.pauses):
            if pause.paused_on < previous_end:
                raise ValueError(f"pause {index} starts before the clock or an earlier pause ends")
            if pause.resumed_on is None and index != len(self.pauses) - 1:
                raise ValueError("only the last pause can be open")
            if pause.resumed_on is not None and pause.resumed_on < pause.paused_on:
                raise ValueError(f"pause {index} ends before it starts")
            previous_end = pause.resumed_on or pause.paused_on
        return self

    @property
    def effective_length(self) -> int:
        return self.extensions[-1].new_length if self.extensions else self.length

    @property
    def is_paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].resumed_on is None

    @property
    def outstanding(self) -> bool:
        """Still to be acted on: running, or breached and not yet done (so still overdue)."""
        if self.settled == "breached":
            return self.completed_late_on is None
        return self.settled is None and not self.is_paused

    @property
    def state(self) -> Literal["running", "paused", "met", "breached"]:
        if self.settled is not None:
            return self.settled
        return "paused" if self.is_paused else "running"

    # -- changes: each returns a new clock, or refuses with ClockStateError --------------------

    def pause(self, on: date, reason: str) -> Clock:
        self._check_open("pause")
        if self.is_paused:
            raise ClockStateError(f"clock {self.name!r} is already paused")
        return self.model_copy(update={"pauses": (*self.pauses, Pause(paused_on=on, reason=reason))})

    def resume(self, on: date) -> Clock:
        self._check_open("resume")
        if not self.is_paused:
            raise ClockStateError(f"clock {self.name!r} is not paused")
        last = self.pauses[-1].model_copy(update={"resumed_on": on})
        return self.model_copy(update={"pauses": (*self.pauses[:-1], last)})

    def extend(self, new_length: int, reason: str, approver: str, on: date) -> Clock:
        self._check_open("extend")
        if new_length <= self.effective_length:
            raise ClockStateError(
                f"an extension must lengthen clock {self.name!r} beyond {self.effective_length}"
            )
        extension = Extension(new_length=new_length, reason=reason, approver=approver, granted_on=on)
        return self.model_copy(update={"extensions": (*self.extensions, extension)})

    def settle(self, outcome: Literal["met", "breached"], on: date) -> Clock:
        self._check_open(outcome)
        return self.model_copy(update={"settled": outcome, "settled_on": on})

    def met_after_all(self, on: date, due: date) -> Clock:
        """The act a breached clock waited for was done on `on`, by its due date, and entered
        only after the breach was recorded (a paper dated earlier, `effective_on`): the period
        was kept, so the clock is met; the breach recorded in the history stays as it was."""
        if self.settled != "breached" or self.completed_late_on is not None:
            raise ClockStateError(f"clock {self.name!r} is not breached and outstanding")
        if on > due:
            raise ClockStateError(f"clock {self.name!r}: {on} is after its due date {due}")
        return self.model_copy(update={"settled": "met", "settled_on": on})

    def complete_late(self, on: date) -> Clock:
        """The act a breached clock waited for is done: the breach stands, the case is no
        longer overdue on this clock."""
        if self.settled != "breached":
            raise ClockStateError(f"clock {self.name!r} is not breached")
        if self.completed_late_on is not None:
            raise ClockStateError(f"clock {self.name!r} was already completed late")
        return self.model_copy(update={"completed_late_on": on})

    def _check_open(self, action: str) -> None:
        if self.settled is not None:
            raise ClockStateError(f"cannot {action} clock {self.name!r}: it is already {self.settled}")

    # -- derived ------------------------------------------------------------------------------

    def running_segments(self, resumed_by: date) -> list[tuple[date, date | None]]:
        """The (after, through] intervals in which the clock counts; the last is open.

        An open pause is treated as ending on `resumed_by` (the planning day), so a paused
        clock shows the due date it would have if it resumed then.
        """
        segments: list[tuple[date, date | None]] = []
        after = self.started_on
        for pause in self.pauses:
            segments.append((after, pause.paused_on))
            after = max(pause.resumed_on or resumed_by, pause.paused_on)
        segments.append((after, None))
        return segments

    def due(self, calendar: WorkingDayCalendar, today: date | None = None) -> DueDate:
        """The last day of the period, with its provisional flag: for a party's period in
        calendar days or months, moved off a holiday to the next working day (see PeriodKind)."""
        counted = self._counted_due(calendar, today)
        if self.unit is Unit.WORKING_DAYS or not self.kind.moves_off_holidays:
            return counted
        moved = calendar.first_working_day_from(counted.due)
        return DueDate(moved.due, counted.provisional or moved.provisional)

    def _counted_due(self, calendar: WorkingDayCalendar, today: date | None) -> DueDate:
        resumed_by = today or self.started_on
        segments = self.running_segments(resumed_by)
        if self.unit is Unit.MONTHS:
            paused_days = sum(
                ((max(p.resumed_on or resumed_by, p.paused_on)) - p.paused_on).days for p in self.pauses
            )
            months = calendar.add_months(self.started_on, self.effective_length)
            return DueDate(months.due + timedelta(days=paused_days), months.provisional)
        remaining = self.effective_length
        provisional = False
        for after, through in segments:
            if through is None:
                break
            counted = self._count(calendar, after, through)
            if counted >= remaining:
                return self._add(calendar, after, remaining, provisional)
            remaining -= counted
            provisional = provisional or self._add(calendar, after, counted, False).provisional
        last_after = segments[-1][0]
        return self._add(calendar, last_after, remaining, provisional)

    def _count(self, calendar: WorkingDayCalendar, after: date, through: date) -> int:
        if self.unit is Unit.WORKING_DAYS:
            return calendar.working_days_between(after, through)
        return max(0, (through - after).days)

    def _add(self, calendar: WorkingDayCalendar, after: date, days: int, provisional: bool) -> DueDate:
        result = (
            calendar.add_working_days(after, days)
            if self.unit is Unit.WORKING_DAYS
            else calendar.add_calendar_days(after, days)
        )
        return DueDate(result.due, provisional or result.provisional)

    def plan(self, calendar: WorkingDayCalendar, today: date) -> ClockPlan:
        """When the clock is due, when to remind, and which calendar said so."""
        due = self.due(calendar, today)
        reminder_on = calendar.working_day_before(due.due, self.reminder_lead)
        return ClockPlan(
            name=self.name,
            due=due.due,
            provisional=due.provisional,
            calendar_version=calendar.version,
            reminder_at=start_of_day(reminder_on, REMINDER_TIME) if self.reminder_lead else None,
        )


class ClockPlan(Record):
    """A clock's derived schedule, computed by an activity so that replay never recomputes it."""

    name: str
    due: date
    provisional: bool
    calendar_version: str
    reminder_at: datetime | None

    @property
    def expires_at(self) -> datetime:
        """The first instant after the period: the end of the due date has passed."""
        return end_of_day(self.due) + timedelta(seconds=1)

    @property
    def deadline_at(self) -> datetime:
        return end_of_day(self.due)


def deadline_view(clock: Clock, plan: ClockPlan, acts: str | None = None) -> Deadline:
    """The clock as the `status` query shows it (`acts`: who must act within it)."""
    return Deadline(
        name=clock.name,
        article=clock.article,
        due=plan.due,
        state=clock.state,
        provisional=plan.provisional,
        acts=acts,
        completed_late_on=clock.completed_late_on,
    )


class ReplanClocks(Record):
    """The operator's order to derive open clocks' due dates again (after a schedule load)."""

    actor: Actor
    reason: str = "official schedule loaded"


class ClocksReplanned(Record):
    case_no: str
    changed: tuple[str, ...]
