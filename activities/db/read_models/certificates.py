"""The certificate register: every 《拍卖经营批准证书》 and what happened to it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from activities.db.connection import Connection
from activities.db.projections import ReadModel
from domain.case import CaseEvent
from domain.permit import PermitDecided
from domain.spot_check import CertificateRevoked

TABLES = ("certificates", "certificate_history")

ACTIONS = {
    "licence": "issued",
    "change": "changed",
    "renewal": "renewed",
    "reissue": "reissued",
    "cancellation": "cancelled",
}


async def _entry(
    conn: Connection,
    case_no: str,
    event: CaseEvent,
    number: str,
    holder: str,
    action: str,
    detail: str | None,
) -> None:
    await conn.execute(
        """INSERT INTO certificates (certificate_no, holder_id, status, updated_at)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (certificate_no) DO UPDATE SET status = EXCLUDED.status,
               holder_id = EXCLUDED.holder_id, updated_at = EXCLUDED.updated_at""",
        number,
        holder,
        action,
        event.at,
    )
    await conn.execute(
        """INSERT INTO certificate_history (certificate_no, case_no, seq, action, detail, at)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        number,
        case_no,
        event.seq,
        action,
        detail,
        event.at,
    )


async def _decided(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = PermitDecided.model_validate(event.data)
    if not data.granted or data.certificate_no is None:
        return
    holder = await conn.fetchval("SELECT applicant_id FROM cases WHERE case_no = $1", case_no)
    await _entry(
        conn, case_no, event, data.certificate_no, holder, ACTIONS[data.matter], f"{data.route} route"
    )


async def _revoked(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = CertificateRevoked.model_validate(event.data)
    await _entry(conn, case_no, event, data.certificate_no, data.entity, "revoked", data.reason)


PROJECTORS: dict[str, Callable[[Connection, str, CaseEvent], Awaitable[None]]] = {
    "PermitDecided": _decided,
    "CertificateRevoked": _revoked,
}


async def look_up(conn: Connection, certificate_no: str) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM certificates WHERE certificate_no = $1", certificate_no)
    if row is None:
        return None
    history = await conn.fetch(
        """SELECT case_no, action, detail, at FROM certificate_history
           WHERE certificate_no = $1 ORDER BY at, case_no, seq""",
        certificate_no,
    )
    return {
        "certificate_no": certificate_no,
        "holder_id": row["holder_id"],
        "status": row["status"],
        "history": [{**dict(h), "at": h["at"].isoformat()} for h in history],
    }


READ_MODEL = ReadModel("certificates", TABLES, PROJECTORS)
