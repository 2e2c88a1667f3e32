from datetime import UTC, date, datetime

from domain.calendar import add_calendar_days, end_of_day, local_date


def test_a_period_ends_at_235959_beijing_which_is_155959_utc() -> None:
    assert end_of_day(date(2026, 10, 13)) == datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC)


def test_late_evening_utc_is_already_the_next_day_in_beijing() -> None:
    assert local_date(datetime(2026, 9, 30, 16, 0, tzinfo=UTC)) == date(2026, 10, 1)
    assert local_date(datetime(2026, 9, 30, 15, 59, tzinfo=UTC)) == date(2026, 9, 30)


def test_calendar_days_do_not_count_the_triggering_day_and_do_not_skip_holidays() -> None:
    # 10 days from 2026-09-28: Sept 29, 30, Oct 1..8 → Oct 8 (Oct 1-7 is National Day: no shift).
    assert add_calendar_days(date(2026, 9, 28), 10) == date(2026, 10, 8)
