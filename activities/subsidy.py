"""The foreign-trade fund's annual ledger, for the subsidy cases (activities.db.ledger)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import asyncpg
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db import ledger
from domain.models import Record


class LedgerQuestion(Record):
    enterprise_id: str
    year: int


class Disburse(Record):
    case_no: str
    enterprise_id: str
    year: int
    approved: Decimal
    cap: Decimal | None
    at: datetime


class SubsidyActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="subsidy_received")
    @translate_activity_errors
    async def received(self, question: LedgerQuestion) -> Decimal:
        async with self._pool.acquire() as conn:
            return await ledger.received(conn, question.enterprise_id, question.year)

    @activity.defn(name="subsidy_disburse")
    @translate_activity_errors
    async def disburse(self, order: Disburse) -> ledger.Disbursement:
        async with self._pool.acquire() as conn:
            return await ledger.disburse(
                conn,
                case_no=order.case_no,
                enterprise_id=order.enterprise_id,
                year=order.year,
                approved=order.approved,
                cap=order.cap,
                at=order.at,
            )
