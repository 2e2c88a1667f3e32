"""The credit entries read model: what each applicant's record holds, and the credit gate
of the commitment route (an unrepaired general or severe entry still published)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from activities.db.connection import Connection
from activities.db.projections import ReadModel
from domain.case import CaseEvent
from domain.credit import (
    BreachRecorded,
    CreditRepaired,
    ObjectionDecided,
    ObjectionLodged,
    PublicityEnded,
)

TABLES = ("credit_entries",)


async def _recorded(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = BreachRecorded.model_validate(event.data)
    await conn.execute(
        """INSERT INTO credit_entries (case_no, breach_id, applicant_id, found_on, reported_grade,
                                       grade, publicity_months, publicity_ends)
           VALUES ($1, $2, (SELECT applicant_id FROM cases WHERE case_no = $1), $3, $4, $5, $6, $7)""",
        case_no,
        data.breach_id,
        data.found_on,
        data.reported_grade,
        data.grade,
        data.publicity_months,
        data.publicity_ends,
    )


async def _repaired(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = CreditRepaired.model_validate(event.data)
    await conn.execute(
        """UPDATE credit_entries SET repaired_on = $3, publicity_ends = $4
           WHERE case_no = $1 AND breach_id = $2""",
        case_no,
        data.breach_id,
        data.repaired_on,
        data.publicity_ends,
    )


async def _objected(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ObjectionLodged.model_validate(event.data)
    await conn.execute(
        "UPDATE credit_entries SET objection = 'lodged' WHERE case_no = $1 AND breach_id = $2",
        case_no,
        data.breach_id,
    )


async def _objection_decided(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ObjectionDecided.model_validate(event.data)
    await conn.execute(
        """UPDATE credit_entries SET objection = $3, withdrawn = withdrawn OR $4
           WHERE case_no = $1 AND breach_id = $2""",
        case_no,
        data.breach_id,
        "upheld" if data.upheld else "dismissed",
        data.upheld,
    )


async def _publicity_ended(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = PublicityEnded.model_validate(event.data)
    await conn.execute(
        "UPDATE credit_entries SET publicity_ended = true WHERE case_no = $1 AND breach_id = $2",
        case_no,
        data.breach_id,
    )


PROJECTORS: dict[str, Callable[[Connection, str, CaseEvent], Awaitable[None]]] = {
    "BreachRecorded": _recorded,
    "CreditRepaired": _repaired,
    "ObjectionLodged": _objected,
    "ObjectionDecided": _objection_decided,
    "PublicityEnded": _publicity_ended,
}


async def barring_entries(conn: Connection, applicant_id: str, today: date) -> list[dict[str, Any]]:
    """Entries that send an applicant to the general route: general or severe, not repaired,
    not withdrawn, and still published today."""
    rows = await conn.fetch(
        """SELECT breach_id, grade, found_on, publicity_ends FROM credit_entries
           WHERE applicant_id = $1 AND grade IN ('general', 'severe') AND repaired_on IS NULL
             AND NOT withdrawn AND found_on <= $2 AND publicity_ends > $2
           ORDER BY found_on""",
        applicant_id,
        today,
    )
    return [dict(row) for row in rows]


READ_MODEL = ReadModel("credit", TABLES, PROJECTORS)
