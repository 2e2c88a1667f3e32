"""Statutory clocks: pauses, extensions, settlement, reminders; dates counted by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from domain.clocks import Clock, Unit
from domain.errors import ClockStateError
from domain.schedules import package_calendar

CALENDAR = package_calendar()


def acceptance_clock(**changes: object) -> Clock:
    """第十二条: decide acceptance within 7 working days, from Mon 2026-09-28."""
    fields: dict[str, object] = {
        "name": "acceptance",
        "article": "第十二条第一款",
        "started_on": date(2026, 9, 28),
        "length": 7,
        "unit": Unit.WORKING_DAYS,
    }
    return Clock.model_validate(fields | changes)


def test_an_untouched_clock_is_due_on_the_seventh_working_day() -> None:
    clock = acceptance_clock()
    assert clock.due(CALENDAR).due == date(2026, 10, 13)
    assert clock.state == "running"


def test_a_pause_moves_the_due_date_by_the_working_days_it_lasted() -> None:
    # Paused Tue 9-29 (that day still counts: 1), resumed Tue 10-13: not counted are
    # 9-30, 10-8, 10-9, 10-10 (Sat, make-up), 10-12, 10-13 = 6 working days; then
    # 10-14 (2), 10-15 (3), 10-16 (4), 10-19 (5), 10-20 (6), 10-21 (7).
    clock = acceptance_clock().pause(date(2026, 9, 29), "补正材料").resume(date(2026, 10, 13))
    assert clock.due(CALENDAR).due == date(2026, 10, 21)
    assert CALENDAR.add_working_days(date(2026, 10, 13), 6).due == date(2026, 10, 21)


def test_a_pause_resumed_the_same_day_changes_nothing() -> None:
    clock = acceptance_clock().pause(date(2026, 10, 9), "x").resume(date(2026, 10, 9))
    assert clock.due(CALENDAR).due == date(2026, 10, 13)


def test_a_paused_clock_shows_the_date_it_would_have_if_resumed_on_the_planning_day() -> None:
    paused = acceptance_clock().pause(date(2026, 9, 29), "补正材料")
    assert paused.state == "paused"
    assert paused.due(CALENDAR, today=date(2026, 9, 29)).due == date(2026, 10, 13)
    assert paused.due(CALENDAR, today=date(2026, 10, 13)).due == date(2026, 10, 21)


def test_an_extension_sets_a_new_length() -> None:
    # 第十二条第二款: 7 → 10 working days: after 10-13 come 10-14, 10-15, 10-16.
    clock = acceptance_clock().extend(10, "情况复杂", "处长", date(2026, 10, 12))
    assert clock.due(CALENDAR).due == date(2026, 10, 16)
    assert clock.extensions[0].approver == "处长"


def test_calendar_day_clock_skips_paused_days() -> None:
    # 15 days from 2026-03-01 is 03-16; paused 03-05, resumed 03-10: 5 days (6..10) do not count.
    clock = Clock(
        name="supplement", article="第十条", started_on=date(2026, 3, 1), length=15, unit=Unit.CALENDAR_DAYS
    )
    assert clock.due(CALENDAR).due == date(2026, 3, 16)
    assert clock.pause(date(2026, 3, 5), "x").resume(date(2026, 3, 10)).due(CALENDAR).due == date(2026, 3, 21)


def test_month_clock_adds_paused_calendar_days_after_the_months() -> None:
    clock = Clock(
        name="spot-check", article="告知承诺 五", started_on=date(2026, 1, 31), length=3, unit=Unit.MONTHS
    )
    assert clock.due(CALENDAR).due == date(2026, 4, 30)
    assert clock.pause(date(2026, 2, 1), "x").resume(date(2026, 2, 11)).due(CALENDAR).due == date(2026, 5, 10)


def test_the_reminder_goes_out_at_nine_on_the_second_working_day_before_the_due_date() -> None:
    plan = acceptance_clock(reminder_lead=2).plan(CALENDAR, date(2026, 9, 28))
    assert plan.due == date(2026, 10, 13)
    # Working days before 10-13: 10-12 (1), 10-10 the make-up Saturday (2).
    assert plan.reminder_at == datetime(2026, 10, 10, 1, 0, tzinfo=UTC)
    assert plan.deadline_at == datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC)
    assert plan.expires_at == datetime(2026, 10, 13, 16, 0, 0, tzinfo=UTC)
    assert acceptance_clock(reminder_lead=0).plan(CALENDAR, date(2026, 9, 28)).reminder_at is None


def test_a_clock_into_2027_is_provisional_and_names_its_calendar() -> None:
    plan = acceptance_clock(started_on=date(2026, 12, 15), length=30).plan(CALENDAR, date(2026, 12, 15))
    assert (plan.due, plan.provisional) == (date(2027, 1, 27), True)
    assert plan.calendar_version == CALENDAR.version


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: c.pause(date(2026, 9, 29), "x").pause(date(2026, 9, 30), "y"), "already paused"),
        (lambda c: c.resume(date(2026, 9, 29)), "is not paused"),
        (lambda c: c.extend(7, "x", "y", date(2026, 9, 29)), "must lengthen"),
        (lambda c: c.settle("met", date(2026, 10, 1)).pause(date(2026, 10, 2), "x"), "already met"),
        (
            lambda c: c.settle("breached", date(2026, 10, 14)).settle("met", date(2026, 10, 15)),
            "already breached",
        ),
    ],
)
def test_a_change_the_clock_cannot_take_is_refused(change: Callable[[Clock], Clock], message: str) -> None:
    with pytest.raises(ClockStateError, match=message):
        change(acceptance_clock())


def test_pauses_must_not_overlap_or_precede_the_start() -> None:
    with pytest.raises(ValueError, match="starts before"):
        acceptance_clock(
            pauses=[{"paused_on": date(2026, 9, 27), "resumed_on": date(2026, 9, 29), "reason": "x"}]
        )


def test_a_clock_is_outstanding_while_running_or_breached_and_not_yet_done() -> None:
    clock = acceptance_clock()
    assert clock.outstanding
    assert not clock.pause(date(2026, 9, 29), "x").outstanding  # a paused clock is not due
    assert not clock.settle("met", date(2026, 10, 9)).outstanding
    breached = clock.settle("breached", date(2026, 10, 14))
    assert breached.outstanding  # overdue until the act is done
    late = breached.complete_late(date(2026, 10, 20))
    assert not late.outstanding
    assert late.state == "breached"  # the breach stands
    with pytest.raises(ClockStateError, match="already completed late"):
        late.complete_late(date(2026, 10, 21))
    with pytest.raises(ClockStateError, match="is not breached"):
        clock.complete_late(date(2026, 10, 9))
