"""The annual ledger of the foreign-trade development fund (京商财务字〔2021〕33号 四(四)).

`disburse` records a project's disbursement once (the case number is the key: a retried
activity gets the first answer back) and never lets an enterprise's year exceed its cap: the
enterprise's year row is locked for the transaction, so concurrent approvals queue, and the
one that finds the cap spent gets what is left (possibly nothing), with the reason.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from activities.db.connection import Connection
from domain.models import Record


class Disbursement(Record):
    case_no: str
    enterprise_id: str
    year: int
    approved: Decimal
    amount: Decimal
    cut_reason: str | None


async def received(conn: Connection, enterprise_id: str, year: int) -> Decimal:
    value = await conn.fetchval(
        "SELECT disbursed FROM subsidy_ledger_years WHERE enterprise_id = $1 AND year = $2",
        enterprise_id,
        year,
    )
    return Decimal(value or 0)


async def disburse(
    conn: Connection,
    *,
    case_no: str,
    enterprise_id: str,
    year: int,
    approved: Decimal,
    cap: Decimal | None,
    at: datetime,
) -> Disbursement:
    async with conn.transaction():
        await conn.execute(
            """INSERT INTO subsidy_ledger_years (enterprise_id, year, cap) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING""",
            enterprise_id,
            year,
            cap,
        )
        year_row = await conn.fetchrow(
            """SELECT cap, disbursed FROM subsidy_ledger_years WHERE enterprise_id = $1 AND year = $2
               FOR UPDATE""",
            enterprise_id,
            year,
        )
        done = await conn.fetchrow("SELECT * FROM subsidy_disbursements WHERE case_no = $1", case_no)
        if done is not None:
            return _disbursement(done)
        assert year_row is not None  # inserted above
        cap_left, paid = year_row["cap"], year_row["disbursed"]
        amount, reason = approved, None
        if cap_left is not None and paid + approved > cap_left:
            amount = max(cap_left - paid, Decimal(0))
            reason = f"四(四)：当年累计不超过{cap_left}元，已拨付{paid}元"
        row = await conn.fetchrow(
            """INSERT INTO subsidy_disbursements (case_no, enterprise_id, year, approved, amount,
                                                  cut_reason, at)
               VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *""",
            case_no,
            enterprise_id,
            year,
            approved,
            amount,
            reason,
            at,
        )
        await conn.execute(
            """UPDATE subsidy_ledger_years SET disbursed = disbursed + $3
               WHERE enterprise_id = $1 AND year = $2""",
            enterprise_id,
            year,
            amount,
        )
        return _disbursement(row)


async def reconcile(conn: Connection) -> list[dict[str, Any]]:
    """Every enterprise-year whose ledger total differs from the sum of its disbursements."""
    rows = await conn.fetch(
        """SELECT y.enterprise_id, y.year, y.disbursed, COALESCE(sum(d.amount), 0) AS paid
           FROM subsidy_ledger_years y LEFT JOIN subsidy_disbursements d USING (enterprise_id, year)
           GROUP BY y.enterprise_id, y.year, y.disbursed HAVING y.disbursed <> COALESCE(sum(d.amount), 0)"""
    )
    return [dict(r) for r in rows]


def _disbursement(row: Any) -> Disbursement:
    return Disbursement(
        case_no=row["case_no"],
        enterprise_id=row["enterprise_id"],
        year=row["year"],
        approved=row["approved"],
        amount=row["amount"],
        cut_reason=row["cut_reason"],
    )
