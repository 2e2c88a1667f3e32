"""Whose period it is decides what its last day does on a holiday (domain.clocks.PeriodKind).

民法典 第二百零三条第一款: "期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日" — a
period within which a party must act ends on the next working day; a body's publicity window
(公示) runs as published. Dates by hand across the 2026 National Day holiday (10-01 to 10-07 off,
Sat 10-10 a make-up working day), and against `chinese_calendar` as an independent oracle.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import pytest

from domain import complaint, spot_check, title
from domain.calendar import add_months
from domain.clocks import Clock, PeriodKind, Unit
from domain.schedules import package_calendar

CALENDAR = package_calendar()


def clock(started_on: date, length: int, unit: Unit, kind: PeriodKind) -> Clock:
    return Clock(name="period", article="test", started_on=started_on, length=length, unit=unit, kind=kind)


def test_minfadian_203_a_partys_30_days_ending_on_national_day_end_on_the_next_working_day() -> None:
    # 2026-09-01 + 30 days = 2026-10-01, National Day; the holiday ends 10-07: the last day is
    # Thu 10-08.
    party = clock(date(2026, 9, 1), 30, Unit.CALENDAR_DAYS, PeriodKind.PARTY)
    assert party.due(CALENDAR).due == date(2026, 10, 8)


def test_a_publicity_window_ending_on_national_day_does_not_move() -> None:
    # 公示 15 days from 2026-09-16: 09-17 … 10-01; it ends on 10-01, holiday or not.
    publicity = clock(date(2026, 9, 16), 15, Unit.CALENDAR_DAYS, PeriodKind.PUBLICITY)
    assert publicity.due(CALENDAR).due == date(2026, 10, 1)


def test_a_bodys_calendar_day_period_is_kept_as_counted() -> None:
    body = clock(date(2026, 9, 1), 30, Unit.CALENDAR_DAYS, PeriodKind.BODY)
    assert body.due(CALENDAR).due == date(2026, 10, 1)


def test_minfadian_203_a_make_up_working_day_is_a_working_day_and_a_sunday_is_not() -> None:
    # 09-10 + 30 = Sat 10-10, a make-up working day (调休上班): it stays. 09-11 + 30 = Sun 10-11:
    # the next working day is Mon 10-12.
    assert clock(date(2026, 9, 10), 30, Unit.CALENDAR_DAYS, PeriodKind.PARTY).due(CALENDAR).due == date(
        2026, 10, 10
    )
    assert clock(date(2026, 9, 11), 30, Unit.CALENDAR_DAYS, PeriodKind.PARTY).due(CALENDAR).due == date(
        2026, 10, 12
    )


def test_minfadian_203_a_partys_period_in_months_moves_too() -> None:
    # 2026-07-01 + 3 months = 2026-10-01 → Thu 10-08.
    party = clock(date(2026, 7, 1), 3, Unit.MONTHS, PeriodKind.PARTY)
    assert party.due(CALENDAR).due == date(2026, 10, 8)
    assert clock(date(2026, 7, 1), 3, Unit.MONTHS, PeriodKind.BODY).due(CALENDAR).due == date(2026, 10, 1)


def test_a_partys_period_paused_moves_off_the_holiday_after_the_pause() -> None:
    # Started 08-30, paused 09-01 and resumed 09-03 (09-02, 09-03 not counted): 30 days end on
    # 09-29 + 2 = 10-01, National Day → 10-08.
    paused = (
        clock(date(2026, 8, 30), 30, Unit.CALENDAR_DAYS, PeriodKind.PARTY)
        .pause(date(2026, 9, 1), "正当理由")
        .resume(date(2026, 9, 3))
    )
    assert paused.due(CALENDAR).due == date(2026, 10, 8)


def _oracle_next_working_day(day: date) -> date:
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("length", [7, 15, 30])
def test_minfadian_203_every_start_in_2026_agrees_with_chinese_calendar(length: int) -> None:
    start = date(2026, 1, 1)
    while start + timedelta(days=length) < date(2026, 12, 20):
        last = start + timedelta(days=length)
        expected = _oracle_next_working_day(last)
        assert clock(start, length, Unit.CALENDAR_DAYS, PeriodKind.PARTY).due(CALENDAR).due == expected
        assert clock(start, length, Unit.CALENDAR_DAYS, PeriodKind.PUBLICITY).due(CALENDAR).due == last
        start += timedelta(days=1)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)  # (months end as add_months says)


def test_the_gazettes_periods_say_whose_they_are() -> None:
    """第十五条第（六）项 (the complainant's 30 days) and 三(二) (the time given to rectify) are a
    party's; 五(二)6 (the title's 15-day 公示) is a publicity window; a body's periods are not moved."""
    assert complaint.PARTICIPATION.kind is PeriodKind.PARTY
    assert spot_check.RECTIFICATION.kind is PeriodKind.PARTY
    assert title.PUBLICITY.kind is PeriodKind.PUBLICITY
    assert complaint.HANDLING.kind is PeriodKind.BODY
    assert spot_check.CHECK.kind is PeriodKind.BODY


def test_a_partys_clock_names_the_article_that_moves_its_last_day() -> None:
    assert PeriodKind.PARTY.last_day_rule == "民法典 第二百零三条第一款"
    assert PeriodKind.PUBLICITY.last_day_rule is None
    assert PeriodKind.BODY.last_day_rule is None
