"""第十九条 reports from the complaints read model, and the schedule that makes them."""

from __future__ import annotations

from datetime import date
from typing import Any

from activities.db.read_models.complaints import annual_figures, period_figures
from domain.complaint import bimonthly_period


async def bimonthly_report(conn: Any, report_month: date, district: str | None) -> dict[str, Any]:
    """A district body's report (or, with no district, the city-wide municipal one)."""
    start, end = bimonthly_period(report_month)
    level = "district" if district else None
    figures = await period_figures(conn, start, end, level=level, district=district)
    return {"report": f"{'district ' + district if district else 'municipal'} {report_month:%Y-%m}",
            **figures}


async def annual_report(conn: Any, year: int) -> dict[str, Any]:
    return await annual_figures(conn, year)
