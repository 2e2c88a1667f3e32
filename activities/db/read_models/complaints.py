"""The complaints read model: complaints by body, stage, ground; and the 第十九条 report figures."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any

from activities.db.connection import Connection
from activities.db.projections import ReadModel
from domain import events as ev
from domain.calendar import SHANGHAI, local_date
from domain.case import CLOSED, TERMINATED, CaseEvent
from domain.complaint import (
    PROCEDURE,
    ComplaintAccepted,
    ComplaintFiling,
    ComplaintResolved,
    ComplaintTerminated,
    NonAcceptanceDecided,
)

TABLES = ("complaints",)


async def _opened(conn: Connection, case_no: str, event: CaseEvent) -> None:
    opened = ev.CaseOpened.model_validate(event.data)
    if opened.procedure != PROCEDURE:
        return
    filing = ComplaintFiling.model_validate(opened.application)
    await conn.execute(
        """INSERT INTO complaints (case_no, kind, receiving_level, district, complainant_id,
                                   complainant_kind, received_on, stage, appeal_of)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""",
        case_no,
        filing.kind.value,
        filing.receiving_body.level,
        filing.district.value if filing.district else None,
        filing.complainant.id,
        filing.complainant.kind,
        filing.received_on or local_date(opened.received_at),
        opened.stage,
        filing.appeal_of,
    )


async def _stage_changed(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.StageChanged.model_validate(event.data)
    await conn.execute("UPDATE complaints SET stage = $2 WHERE case_no = $1", case_no, data.to_stage)
    if data.to_stage == "terminated":
        await conn.execute(
            "UPDATE complaints SET terminated_on = $2 WHERE case_no = $1", case_no, local_date(event.at)
        )


async def _accepted(conn: Connection, case_no: str, event: CaseEvent) -> None:
    ComplaintAccepted.model_validate(event.data)
    await conn.execute(
        "UPDATE complaints SET accepted_on = $2 WHERE case_no = $1", case_no, local_date(event.at)
    )


async def _not_accepted(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = NonAcceptanceDecided.model_validate(event.data)
    await conn.execute(
        "UPDATE complaints SET non_acceptance_ground = $2 WHERE case_no = $1", case_no, data.ground
    )


async def _resolved(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ComplaintResolved.model_validate(event.data)
    await conn.execute(
        "UPDATE complaints SET resolution_ways = array_append(resolution_ways, $2) WHERE case_no = $1",
        case_no,
        data.way,
    )


async def _terminated(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ComplaintTerminated.model_validate(event.data)
    await conn.execute(
        """UPDATE complaints SET termination_ground = $2, deemed_withdrawn = $3 WHERE case_no = $1""",
        case_no,
        data.ground,
        data.deemed_withdrawn,
    )


async def _closed(conn: Connection, case_no: str, event: CaseEvent) -> None:
    data = ev.CaseClosed.model_validate(event.data)
    await conn.execute(
        "UPDATE complaints SET stage = $2, outcome = $3, closed_on = $4 WHERE case_no = $1",
        case_no,
        data.stage,
        data.outcome,
        local_date(event.at),
    )


async def _workflow_terminated(conn: Connection, case_no: str, event: CaseEvent) -> None:
    """The case's workflow was terminated (recorded by the reconciliation), not the complaint
    terminated under 第十五条: closed, outcome `terminated`, no termination ground."""
    ev.CaseTerminated.model_validate(event.data)
    await conn.execute(
        "UPDATE complaints SET stage = $2, outcome = $3, closed_on = $4 WHERE case_no = $1",
        case_no,
        CLOSED,
        TERMINATED,
        local_date(event.at),
    )


PROJECTORS: dict[str, Callable[[Connection, str, CaseEvent], Awaitable[None]]] = {
    "CaseOpened": _opened,
    "StageChanged": _stage_changed,
    "ComplaintAccepted": _accepted,
    "NonAcceptanceDecided": _not_accepted,
    "ComplaintResolved": _resolved,
    "ComplaintTerminated": _terminated,
    "CaseClosed": _closed,
    "CaseTerminated": _workflow_terminated,
}


# -- queries --------------------------------------------------------------------------------------


def _body_filter(level: str | None, district: str | None, first: int) -> tuple[str, list[Any]]:
    if level is None:
        return "TRUE", []
    if level == "municipal":
        return f"receiving_level = ${first}", ["municipal"]
    return f"receiving_level = ${first} AND district = ${first + 1}", ["district", district]


async def period_figures(
    conn: Connection, start: date, end: date, *, level: str | None = None, district: str | None = None
) -> dict[str, Any]:
    """第十九条: complaints received, progress, concluded cases of a period, for one body or all.
    `in_progress_by_stage` counts the cases open at the end of the period (of the period so far,
    for one not yet ended), by the stage each was in on its last day."""
    where, args = _body_filter(level, district, 3)
    received = await conn.fetch(
        f"""SELECT kind, count(*) AS n FROM complaints
            WHERE received_on BETWEEN $1 AND $2 AND {where} GROUP BY kind ORDER BY kind""",
        start,
        end,
        *args,
    )
    progress_where, progress_args = _body_filter(level, district, 2)
    # In progress: received by the period's last day and not closed on or before it, each in the
    # stage it stood in that day (its last stage change by then, else the stage it opened in):
    # a case closed since counts where it was, not as `closed`.
    progress = await conn.fetch(
        f"""SELECT coalesce(
                     (SELECT e.data->>'to_stage' FROM case_events e
                       WHERE e.case_no = c.case_no AND e.type = 'StageChanged'
                         AND (e.at AT TIME ZONE 'Asia/Shanghai')::date <= $1
                       ORDER BY e.seq DESC LIMIT 1),
                     (SELECT e.data->>'stage' FROM case_events e
                       WHERE e.case_no = c.case_no AND e.type = 'CaseOpened'),
                     c.stage) AS stage_then,
                   count(*) AS n
            FROM complaints c
            WHERE c.received_on <= $1 AND (c.closed_on IS NULL OR c.closed_on > $1) AND {progress_where}
            GROUP BY stage_then ORDER BY stage_then""",
        end,
        *progress_args,
    )
    concluded = await conn.fetch(
        f"""SELECT case_no, kind, outcome, non_acceptance_ground, termination_ground,
                   deemed_withdrawn, resolution_ways, received_on, closed_on
            FROM complaints WHERE closed_on BETWEEN $1 AND $2 AND {where} ORDER BY closed_on, case_no""",
        start,
        end,
        *args,
    )
    return {
        "period": [start.isoformat(), end.isoformat()],
        "received": {row["kind"]: row["n"] for row in received},
        "in_progress_by_stage": {row["stage_then"]: row["n"] for row in progress},
        "concluded": [
            {
                **dict(row),
                "received_on": row["received_on"].isoformat(),
                "closed_on": row["closed_on"].isoformat(),
                "resolution_ways": list(row["resolution_ways"]),
            }
            for row in concluded
        ],
    }


async def annual_figures(conn: Connection, year: int) -> dict[str, Any]:
    """第十九条第二款: the figures of the annual rights-protection recommendations report."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    rows = await conn.fetch(
        """SELECT kind, receiving_level, accepted_on IS NOT NULL AS accepted,
                  non_acceptance_ground, termination_ground, deemed_withdrawn, resolution_ways
           FROM complaints WHERE received_on BETWEEN $1 AND $2""",
        start,
        end,
    )

    def count(key: Any) -> dict[str, int]:
        tally: dict[str, int] = {}
        for row in rows:
            for value in key(row):
                tally[str(value)] = tally.get(str(value), 0) + 1
        return dict(sorted(tally.items()))

    return {
        "year": year,
        "received": len(rows),
        "by_kind": count(lambda r: [r["kind"]]),
        "by_body": count(lambda r: [r["receiving_level"]]),
        "accepted": sum(1 for r in rows if r["accepted"]),
        "not_accepted_by_ground": count(
            lambda r: [r["non_acceptance_ground"]] if r["non_acceptance_ground"] else []
        ),
        "terminated_by_ground": count(lambda r: [r["termination_ground"]] if r["termination_ground"] else []),
        "deemed_withdrawn": sum(1 for r in rows if r["deemed_withdrawn"]),
        "resolution_ways": count(lambda r: r["resolution_ways"]),
    }


async def list_complaints(
    conn: Connection,
    *,
    level: str | None = None,
    district: str | None = None,
    stage: str | None = None,
    ground: int | None = None,
    overdue_at: datetime | None = None,
    case_no: str | None = None,
) -> list[dict[str, Any]]:
    """Complaints for operators, by body, stage, non-acceptance or termination ground, and
    overdue clocks (a deadline of the case that had passed at `overdue_at`)."""
    clauses: list[str] = ["TRUE"]
    args: list[Any] = []

    def where(clause: str, value: Any) -> None:
        args.append(value)
        clauses.append(clause.replace("$?", f"${len(args)}"))

    for clause, value in (
        ("c.receiving_level = $?", level),
        ("c.district = $?", district),
        ("c.stage = $?", stage),
        ("(c.non_acceptance_ground = $? OR c.termination_ground = $?)", ground),
        ("k.outcome IS NULL AND k.next_deadline < $?", overdue_at),
        ("c.case_no = $?", case_no),
    ):
        if value:
            where(clause, value)
    rows = await conn.fetch(
        f"""SELECT c.case_no, c.kind, c.receiving_level, c.district, c.stage, c.received_on,
                   c.non_acceptance_ground, c.termination_ground, k.next_deadline,
                   k.deadlines
            FROM complaints c JOIN cases k USING (case_no)
            WHERE {" AND ".join(clauses)} ORDER BY c.received_on, c.case_no""",
        *args,
    )
    listed = []
    for row in rows:
        overdue = [
            d["name"]
            for d in row["deadlines"]
            if overdue_at
            and d["state"] in ("running", "breached")
            and d["due"] < overdue_at.astimezone(SHANGHAI).date().isoformat()
        ]
        listed.append(
            {
                "case_no": row["case_no"],
                "kind": row["kind"],
                "body": row["receiving_level"],
                "district": row["district"],
                "stage": row["stage"],
                "received_on": row["received_on"].isoformat(),
                "ground": row["non_acceptance_ground"] or row["termination_ground"],
                "non_acceptance_ground": row["non_acceptance_ground"],
                "termination_ground": row["termination_ground"],
                "next_deadline": row["next_deadline"].isoformat() if row["next_deadline"] else None,
                "overdue_clocks": overdue,
            }
        )
    return listed


READ_MODEL = ReadModel("complaints", TABLES, PROJECTORS)
