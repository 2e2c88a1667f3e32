"""Calendar arithmetic for clocks, done in an activity so that its result is recorded.

This is how due dates stay replay-safe: the workflow never computes a date itself, it
asks this activity, which uses the calendar in force (the holidays package plus the
official schedules loaded into PostgreSQL); the answer, with the calendar's version, is in
the history, and a replay reads it back instead of recomputing it.
"""

from __future__ import annotations

from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db.calendar_store import CalendarSource
from activities.models import PlanClocks
from domain.clocks import ClockPlan


class ClockActivities:
    def __init__(self, calendars: CalendarSource) -> None:
        self._calendars = calendars

    @activity.defn(name="plan_clocks")
    @translate_activity_errors
    async def plan_clocks(self, command: PlanClocks) -> tuple[ClockPlan, ...]:
        calendar = await self._calendars.current()
        return tuple(clock.plan(calendar, command.today) for clock in command.clocks)
