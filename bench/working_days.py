"""Benchmark of calendar arithmetic: `.venv/bin/python bench/working_days.py`.

Prints the cost of adding 60 working days (the complaint measures' handling period) to
random dates of 2020-2026, of planning a paused and extended clock, and of building a
year's working days the first time it is used. Target (issue 3): under 50 µs an addition.
"""

from __future__ import annotations

import os
import random
import sys
import timeit
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from domain.clocks import Clock, Unit
from domain.schedules import package_calendar


def main() -> None:
    calendar = package_calendar()
    rng = random.Random(7)
    starts = [date(2020, 1, 1) + timedelta(days=rng.randrange(7 * 365)) for _ in range(10_000)]

    cold = timeit.timeit(lambda: package_calendar().add_working_days(date(2026, 6, 1), 60), number=1)
    for start in starts:  # build every year once, as a long-running worker has
        calendar.add_working_days(start, 60)

    def add_all() -> None:
        for start in starts:
            calendar.add_working_days(start, 60)

    best = min(timeit.repeat(add_all, number=1, repeat=5)) / len(starts)
    clock = (
        Clock(
            name="handling",
            article="第十二条",
            started_on=date(2026, 6, 1),
            length=60,
            unit=Unit.WORKING_DAYS,
        )
        .pause(date(2026, 6, 10), "补正")
        .resume(date(2026, 6, 24))
        .extend(90, "情况复杂", "处长", date(2026, 7, 1))
    )
    plan = min(timeit.repeat(lambda: clock.plan(calendar, date(2026, 7, 1)), number=1000, repeat=5)) / 1000
    print(f"add 60 working days (warm, 10,000 random starts 2020-2026): {best * 1e6:.2f} µs each")
    print(f"plan a paused and extended 60→90 working-day clock: {plan * 1e6:.1f} µs")
    print(f"first use of a fresh calendar (builds two years from the package): {cold * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
