"""The annual ledger (京商财务字〔2021〕33号 四(四)): once per case, and never over the cap, even when
several disbursements for one enterprise are approved at the same moment."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from activities.db import ledger
from activities.db.connection import create_pool

pytestmark = pytest.mark.integration

CAP = Decimal(1_000_000)


async def test_concurrent_approvals_never_exceed_the_annual_cap(fresh_database: str) -> None:
    pool = await create_pool(fresh_database, max_size=10)
    try:

        async def pay(n: int) -> ledger.Disbursement:
            async with pool.acquire() as conn:
                return await ledger.disburse(
                    conn,
                    case_no=f"SUBS-2026-{n:06d}",
                    enterprise_id="91110108MA01ABCD1E",
                    year=2026,
                    approved=Decimal(300_000),
                    cap=CAP,
                    at=datetime.now(UTC),
                )

        # Eight approvals of 300,000 at once, each sent twice (a retried activity): 2,400,000 asked.
        results = await asyncio.gather(*(pay(n) for n in range(8) for _ in range(2)))
        by_case = {r.case_no: r for r in results}
        assert len(by_case) == 8
        for result in results:  # the retry got the first answer back
            assert result == by_case[result.case_no]
        amounts = sorted((r.amount for r in by_case.values()), reverse=True)
        # 300,000 × 3 = 900,000; then the 100,000 left; then nothing.
        assert amounts == [300_000, 300_000, 300_000, 100_000, 0, 0, 0, 0]
        assert all(r.cut_reason and "四(四)" in r.cut_reason for r in by_case.values() if r.amount < 300_000)
        async with pool.acquire() as conn:
            assert await ledger.received(conn, "91110108MA01ABCD1E", 2026) == CAP
            assert await ledger.reconcile(conn) == []
            # Another year starts again; an enterprise without a cap is not cut.
            other = await ledger.disburse(
                conn,
                case_no="SUBS-2027-000001",
                enterprise_id="91110108MA01ABCD1E",
                year=2027,
                approved=Decimal(300_000),
                cap=CAP,
                at=datetime.now(UTC),
            )
            dual = await ledger.disburse(
                conn,
                case_no="SUBS-2026-000100",
                enterprise_id="91110105MA01FDQ8KY",
                year=2026,
                approved=Decimal(2_500_000),
                cap=None,
                at=datetime.now(UTC),
            )
        assert (other.amount, dual.amount, dual.cut_reason) == (Decimal(300_000), Decimal(2_500_000), None)
    finally:
        await pool.close()
