"""The working-day calendar against spec/time.md's worked examples, hand counts, and
chinese-calendar as an independent oracle."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from domain.calendar import add_months
from domain.errors import InvalidInputError
from domain.schedules import package_calendar, parse_schedule_file

CALENDAR = package_calendar()
TEST_2027 = json.loads((Path(__file__).parents[1] / "data" / "schedule-2027-test.json").read_text())


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # received Mon 2026-09-28; Oct 1-7 National Day; Sat Oct 10 is a make-up working day
        (date(2026, 9, 28), 7, date(2026, 10, 13)),
        # a 补正通知 sent 2026-09-28, supplement within 15 working days
        (date(2026, 9, 28), 15, date(2026, 10, 23)),
        # accepted 2026-06-01, handled within 60 working days
        (date(2026, 6, 1), 60, date(2026, 8, 25)),
    ],
)
def test_worked_examples_of_time_md(start: date, days: int, due: date) -> None:
    result = CALENDAR.add_working_days(start, days)
    assert result.due == due
    assert not result.provisional


def test_the_triggering_day_never_counts_even_when_it_is_a_working_day() -> None:
    assert CALENDAR.add_working_days(date(2026, 9, 29), 1).due == date(2026, 9, 30)
    assert CALENDAR.add_working_days(date(2026, 10, 3), 1).due == date(2026, 10, 8)  # from a holiday


def _oracle_working_days() -> list[date]:
    first, last = date(2020, 1, 1), date(2026, 12, 31)
    days = (first + timedelta(n) for n in range((last - first).days + 1))
    return [d for d in days if chinese_calendar.is_workday(d)]


def test_add_working_days_agrees_with_chinese_calendar_on_10000_random_periods() -> None:
    working = _oracle_working_days()
    index_after = {}  # the position in `working` of the first working day after each date
    position = 0
    day = date(2019, 12, 31)
    while day < date(2026, 12, 31):
        while position < len(working) and working[position] <= day:
            position += 1
        index_after[day] = position
        day += timedelta(days=1)
    rng = random.Random(20261126)
    checked, disagreements = 0, []
    while checked < 10_000:
        start = date(2020, 1, 1) + timedelta(days=rng.randrange(7 * 365 + 1))
        days = rng.randint(0, 120)
        target = index_after.get(start, len(working)) + days - 1
        if days and target >= len(working):
            continue  # past 2026: chinese-calendar has no data to compare with
        expected = working[target] if days else start
        if CALENDAR.add_working_days(start, days).due != expected:
            disagreements.append((start, days, expected))
        checked += 1
    assert disagreements == []


def test_each_day_of_2004_to_2026_agrees_with_chinese_calendar_but_2005_12_31() -> None:
    differ = []
    day = date(2004, 1, 1)
    while day <= date(2026, 12, 31):
        if CALENDAR.is_working_day(day) != chinese_calendar.is_workday(day):
            differ.append(day)
        day += timedelta(days=1)
    # The State Council's 2006 notice made Sat 2005-12-31 a working day: holidays is right.
    assert differ == [date(2005, 12, 31)]
    assert CALENDAR.is_working_day(date(2005, 12, 31))


def test_a_period_counted_into_a_year_without_official_schedule_is_provisional() -> None:
    assert CALENDAR.official_through() == 2026
    result = CALENDAR.add_working_days(date(2026, 12, 15), 30)
    assert result.provisional
    assert result.due == date(2027, 1, 27)  # by the package's rule-based 2027 (no 调休)
    assert not CALENDAR.add_working_days(date(2026, 12, 15), 12).provisional  # ends 2026-12-31


def test_a_loaded_official_schedule_replaces_the_package_for_its_year() -> None:
    schedule = parse_schedule_file(TEST_2027, "schedule-2027-test.json")
    calendar = package_calendar((schedule,))
    assert calendar.official_through() == 2027
    assert calendar.version.startswith("holidays-") and "+2027:" in calendar.version
    assert calendar.version != CALENDAR.version
    # Counted by hand: 12 working days to 2026-12-31, Jan 1 off, then Jan 4..22 (15 days),
    # the make-up Saturday Jan 23 (28th), Jan 25 (29th), Jan 26 (30th).
    result = calendar.add_working_days(date(2026, 12, 15), 30)
    assert (result.due, result.provisional) == (date(2027, 1, 26), False)
    assert calendar.is_working_day(date(2027, 2, 20))  # a Saturday made a working day
    assert not calendar.is_working_day(date(2027, 2, 8))  # a Monday off


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 8, 31), 3, date(2026, 11, 30)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
    ],
)
def test_months_keep_the_day_number_or_take_the_shorter_months_last_day(
    start: date, months: int, due: date
) -> None:
    assert add_months(start, months) == due


def test_counting_and_counting_back_working_days() -> None:
    # (2026-09-28, 2026-10-13]: Sep 29, 30, Oct 8, 9, 10 (Sat, make-up), 12, 13
    assert CALENDAR.working_days_between(date(2026, 9, 28), date(2026, 10, 13)) == 7
    # (2026-12-30, 2027-01-05]: Dec 31, (Jan 1 New Year, weekend), Jan 4, Jan 5
    assert CALENDAR.working_days_between(date(2026, 12, 30), date(2027, 1, 5)) == 3
    assert CALENDAR.working_day_before(date(2026, 10, 13), 2) == date(2026, 10, 10)
    assert CALENDAR.working_day_before(date(2026, 10, 8), 1) == date(2026, 9, 30)


def test_describe_says_why() -> None:
    assert CALENDAR.describe(date(2026, 10, 10)) == "make-up working day (调休上班)"
    assert CALENDAR.describe(date(2026, 10, 1)) == "public holiday (国庆节)"
    assert CALENDAR.describe(date(2026, 10, 17)) == "weekend"
    assert CALENDAR.describe(date(2026, 10, 16)) == "ordinary working day"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "a schedule file is a JSON object"),
        ({"year": "2027", "days": []}, "year: must be a whole number"),
        ({"year": 2027, "days": []}, "days: must be a non-empty list"),
        ({"year": 2027, "days": [{"date": "2027-13-01", "isOffDay": True}]}, "days[0].date: '2027-13-01'"),
        ({"year": 2027, "days": [{"date": "2026-12-31", "isOffDay": True}]}, "is not in 2027"),
        ({"year": 2027, "days": [{"date": "2027-01-01", "isOffDay": "yes"}]}, "days[0].isOffDay"),
        (
            {"year": 2027, "days": [{"date": "2027-01-04", "isOffDay": False}]},
            "2027-01-04 is a weekday; only a Saturday or Sunday can be made a working day",
        ),
        (
            {
                "year": 2027,
                "days": [{"date": "2027-01-01", "isOffDay": True}, {"date": "2027-01-01", "isOffDay": True}],
            },
            "listed twice",
        ),
    ],
)
def test_a_malformed_schedule_file_is_refused_with_the_place(document: object, message: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        parse_schedule_file(document)
    assert message in refused.value.message
