"""What an intake asks the database: the last number of a prefix and year on record, and the
claim of each next number (so that no number is given twice, even by two intakes); and what it
asks the data key ring: the pseudonym a person is searched by (the key is never in a workflow)."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db.case_numbers import claim_serial, last_serial
from activities.db.event_log import pseudonym
from domain.intake import CounterQuestion, NumberClaim
from domain.personal import DataKeys


class IntakeActivities:
    def __init__(self, pool: asyncpg.Pool, keys: DataKeys | None = None) -> None:
        self._pool = pool
        self._keys = keys  # None: the installed key ring (activities.db.event_log)

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

    @activity.defn(name="applicant_pseudonym")
    @translate_activity_errors
    async def applicant_pseudonym(self, id_number: str) -> str:
        """The keyed pseudonym of a person's ID number: what the ApplicantId search attribute
        and the log's `applicant_id` hold for a person (workers.keyring: KeyRing.pseudonym)."""
        return pseudonym(id_number, self._keys)
