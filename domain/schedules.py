"""Where year schedules come from: the `holidays` package, and official schedule files.

The package is data, not I/O: building a schedule from it is a pure computation. A
schedule file follows the per-year layout of the public `holiday-cn` data set:

    {"year": 2027,
     "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
              {"name": "春节", "date": "2027-02-20", "isOffDay": false}, ...]}

`isOffDay: true` is a public holiday (a day off); `false` is a weekend day made a
working day (调休上班). The file is the State Council's whole schedule for its year.
"""

from __future__ import annotations

from datetime import date
from functools import cache, lru_cache
from typing import Any

import holidays

from domain.calendar import WorkingDayCalendar, YearSchedule
from domain.errors import InvalidInputError

PACKAGE_VERSION = f"holidays-{holidays.__version__}"


@cache
def package_official_years() -> frozenset[int]:
    """The years for which `holidays` carries the State Council's published schedule."""
    return frozenset(holidays.China().special_public_holidays)


@lru_cache(maxsize=256)
def package_schedule(year: int) -> YearSchedule:
    china = holidays.China(years=year, language="zh_CN")
    days_off = {d: str(name) for d, name in china.items() if d.year == year}
    workdays = frozenset(d for d in china.weekend_workdays if d.year == year)
    return YearSchedule(
        year=year,
        holidays=frozenset(days_off),
        workdays=workdays,
        official=year in package_official_years(),
        source=PACKAGE_VERSION,
        names=days_off,
    )


def package_calendar(overrides: tuple[YearSchedule, ...] = ()) -> WorkingDayCalendar:
    return WorkingDayCalendar(package_schedule, PACKAGE_VERSION, overrides)


def schedule_document(schedule: YearSchedule) -> dict[str, Any]:
    """A year's schedule in the holiday-cn layout that `parse_schedule_file` reads back."""
    days = [
        {"name": schedule.names.get(day, ""), "date": day.isoformat(), "isOffDay": True}
        for day in sorted(schedule.holidays)
    ]
    days += [
        {"name": "调休", "date": day.isoformat(), "isOffDay": False} for day in sorted(schedule.workdays)
    ]
    return {"year": schedule.year, "days": sorted(days, key=lambda d: str(d["date"]))}


def parse_schedule_file(document: Any, source: str = "schedule file") -> YearSchedule:
    """Validate a holiday-cn style year file; every error names what is wrong and where."""
    if not isinstance(document, dict):
        raise InvalidInputError("a schedule file is a JSON object with 'year' and 'days'")
    year = document.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInputError("year: must be a whole number from 2000 to 2100")
    entries = document.get("days")
    if not isinstance(entries, list) or not entries:
        raise InvalidInputError("days: must be a non-empty list")
    off: dict[date, str] = {}
    on: dict[date, str] = {}
    for index, entry in enumerate(entries):
        where = f"days[{index}]"
        if not isinstance(entry, dict):
            raise InvalidInputError(f"{where}: must be an object with name, date and isOffDay")
        try:
            day = date.fromisoformat(str(entry.get("date")))
        except ValueError:
            raise InvalidInputError(f"{where}.date: {entry.get('date')!r} is not a date") from None
        if day.year != year:
            raise InvalidInputError(f"{where}.date: {day} is not in {year}")
        is_off = entry.get("isOffDay")
        if not isinstance(is_off, bool):
            raise InvalidInputError(f"{where}.isOffDay: must be true or false")
        name = str(entry.get("name", ""))
        if day in off or day in on:
            raise InvalidInputError(f"{where}.date: {day} is listed twice")
        if not is_off and day.weekday() < 5:
            raise InvalidInputError(
                f"{where}: {day} is a weekday; only a Saturday or Sunday can be made a working day"
            )
        (off if is_off else on)[day] = name
    return YearSchedule(
        year=year,
        holidays=frozenset(off),
        workdays=frozenset(on),
        official=True,
        source=source,
        names=off,
    )
