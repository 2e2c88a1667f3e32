"""Commitment-route decisions and the spot-check round that took each up (三(一))."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from activities.db.connection import Connection
from activities.db.event_log import read_event_data
from activities.db.projections import ReadModel
from domain import events as ev
from domain.calendar import local_date
from domain.case import CaseEvent
from domain.permit import PermitDecided
from domain.spot_check import PROCEDURE as SPOT_CHECK
from domain.spot_check import SpotCheckRound

TABLES = ("commitment_decisions",)


async def _decided(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = PermitDecided.model_validate(event.data)
    if data.spot_check_due is None or data.certificate_no is None:
        return  # only a granted commitment is spot-checked
    opened = await read_event_data(conn, case_no, "CaseOpened")  # opened: the log seals personal data
    if opened is None:
        return
    applicant = opened["application"]["applicant"]
    await conn.execute(
        """INSERT INTO commitment_decisions (permit_case_no, uscc, name, certificate_no, decided_on,
                                             spot_check_due)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        case_no,
        applicant["uscc"],
        applicant["name"],
        data.certificate_no,
        local_date(event.at),
        data.spot_check_due,
    )


async def _round_opened(conn: Connection, case_no: str, event: CaseEvent) -> None:
    opened = ev.CaseOpened.model_validate(event.data)
    if opened.procedure != SPOT_CHECK:
        return
    round_ = SpotCheckRound.model_validate(opened.application)
    await conn.execute(
        "UPDATE commitment_decisions SET round_case_no = $1 WHERE permit_case_no = ANY($2::text[])",
        case_no,
        [c.permit_case_no for c in round_.candidates],
    )


PROJECTORS: dict[str, Callable[[Connection, str, CaseEvent], Awaitable[None]]] = {
    "PermitDecided": _decided,
    "CaseOpened": _round_opened,
}


async def awaiting_spot_check(conn: Connection, today: date) -> list[dict[str, Any]]:
    """Decisions no round has taken up whose 3 months have not run out."""
    rows = await conn.fetch(
        """SELECT permit_case_no, uscc, name, certificate_no, decided_on FROM commitment_decisions
           WHERE round_case_no IS NULL AND spot_check_due >= $1 ORDER BY decided_on, permit_case_no""",
        today,
    )
    return [dict(row) for row in rows]


READ_MODEL = ReadModel("commitments", TABLES, PROJECTORS)
