"""Statutory time in Asia/Shanghai: working days, calendar days, months (spec/time.md).

Dates in the gazette are calendar dates in Beijing; a period ends at the end of its
last day. China has kept UTC+8 without daylight saving since 1991, so a fixed offset is
exact for every case this system holds and needs no tz database in the workflow sandbox.

Counting (the usual rule in Chinese administrative law): the day of the triggering event
does not count; counting starts the next day; the deadline is the end of the last counted
day. A working day (工作日) is Monday to Friday unless a public holiday, plus the weekend
days the State Council makes working days (调休).

The calendar knows which years' schedules are official: those the `holidays` package
carries a State Council schedule for, and those an operator loaded from a schedule file.
An answer that counts a day of any other year is `provisional`: `holidays` answers such
years with rule-based holidays and no make-up working days, which the real schedule will
change.
"""

from __future__ import annotations

import calendar as _gregorian
import hashlib
import json
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def local_date(instant: datetime) -> date:
    """The Beijing calendar date of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """The last instant of a period ending on `day`: 23:59:59 Beijing time, in UTC."""
    return datetime.combine(day, time(23, 59, 59), SHANGHAI).astimezone(UTC)


def start_of_day(day: date, at: time = time(0, 0)) -> datetime:
    """An instant of `day` in Beijing (midnight unless `at` says otherwise), in UTC."""
    return datetime.combine(day, at, SHANGHAI).astimezone(UTC)


def add_calendar_days(start: date, days: int) -> date:
    """天/日 periods: the triggering day does not count, every later day does.

    A last day that falls on a holiday does not move (spec/time.md keeps it so, in this
    one function, so that the rule can change in one place).
    """
    if days < 0:
        raise ValueError("a period cannot be negative")
    return start + timedelta(days=days)


def add_months(start: date, months: int) -> date:
    """个月 periods: the same day number N months later, or that month's last day if shorter."""
    if months < 0:
        raise ValueError("a period cannot be negative")
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _gregorian.monthrange(year, month)[1]))


@dataclass(frozen=True)
class YearSchedule:
    """One year's special days: public holidays (off) and weekend days made working days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    official: bool
    source: str
    names: Mapping[date, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        stray = [d for d in self.holidays | self.workdays if d.year != self.year]
        if stray:
            raise ValueError(f"schedule {self.year} lists days of another year: {sorted(stray)}")
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"schedule {self.year}: days both off and working: {sorted(both)}")

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def checksum(self) -> str:
        canonical = json.dumps(
            {
                "year": self.year,
                "holidays": sorted(d.isoformat() for d in self.holidays),
                "workdays": sorted(d.isoformat() for d in self.workdays),
            },
            sort_keys=True,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class DueDate:
    """The last day of a period and whether it counted a day of a provisional year."""

    due: date
    provisional: bool


class WorkingDayCalendar:
    """Working-day arithmetic over year schedules, with a version that names its data.

    `base` gives a year's schedule from the package; `overrides` (official schedules an
    operator loaded) replace it for their years. Each year's working days are kept as a
    sorted list of ordinals, so adding N working days is a pair of binary searches.
    """

    def __init__(
        self,
        base: Callable[[int], YearSchedule],
        base_version: str,
        overrides: Iterable[YearSchedule] = (),
    ) -> None:
        self._base = base
        self._overrides = {schedule.year: schedule for schedule in overrides}
        self._schedules: dict[int, YearSchedule] = {}
        self._working: dict[int, list[int]] = {}
        suffix = "".join(
            f"+{year}:{self._overrides[year].checksum()[:8]}" for year in sorted(self._overrides)
        )
        self.version = f"{base_version}{suffix}"

    @property
    def override_years(self) -> list[int]:
        return sorted(self._overrides)

    def schedule(self, year: int) -> YearSchedule:
        if year not in self._schedules:
            self._schedules[year] = self._overrides.get(year) or self._base(year)
        return self._schedules[year]

    def is_official(self, year: int) -> bool:
        return self.schedule(year).official

    def official_through(self, since: int = 2001) -> int:
        """The last year of the unbroken run of official schedules from `since`."""
        year = since
        while self.is_official(year + 1):
            year += 1
        return year if self.is_official(since) else since - 1

    def is_working_day(self, day: date) -> bool:
        return self.schedule(day.year).is_working_day(day)

    def describe(self, day: date) -> str:
        """Why a day is or is not a working day, in the gazette's terms."""
        schedule = self.schedule(day.year)
        if day in schedule.workdays:
            return "make-up working day (调休上班)"
        if day in schedule.holidays:
            name = schedule.names.get(day)
            return f"public holiday{f' ({name})' if name else ''}"
        return "weekend" if day.weekday() >= 5 else "ordinary working day"

    def _working_days(self, year: int) -> list[int]:
        if year not in self._working:
            schedule = self.schedule(year)
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            self._working[year] = [
                n for n in range(first, last + 1) if schedule.is_working_day(date.fromordinal(n))
            ]
        return self._working[year]

    def _provisional(self, start: date, due: date) -> bool:
        """Whether a day counted after `start` up to `due` lies in a non-official year."""
        first_counted = start + timedelta(days=1)
        return any(not self.is_official(y) for y in range(first_counted.year, due.year + 1))

    def add_working_days(self, start: date, days: int) -> DueDate:
        """工作日 periods: the `days`-th working day after `start` (start itself never counts)."""
        if days < 0:
            raise ValueError("a period cannot be negative")
        if days == 0:
            return DueDate(start, False)
        year = start.year
        index = bisect_right(self._working_days(year), start.toordinal())
        remaining = days
        while True:
            working = self._working_days(year)
            available = len(working) - index
            if remaining <= available:
                due = date.fromordinal(working[index + remaining - 1])
                return DueDate(due, self._provisional(start, due))
            remaining -= available
            year, index = year + 1, 0

    def working_days_between(self, after: date, through: date) -> int:
        """How many working days d satisfy after < d <= through."""
        if through <= after:
            return 0
        count = 0
        for year in range(after.year, through.year + 1):
            working = self._working_days(year)
            low = bisect_right(working, after.toordinal()) if year == after.year else 0
            high = bisect_right(working, through.toordinal()) if year == through.year else len(working)
            count += high - low
        return count

    def working_day_before(self, day: date, days: int) -> date:
        """The `days`-th working day before `day` (for reminders ahead of a due date)."""
        if days <= 0:
            return day
        year = day.year
        index = bisect_right(self._working_days(year), day.toordinal() - 1)
        remaining = days
        while True:
            working = self._working_days(year)
            if remaining <= index:
                return date.fromordinal(working[index - remaining])
            remaining -= index
            year -= 1
            index = len(self._working_days(year))

    def add_calendar_days(self, start: date, days: int) -> DueDate:
        return DueDate(add_calendar_days(start, days), False)

    def first_working_day_from(self, day: date) -> DueDate:
        """`day` if it is a working day, else the first working day after it (the day after the
        legal holiday ends, 民法典 第二百零三条第一款); provisional if it looked into a year whose
        schedule is not official."""
        provisional = False
        while not self.is_working_day(day):
            provisional = provisional or not self.is_official(day.year)
            day += timedelta(days=1)
        return DueDate(day, provisional)

    def add_months(self, start: date, months: int) -> DueDate:
        return DueDate(add_months(start, months), False)
