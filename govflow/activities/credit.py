"""The commitment route's credit gate, asked of the credit entries read model."""

from __future__ import annotations

from datetime import date

import asyncpg
from temporalio import activity

from govflow.boundary import translate_activity_errors
from govflow.db.read_models.credit import barring_entries
from govflow.domain.models import Record


class CreditGate(Record):
    applicant_id: str
    today: date


class CreditGateAnswer(Record):
    barring: tuple[str, ...]  # breach ids of the entries that send the applicant to the general route


class CreditActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="credit_gate")
    @translate_activity_errors
    async def credit_gate(self, question: CreditGate) -> CreditGateAnswer:
        async with self._pool.acquire() as conn:
            entries = await barring_entries(conn, question.applicant_id, question.today)
        return CreditGateAnswer(barring=tuple(e["breach_id"] for e in entries))
