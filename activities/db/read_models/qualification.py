"""Foreign professional qualifications in PostgreSQL (京人社事业发〔2021〕33号): the catalog's
versions (附件1, 四), the verification codes kept by their SHA-256 (附件2 三) and the log of
public look-ups, with the limit per caller per minute counted from it.

Plain SQL, no projection: none of these tables is written from the event log (a code is never in
it), so a rebuild leaves them as they are."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from activities.db.connection import Connection
from domain.calendar import local_date
from domain.catalog import Catalog, CatalogRow, QualificationField
from domain.errors import InvalidInputError, RateLimitedError
from domain.qualification import ALL_LOOKUPS_PER_MINUTE, DISCLAIMER, LOOKUPS_PER_MINUTE, SOURCE

TABLES = (
    "qualification_catalog_versions",
    "qualification_catalog",
    "qualification_codes",
    "qualification_code_lookups",
)


async def load_catalog(conn: Connection, catalog: Catalog, loaded_by: str) -> dict[str, Any]:
    """Load a version of the catalog; a version loaded already is left as it is (a case judged
    under it keeps reading the same rows). The version loaded last is in force."""
    async with conn.transaction():
        inserted = await conn.fetchval(
            """INSERT INTO qualification_catalog_versions
                   (version, title, source, published_on, row_count, loaded_by)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (version) DO NOTHING RETURNING true""",
            catalog.version,
            catalog.title,
            catalog.source,
            catalog.published_on,
            len(catalog.rows),
            loaded_by,
        )
        if inserted:
            await conn.executemany(
                """INSERT INTO qualification_catalog
                       (version, number, name, issuer, issuer_en, country, field, remarks, row_data)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
                [
                    (
                        catalog.version,
                        row.number,
                        row.name,
                        row.issuer,
                        row.issuer_en,
                        row.country,
                        row.field.value,
                        row.remarks,
                        row.model_dump(mode="json"),
                    )
                    for row in catalog.rows
                ],
            )
    return {"version": catalog.version, "rows": len(catalog.rows), "loaded": bool(inserted)}


async def version_in_force(conn: Connection) -> str | None:
    value = await conn.fetchval(
        "SELECT version FROM qualification_catalog_versions ORDER BY loaded_seq DESC LIMIT 1"
    )
    return str(value) if value is not None else None


async def catalog_row(conn: Connection, version: str, number: int) -> CatalogRow | None:
    data = await conn.fetchval(
        "SELECT row_data FROM qualification_catalog WHERE version = $1 AND number = $2", version, number
    )
    return CatalogRow.model_validate(data) if data is not None else None


async def search(
    conn: Connection,
    *,
    text: str | None = None,
    field: QualificationField | None = None,
    country: str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """The rows of a version (default: in force) whose name, issuer or remarks hold `text`, of a
    field, of a country or region."""
    version = version or await version_in_force(conn)
    if version is None:
        raise InvalidInputError("no catalog version is loaded (govflow catalog load FILE)")
    known = await conn.fetchval("SELECT 1 FROM qualification_catalog_versions WHERE version = $1", version)
    if not known:
        raise InvalidInputError(f"version: no catalog version {version!r} is loaded")
    like = f"%{text}%" if text else None
    rows = await conn.fetch(
        """SELECT row_data FROM qualification_catalog
           WHERE version = $1
             AND ($2::text IS NULL OR name ILIKE $2 OR issuer ILIKE $2 OR issuer_en ILIKE $2
                  OR remarks ILIKE $2)
             AND ($3::text IS NULL OR field = $3)
             AND ($4::text IS NULL OR country = $4)
           ORDER BY number""",
        version,
        like,
        field.value if field else None,
        country,
    )
    return {"version": version, "rows": [row["row_data"] for row in rows]}


async def store_code(
    conn: Connection, digest: str, code_id: str, case_no: str, version: str, number: int
) -> None:
    """The case's code (a code made again for the same case replaces the earlier one, which was
    never delivered: see activities.qualification)."""
    await conn.execute(
        """INSERT INTO qualification_codes (code_digest, code_id, case_no, catalog_version, qualification_no)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (case_no) DO UPDATE
               SET code_digest = excluded.code_digest, code_id = excluded.code_id, issued_at = now()""",
        digest,
        code_id,
        case_no,
        version,
        number,
    )


async def look_up_code(conn: Connection, digest: str, caller: str) -> dict[str, Any]:
    """附件2 三: authentic or not found, with the qualification, its issuer and the disclaimer of
    四 — nothing of the holder. Counted against the caller's limit and logged either way."""
    async with conn.transaction():
        # One caller's look-ups are counted one at a time, so that parallel tries cannot
        # all pass under the limit.
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('qualification-lookup:' || $1))", caller)
        counts = await conn.fetchrow(
            """SELECT count(*) FILTER (WHERE caller = $1 AND NOT limited) AS mine,
                      count(*) FILTER (WHERE NOT limited) AS everyone,
                      count(*) FILTER (WHERE caller = $1 AND limited) AS refused
               FROM qualification_code_lookups WHERE at > now() - $2::interval""",
            caller,
            timedelta(minutes=1),
        )
        assert counts is not None  # (an aggregate always answers one row)
        if counts["mine"] >= LOOKUPS_PER_MINUTE or counts["everyone"] >= ALL_LOOKUPS_PER_MINUTE:
            if counts["refused"] < LOOKUPS_PER_MINUTE:  # a flood is logged, but not row by row
                await conn.execute(
                    """INSERT INTO qualification_code_lookups (caller, found, limited)
                       VALUES ($1, false, true)""",
                    caller,
                )
            limited = True
        else:
            limited = False
            row = await conn.fetchrow(
                """SELECT c.catalog_version, c.issued_at, q.number, q.name, q.issuer, q.issuer_en, q.country
                   FROM qualification_codes c
                   JOIN qualification_catalog q
                     ON q.version = c.catalog_version AND q.number = c.qualification_no
                   WHERE c.code_digest = $1""",
                digest,
            )
            await conn.execute(
                "INSERT INTO qualification_code_lookups (caller, found) VALUES ($1, $2)",
                caller,
                row is not None,
            )
    if limited:
        raise RateLimitedError(
            f"查询过于频繁：每分钟至多{LOOKUPS_PER_MINUTE}次（全部查询人合计{ALL_LOOKUPS_PER_MINUTE}次），请稍后再试"
            f"（at most {LOOKUPS_PER_MINUTE} look-ups a minute per caller, {ALL_LOOKUPS_PER_MINUTE} in all）"
        )
    if row is None:
        return {"status": "not-found", "result": "未查到该验证码", "basis": f"{SOURCE} 附件2 三"}
    return {
        "status": "authentic",
        "result": "经查验，该境外职业资格证书真实",
        "qualification_no": row["number"],
        "qualification": row["name"],
        "issuer": row["issuer"],
        "issuer_en": row["issuer_en"],
        "country": row["country"],
        "catalog_version": row["catalog_version"],
        "verified_on": local_date(row["issued_at"]).isoformat(),
        "disclaimer": DISCLAIMER,
        "basis": f"{SOURCE} 附件2 三、四",
    }
