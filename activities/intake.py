"""What an intake asks the database: where the case-number counter of a prefix and year stood
before the intake took over numbering (so no number it gave out is given again)."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db.case_numbers import last_serial
from domain.intake import CounterQuestion


class IntakeActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="case_number_counter")
    @translate_activity_errors
    async def counter(self, question: CounterQuestion) -> int:
        async with self._pool.acquire() as conn:
            return await last_serial(conn, question.prefix, question.year)
