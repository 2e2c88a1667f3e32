"""The verification case's own I/O (京人社事业发〔2021〕33号): the catalog in force, and the
verification code of an authentic certificate.

The code is made here, never in workflow code: 80 bits from the operating system's CSPRNG
(`secrets`). It goes to the employer once, through the notice channel (a notice of its own,
step `verification-code`), and PostgreSQL keeps only its SHA-256; the activity answers the
workflow with the code's row id, so that neither the workflow's history nor the event log nor the
`notices` table ever holds the code.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime
from importlib import resources

import asyncpg
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db.connection import Connection
from activities.db.read_models import qualification as store
from activities.notices.channels import NoticeChannel
from activities.notices.render import NoticeRenderer
from domain.calendar import local_date
from domain.catalog import FIRST_DATA_FILE, Catalog, CatalogRow
from domain.models import Record
from domain.qualification import code_digest, format_code

CODE_STEP = "verification-code"
SHIPPED_BY = "system:shipped-catalog"


def shipped_catalog() -> Catalog:
    """1.0版 as shipped with the code (domain/data), built from the gazette's table."""
    text = resources.files("domain").joinpath("data", FIRST_DATA_FILE).read_text(encoding="utf-8")
    return Catalog.model_validate_json(text)


async def ensure_catalog(conn: Connection) -> str:
    """The version in force; on a database that holds none yet, the shipped one is loaded
    first (idempotent: a load of a version already there changes nothing)."""
    version = await store.version_in_force(conn)
    if version is None:
        await store.load_catalog(conn, shipped_catalog(), SHIPPED_BY)
        version = await store.version_in_force(conn)
    assert version is not None  # loaded just above
    return version


class CatalogCheck(Record):
    qualification_no: int


class CatalogJudgement(Record):
    version: str
    row: CatalogRow | None


class MakeCode(Record):
    case_no: str
    catalog_version: str
    qualification_no: int
    recipient: str
    context: dict[str, str]
    at: datetime


class CodeMade(Record):
    code_id: str
    delivered_to: str


class QualificationActivities:
    def __init__(
        self, pool: asyncpg.Pool, renderer: NoticeRenderer, channels: Sequence[NoticeChannel]
    ) -> None:
        self._pool = pool
        self._renderer = renderer
        self._channels = tuple(channels)

    @activity.defn(name="qualification_catalog_check")
    @translate_activity_errors
    async def catalog_check(self, command: CatalogCheck) -> CatalogJudgement:
        """The catalog version in force, and the row of the qualification asked about, if any."""
        async with self._pool.acquire() as conn:
            version = await ensure_catalog(conn)
            return CatalogJudgement(
                version=version, row=await store.catalog_row(conn, version, command.qualification_no)
            )

    @activity.defn(name="qualification_make_code")
    @translate_activity_errors
    async def make_code(self, command: MakeCode) -> CodeMade:
        """附件2 三: make the code, deliver it, keep its hash. Tried again, it makes a new code,
        delivered in place of the earlier (the channel replaces a notice of the same step) and
        stored in its place: the code the employer holds is always the one whose hash is kept."""
        code = format_code(secrets.randbits(80))
        code_id = uuid.uuid4().hex
        rendered = self._renderer.render(
            "qualification_code",
            {
                **command.context,
                "case_no": command.case_no,
                "code": code,
                "issued_on": local_date(command.at),
            },
        )
        async with self._pool.acquire() as conn, conn.transaction():
            # One attempt at a time per case: an attempt that timed out but still runs delivers
            # and stores its code before a retry can, and the retry's code then replaces both
            # (never the older code delivered over the newer one's stored hash).
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))", command.case_no)
            await store.store_code(
                conn,
                code_digest(code),
                code_id,
                command.case_no,
                command.catalog_version,
                command.qualification_no,
            )
            for channel in self._channels:  # a failed delivery rolls the stored hash back
                await channel.deliver(
                    command.case_no, CODE_STEP, command.recipient, rendered.title, rendered.body
                )
        return CodeMade(code_id=code_id, delivered_to=command.recipient)
