"""Professional titles: the blacklist gate at application and the committee's ballot box."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db import ballots
from activities.db.case_numbers import next_serial
from activities.db.read_models.titles import blacklist_entries, certificate_holder
from domain.models import Record
from domain.title import Tally, certificate_number
from domain.title_eligibility import Level


class BlacklistQuestion(Record):
    id_number: str


class BlacklistAnswer(Record):
    entries: tuple[str, ...]


class OpenBallot(Record):
    case_no: str
    ballot_no: int
    members: tuple[str, ...]


class CloseBallotBox(Record):
    case_no: str
    ballot_no: int


class NumberCertificate(Record):
    year: int
    level: Level


class TitleActivities:
    def __init__(self, pool: asyncpg.Pool, keys: ballots.TallyKeys | None = None) -> None:
        self._pool = pool
        self._keys = keys  # the ballot key's tally keys (None: GOVFLOW_BALLOT_KEY or the process's)

    @activity.defn(name="title_blacklist_gate")
    @translate_activity_errors
    async def blacklist_gate(self, question: BlacklistQuestion) -> BlacklistAnswer:
        async with self._pool.acquire() as conn:
            return BlacklistAnswer(entries=tuple(await blacklist_entries(conn, question.id_number)))

    @activity.defn(name="open_ballot")
    @translate_activity_errors
    async def open_ballot(self, order: OpenBallot) -> None:
        async with self._pool.acquire() as conn:
            await ballots.open_box(conn, order.case_no, order.ballot_no, order.members, keys=self._keys)

    @activity.defn(name="close_ballot")
    @translate_activity_errors
    async def close_ballot(self, order: CloseBallotBox) -> Tally:
        async with self._pool.acquire() as conn:
            return await ballots.close_box(conn, order.case_no, order.ballot_no, keys=self._keys)

    @activity.defn(name="title_certificate_holder")
    @translate_activity_errors
    async def certificate_holder(self, certificate_no: str) -> str | None:
        """The case that holds this certificate number in the register (None: the number is free)."""
        async with self._pool.acquire() as conn:
            return await certificate_holder(conn, certificate_no)

    @activity.defn(name="number_title_certificate")
    @translate_activity_errors
    async def number_certificate(self, order: NumberCertificate) -> str:
        """A new certificate number (a retried attempt leaves a gap, never a duplicate)."""
        async with self._pool.acquire() as conn:
            serial = await next_serial(conn, f"BJIP{order.level.value}", order.year)
        return certificate_number(order.year, order.level, serial)
