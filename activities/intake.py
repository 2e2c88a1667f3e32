"""What an intake asks the database: the last number of a prefix and year on record, and the
claim of each next number (so that no number is given twice, even by two intakes)."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db.case_numbers import claim_serial, last_serial
from domain.intake import CounterQuestion, NumberClaim


class IntakeActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="case_number_counter")
    @translate_activity_errors
    async def counter(self, question: CounterQuestion) -> int:
        async with self._pool.acquire() as conn:
            return await last_serial(conn, question.prefix, question.year)

    @activity.defn(name="claim_case_number")
    @translate_activity_errors
    async def claim(self, claim: NumberClaim) -> int:
        async with self._pool.acquire() as conn:
            return await claim_serial(conn, claim.prefix, claim.year, claim.claim, claim.after)
