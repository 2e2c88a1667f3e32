"""Official schedules loaded by operators, kept in PostgreSQL so every worker sees the same
calendar; `CalendarSource` builds the calendar from the package and these overrides."""

from __future__ import annotations

from datetime import date

import asyncpg

from activities.db.connection import Connection
from domain.calendar import WorkingDayCalendar, YearSchedule
from domain.schedules import package_calendar


async def load_overrides(conn: Connection) -> tuple[YearSchedule, ...]:
    rows = await conn.fetch(
        "SELECT year, holidays, workdays, names, source FROM calendar_schedules ORDER BY year"
    )
    return tuple(
        YearSchedule(
            year=row["year"],
            holidays=frozenset(row["holidays"]),
            workdays=frozenset(row["workdays"]),
            official=True,
            source=row["source"],
            names={date.fromisoformat(k): v for k, v in row["names"].items()},
        )
        for row in rows
    )


async def save_schedule(conn: Connection, schedule: YearSchedule) -> None:
    """Store (or replace) the official schedule of a year."""
    await conn.execute(
        """INSERT INTO calendar_schedules (year, holidays, workdays, names, checksum, source)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (year) DO UPDATE SET holidays = EXCLUDED.holidays,
               workdays = EXCLUDED.workdays, names = EXCLUDED.names,
               checksum = EXCLUDED.checksum, source = EXCLUDED.source, loaded_at = now()""",
        schedule.year,
        sorted(schedule.holidays),
        sorted(schedule.workdays),
        {d.isoformat(): n for d, n in schedule.names.items()},
        schedule.checksum(),
        schedule.source,
    )


class CalendarSource:
    """The current calendar: rebuilt only when the stored overrides change."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._stamp: str | None = None
        self._calendar = package_calendar()

    async def current(self) -> WorkingDayCalendar:
        async with self._pool.acquire() as conn:
            stamp = await conn.fetchval(
                "SELECT coalesce(string_agg(year || ':' || checksum, ',' ORDER BY year), '') "
                "FROM calendar_schedules"
            )
            if stamp != self._stamp:
                self._calendar = package_calendar(await load_overrides(conn))
                self._stamp = stamp
        return self._calendar
