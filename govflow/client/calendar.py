"""Operators' calendar commands over the SDK: the calendar in force (the package's schedules and
the official ones loaded, read through the worker), loading a schedule, and telling open cases
to re-plan their clocks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.calendar import WorkingDayCalendar
from domain.case import Actor
from domain.clocks import ClocksReplanned, ReplanClocks
from domain.errors import CaseClosedError
from domain.schedules import package_calendar
from govflow.client import errors
from govflow.client.sdk import Govflow
from workers.keyring import KeyRingError
from workers.settings import Settings


@dataclass(frozen=True)
class CalendarInForce:
    calendar: WorkingDayCalendar
    note: str


async def calendar_in_force(settings: Settings, *, require_stack: bool = False) -> CalendarInForce:
    """The calendar the workers use: the package's plus the schedules loaded. Without a stack
    to ask (no Temporal, no worker) it is the package's alone, and says so, unless the caller
    needs the stack."""
    try:
        async with await Govflow.connect(settings) as gf:
            loaded = await gf.calendar_schedules()
    except (errors.ServerUnreachableError, errors.NoAnswerError, KeyRingError) as error:
        # (no data key ring: this machine holds no stack's keys, so there is none to ask)
        if require_stack:
            raise
        return CalendarInForce(package_calendar(), f"no stack to ask ({error}): package data only")
    return CalendarInForce(package_calendar(tuple(loaded)), "package data and loaded schedules")


async def load_schedule(gf: Govflow, document: Any, source: str, actor: Actor) -> WorkingDayCalendar:
    """Validate and store an official schedule; returns the calendar now in force."""
    await gf.load_schedule(document, source, actor)
    return package_calendar(tuple(await gf.calendar_schedules()))


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
