"""Statutory time in Asia/Shanghai.

Dates in the gazette are calendar dates in Beijing; a period ends at the end of its
last day (see spec/time.md). China has kept UTC+8 without daylight saving since 1991,
so a fixed offset is exact for every case this system holds and needs no tz database
inside the workflow sandbox.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_date(instant: datetime) -> date:
    """The Beijing calendar date of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """The instant a period ending on `day` expires: 23:59:59 Beijing time, in UTC."""
    return datetime.combine(day, time(23, 59, 59), SHANGHAI).astimezone(UTC)


def add_calendar_days(start: date, days: int) -> date:
    """天/日 periods: the triggering day does not count, every later day does.

    A last day that falls on a holiday does not move (spec/time.md keeps it so, in
    this one function, so that the rule can change in one place).
    """
    if days < 0:
        raise ValueError("a period cannot be negative")
    return start + timedelta(days=days)
