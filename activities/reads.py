"""The read models a client asks through the worker (workflows.reads), and the acts an
operator orders on them: the one place these questions touch the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg
from temporalio import activity

from activities.boundary import translate_activity_errors
from activities.db.calendar_store import load_overrides, save_schedule
from activities.db.connection import Connection
from activities.db.read_models import certificates, commitments, complaints, qualification, titles
from activities.qualification import ensure_catalog
from domain.catalog import Catalog
from domain.complaint import bimonthly_period
from domain.errors import InvalidInputError
from domain.qualification import relaxations
from domain.reads import (
    ActDone,
    ActRequest,
    AwaitingSpotCheck,
    CalendarSchedules,
    CertificateLookup,
    ComplaintList,
    ComplaintReport,
    EmployerRecords,
    LoadQualificationCatalog,
    LoadSchedule,
    OpenCasesWithClocks,
    QualificationCatalogSearch,
    QualificationCodeLookup,
    QualificationRelaxations,
    ReadAnswer,
    ReadRequest,
    RevokeTitle,
    TitleLookup,
)
from domain.schedules import parse_schedule_file, schedule_document


class ReadActivities:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @activity.defn(name="read_model")
    @translate_activity_errors
    async def read(self, request: ReadRequest) -> ReadAnswer:
        async with self._pool.acquire() as conn:
            return ReadAnswer(value=await _answer(conn, request.query))

    @activity.defn(name="operator_act")
    @translate_activity_errors
    async def act(self, request: ActRequest) -> ActDone:
        order = request.order
        async with self._pool.acquire() as conn:
            if isinstance(order, RevokeTitle):
                employer = (
                    (order.employer, order.employer_fault)
                    if order.employer is not None and order.employer_fault is not None
                    else None
                )
                return ActDone(
                    value=await titles.revoke(
                        conn, order.certificate_no, order.reason, request.actor.id, request.at, employer
                    )
                )
            if isinstance(order, LoadQualificationCatalog):
                return ActDone(value=await _load_catalog(conn, order, request.actor.id))
            return ActDone(value=await _load_schedule(conn, order))


async def _answer(conn: Connection, query: Any) -> Any:
    if isinstance(query, CertificateLookup):
        return await certificates.look_up(conn, query.certificate_no)
    if isinstance(query, ComplaintList):
        return await complaints.list_complaints(
            conn,
            level=query.level,
            district=query.district,
            stage=query.stage,
            ground=query.ground,
            overdue_at=query.overdue_at,
            case_no=query.case_no,
        )
    if isinstance(query, ComplaintReport):
        return await _report(conn, query)
    if isinstance(query, EmployerRecords):
        return await titles.employer_records(conn, query.employer)
    if isinstance(query, TitleLookup):
        return await titles.verify(conn, query.certificate_no)
    if isinstance(query, AwaitingSpotCheck):
        return [
            {**row, "decided_on": row["decided_on"].isoformat()}
            for row in await commitments.awaiting_spot_check(conn, query.today)
        ]
    if isinstance(query, CalendarSchedules):
        return [schedule_document(s) | {"source": s.source} for s in await load_overrides(conn)]
    if isinstance(query, OpenCasesWithClocks):
        rows = await conn.fetch(
            """SELECT case_no FROM cases
               WHERE outcome IS NULL
                 AND (deadlines @> '[{"state": "running"}]' OR deadlines @> '[{"state": "paused"}]')
               ORDER BY case_no"""
        )
        return [row["case_no"] for row in rows]
    if isinstance(query, QualificationCodeLookup):
        # A code is looked up in the catalog it was issued under; the shipped one is there first.
        await ensure_catalog(conn)
        return await qualification.look_up_code(conn, query.digest, query.caller)
    if isinstance(query, QualificationCatalogSearch):
        await ensure_catalog(conn)
        return await qualification.search(
            conn, text=query.text, field=query.field, country=query.country, version=query.version
        )
    if isinstance(query, QualificationRelaxations):
        return await _relaxations(conn, query)
    raise InvalidInputError(f"no such question: {type(query).__name__}")


async def _relaxations(conn: Connection, query: QualificationRelaxations) -> dict[str, Any]:
    """正文 一、二 and the row's 备注, for a proposed work permit."""
    version = query.version or await ensure_catalog(conn)
    row = await qualification.catalog_row(conn, version, query.qualification_no)
    if row is None:
        raise InvalidInputError(
            f"qualification_no: 《目录》({version}版)无第{query.qualification_no}项"
            f"（not in catalog version {version}）"
        )
    return relaxations(row, query.proposal, version).model_dump(mode="json")


async def _load_catalog(conn: Connection, order: LoadQualificationCatalog, loaded_by: str) -> dict[str, Any]:
    """四: a version of the catalog, validated as a whole before anything is written."""
    try:
        catalog = Catalog.model_validate(order.document)
    except ValueError as error:
        raise InvalidInputError(f"{order.source}: not a catalog document: {error}") from None
    numbers = [row.number for row in catalog.rows]
    if len(set(numbers)) != len(numbers):
        raise InvalidInputError(f"{order.source}: two rows share a number")
    return await qualification.load_catalog(conn, catalog, loaded_by)


async def _report(conn: Connection, query: ComplaintReport) -> dict[str, Any]:
    """第十九条: a district body's bi-monthly report (or, with no district, the municipal one),
    or the figures of the year."""
    if query.report == "annual":
        if query.year is None:
            raise InvalidInputError("year: the annual report names its year")
        return await complaints.annual_figures(conn, query.year)
    if query.month is None:
        raise InvalidInputError("month: a bi-monthly report names its month (YYYY-MM)")
    start, end = bimonthly_period(query.month)
    district = query.district.value if query.district else None
    level = "district" if district else None
    figures = await complaints.period_figures(conn, start, end, level=level, district=district)
    name = f"district {district}" if district else "municipal"
    return {"report": f"{name} {query.month:%Y-%m}", **figures}


async def _load_schedule(conn: Connection, order: LoadSchedule) -> dict[str, Any]:
    schedule = parse_schedule_file(order.document, order.source)
    async with conn.transaction():
        await save_schedule(conn, schedule)
    return {"year": schedule.year, "loaded_at": datetime.now().astimezone().isoformat()}
