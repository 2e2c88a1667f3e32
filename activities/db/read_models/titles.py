"""Professional titles: the certificate register (五(二)7), the dishonesty blacklist and the
revocations of titles obtained by fraud (六(一)).

A person is kept by their pseudonym (`person`, the data key ring's keyed pseudonym of their ID
number), never by the ID number: the register is looked up by certificate number, the
blacklist and the revocations by the pseudonym of the ID number asked about. Rows written before
migration 0011 hold the ID number instead (`id_number`), and are still found by it until
`govflow rebuild-projections` (which also turns the revocations' ID numbers into pseudonyms,
`pseudonymize_revocations`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from activities.db.connection import Connection
from activities.db.event_log import pseudonym
from activities.db.projections import ReadModel
from domain.case import CaseEvent
from domain.errors import AlreadyRevokedError, InvalidInputError, UnknownCertificateError
from domain.title import (
    EmployerFault,
    EmployerHeldResponsible,
    PersonBlacklisted,
    TitleCertified,
    certificate_number_valid,
)

TABLES = ("title_certificates", "title_blacklist", "title_employer_records")


async def _certified(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = TitleCertified.model_validate(event.data)
    await conn.execute(
        """INSERT INTO title_certificates (certificate_no, case_no, person, name, level,
                                           direction, issued_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        data.certificate_no,
        case_no,
        pseudonym(data.id_number),
        data.name,  # what `govflow title verify` shows of a certificate
        data.level,
        data.direction,
        data.issued_on,
    )


async def certificate_holder(conn: Connection, certificate_no: str) -> str | None:
    """The case whose certificate has this number in the register, if any."""
    value = await conn.fetchval(
        "SELECT case_no FROM title_certificates WHERE certificate_no = $1", certificate_no
    )
    return str(value) if value is not None else None


async def _blacklisted(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = PersonBlacklisted.model_validate(event.data)
    await conn.execute(
        """INSERT INTO title_blacklist (case_no, seq, person, findings, at)
           VALUES ($1, $2, $3, $4, $5)""",
        case_no,
        event.seq,
        pseudonym(data.id_number),
        data.findings,
        event.at,
    )


async def _employer_held(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = EmployerHeldResponsible.model_validate(event.data)
    await conn.execute(
        """INSERT INTO title_employer_records (case_no, seq, employer, fault, findings, article, at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)""",
        case_no,
        event.seq,
        data.employer,
        data.fault,
        data.findings,
        data.article,
        event.at,
    )


PROJECTORS: dict[str, Callable[[Connection, str, CaseEvent], Awaitable[None]]] = {
    "TitleCertified": _certified,
    "PersonBlacklisted": _blacklisted,
    "EmployerHeldResponsible": _employer_held,
}


async def employer_records(conn: Connection, employer: str) -> list[dict[str, Any]]:
    """六(一): what is recorded against an employer (by its name as the applications gave it):
    faults found while a case was open, and those found when an issued title was revoked."""
    rows = await conn.fetch(
        """SELECT case_no, NULL AS certificate_no, fault, findings, article, at
             FROM title_employer_records WHERE employer = $1
           UNION ALL
           SELECT c.case_no, r.certificate_no, r.employer_fault, r.reason, '六(一)', r.revoked_at
             FROM title_revocations r LEFT JOIN title_certificates c USING (certificate_no)
            WHERE r.employer = $1
           ORDER BY at""",
        employer,
    )
    return [
        {
            "case_no": r["case_no"],
            "certificate_no": r["certificate_no"],
            "fault": r["fault"],
            "fault_chinese": EmployerFault(r["fault"]).chinese,
            "findings": r["findings"],
            "article": r["article"],
            "at": r["at"].isoformat(),
        }
        for r in rows
    ]


async def blacklist_entries(conn: Connection, id_number: str) -> list[str]:
    """六(一): why the person is on the dishonesty blacklist, if they are (found by the
    pseudonym of `id_number`; a row of before 0011, by the ID number itself)."""
    rows = await conn.fetch(
        """SELECT findings FROM title_blacklist WHERE person = $1 OR id_number = $2
           UNION ALL
           SELECT '职称撤销（' || certificate_no || '）：' || reason FROM title_revocations
           WHERE person = $1 OR id_number = $2""",
        pseudonym(id_number),
        id_number,
    )
    return [r[0] for r in rows]


async def verify(conn: Connection, certificate_no: str) -> dict[str, Any]:
    """What the register says of a certificate number: well formed, issued, revoked."""
    if not certificate_number_valid(certificate_no):
        return {"certificate_no": certificate_no, "status": "malformed"}
    row = await conn.fetchrow(
        """SELECT c.*, r.reason, r.revoked_at FROM title_certificates c
           LEFT JOIN title_revocations r USING (certificate_no) WHERE c.certificate_no = $1""",
        certificate_no,
    )
    if row is None:
        return {"certificate_no": certificate_no, "status": "unknown"}
    return {
        "certificate_no": certificate_no,
        "status": "revoked" if row["revoked_at"] else "valid",
        "name": row["name"],
        "level": row["level"],
        "direction": row["direction"],
        "issued_on": row["issued_on"].isoformat(),
        "case_no": row["case_no"],
        **(
            {"revoked_at": row["revoked_at"].isoformat(), "reason": row["reason"]}
            if row["revoked_at"]
            else {}
        ),
    }


async def revoke(
    conn: Connection,
    certificate_no: str,
    reason: str,
    revoked_by: str,
    at: datetime,
    employer: tuple[str, EmployerFault] | None = None,
) -> dict[str, Any]:
    """六(一): revoke a title obtained by fraud; it goes into the integrity file and the person
    onto the blacklist, and, where the employer did not check or gave false proof (`employer`:
    its name and fault), is recorded against the employer. Refused, with nothing written, for an
    unknown or revoked certificate."""
    if not reason.strip():
        raise InvalidInputError("reason: a revocation says why")
    if not revoked_by.strip():
        raise InvalidInputError("by: a revocation names the officer who orders it")
    async with conn.transaction():
        row = await conn.fetchrow(
            "SELECT person, id_number FROM title_certificates WHERE certificate_no = $1 FOR UPDATE",
            certificate_no,
        )
        if row is None:
            raise UnknownCertificateError(f"{certificate_no}: no such certificate in the register")
        inserted = await conn.fetchval(
            """INSERT INTO title_revocations (certificate_no, person, reason, revoked_by, revoked_at,
                                              employer, employer_fault)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING true""",
            certificate_no,
            row["person"] or pseudonym(row["id_number"]),
            reason,
            revoked_by,
            at,
            employer[0] if employer else None,
            employer[1].value if employer else None,
        )
        if not inserted:
            raise AlreadyRevokedError(f"{certificate_no} has already been revoked")
    return await verify(conn, certificate_no)


async def pseudonymize_revocations(conn: Connection) -> int:
    """Revocations written before 0011 keep the person by ID number: keep the pseudonym
    instead (the revocations are not a projection: a rebuild does not rewrite them)."""
    rows = await conn.fetch(
        "SELECT certificate_no, id_number FROM title_revocations WHERE id_number IS NOT NULL"
    )
    for row in rows:
        await conn.execute(
            "UPDATE title_revocations SET person = $2, id_number = NULL WHERE certificate_no = $1",
            row["certificate_no"],
            pseudonym(row["id_number"]),
        )
    return len(rows)


READ_MODEL = ReadModel("titles", TABLES, PROJECTORS)
