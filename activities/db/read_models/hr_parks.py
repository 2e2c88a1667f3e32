"""The register of municipal HR service industrial parks (京人社市场发〔2021〕35号): a park
enters it with its title (第九条3), each evaluation updates it (第十至十二条), and a revoked
park leaves it (第十二条)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from activities.db.connection import Connection
from activities.db.projections import ReadModel
from domain.case import CaseEvent
from domain.hr_park import EvaluationResult, ParkDesignated, ParkEvaluated, ParkTitleRevoked

TABLES = ("hr_parks",)


async def _designated(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ParkDesignated.model_validate(event.data)
    await conn.execute(
        """INSERT INTO hr_parks (case_no, park_name, district, operator_uscc, operator_name,
                                 designated_on, next_evaluation_due)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        case_no,
        data.park_name,
        data.district,
        data.operator_uscc,
        data.operator_name,
        data.designated_on,
        data.next_evaluation_due,
    )


async def _evaluated(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ParkEvaluated.model_validate(event.data)
    commended = 1 if data.result == EvaluationResult.EXCELLENT.value else 0
    await conn.execute(
        """UPDATE hr_parks SET last_result = $2, commendations = commendations + $3,
                               next_evaluation_due = COALESCE($4, next_evaluation_due)
           WHERE case_no = $1""",
        case_no,
        data.result,
        commended,
        data.next_evaluation_due,
    )


async def _revoked(conn: Connection, case_no: str, event: CaseEvent) -> None:
    ParkTitleRevoked.model_validate(event.data)
    await conn.execute("DELETE FROM hr_parks WHERE case_no = $1", case_no)


PROJECTORS: dict[str, Callable[[Connection, str, CaseEvent], Awaitable[None]]] = {
    "ParkDesignated": _designated,
    "ParkEvaluated": _evaluated,
    "ParkTitleRevoked": _revoked,
}


async def designated_parks(conn: Connection) -> list[dict[str, Any]]:
    """The register: every park holding the title, by district and name."""
    rows = await conn.fetch(
        """SELECT case_no, park_name, district, operator_uscc, operator_name, designated_on,
                  next_evaluation_due, last_result, commendations
           FROM hr_parks ORDER BY district, park_name"""
    )
    return [dict(row) for row in rows]


READ_MODEL = ReadModel("hr_parks", TABLES, PROJECTORS)
