"""Operators' calendar commands: what the calendar in force says, loading an official
schedule, and telling open cases to re-plan their clocks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from activities.db.calendar_store import load_overrides, save_schedule
from activities.db.connection import DatabaseUnreachableError, create_pool
from activities.db.migrate import migrate
from domain.calendar import WorkingDayCalendar
from domain.case import Actor
from domain.clocks import ClocksReplanned, ReplanClocks
from domain.errors import CaseClosedError, DomainError
from domain.schedules import package_calendar, parse_schedule_file
from govflow.client import errors
from govflow.client.sdk import Govflow
from workers.database import resolve_database_url
from workers.settings import Settings


@dataclass(frozen=True)
class CalendarInForce:
    calendar: WorkingDayCalendar
    note: str


async def calendar_in_force(settings: Settings, *, require_database: bool = False) -> CalendarInForce:
    """The calendar the workers use: the package plus the schedules loaded into PostgreSQL.

    Without a database (none configured, no local stack) it is the package's alone, and
    says so, unless the caller needs the database.
    """
    try:
        url = resolve_database_url(settings)
    except DatabaseUnreachableError as error:
        if require_database:
            raise errors.DatabaseUnreachableError(str(error)) from None
        return CalendarInForce(package_calendar(), "no database configured: package data only")
    pool = await _pool(url)
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
            overrides = await load_overrides(conn)
    finally:
        await pool.close()
    return CalendarInForce(package_calendar(overrides), "package data and loaded schedules")


async def load_schedule(settings: Settings, document: Any, source: str) -> WorkingDayCalendar:
    """Validate and store an official schedule; returns the calendar now in force."""
    try:
        schedule = parse_schedule_file(document, source)
    except DomainError as error:
        raise errors.InputError(error.message) from None
    pool = await _pool(resolve_database_url(settings))
    try:
        async with pool.acquire() as conn:
            await migrate(conn)
            async with conn.transaction():
                await save_schedule(conn, schedule)
            overrides = await load_overrides(conn)
    finally:
        await pool.close()
    return package_calendar(overrides)


async def open_cases_with_clocks(settings: Settings) -> list[str]:
    """Open cases that hold a clock not yet met or breached (from the `cases` read model)."""
    pool = await _pool(resolve_database_url(settings))
    try:
        async with pool.acquire() as conn:
            rows = await conn.fetch(
                """SELECT case_no FROM cases
                   WHERE outcome IS NULL
                     AND (deadlines @> '[{"state": "running"}]' OR deadlines @> '[{"state": "paused"}]')
                   ORDER BY case_no"""
            )
    finally:
        await pool.close()
    return [row["case_no"] for row in rows]


async def replan_cases(gf: Govflow, case_nos: list[str], actor: Actor) -> list[ClocksReplanned]:
    results = []
    for case_no in case_nos:
        try:
            results.append(await gf.replan_clocks(case_no, ReplanClocks(actor=actor)))
        except errors.DecisionRejectedError as refused:
            if not isinstance(refused.reason, CaseClosedError):
                raise
            # ended since the read model was read: nothing left to re-plan
    return results


async def _pool(url: str) -> Any:
    try:
        return await create_pool(url, max_size=2)
    except DatabaseUnreachableError as error:
        raise errors.DatabaseUnreachableError(str(error)) from None
