"""Case intake: how a case is numbered and started on the worker's side (workflows.intake).

A client hands in a start file with a request id of its own; the intake of the procedure gives
the next number of the year (PREFIX-YEAR-NNNNNN, gap-free, never reused) and starts the case
under it, in one step. The same request id handed in again gets the same case back, so a
client whose answer was lost can simply send it again.
"""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field

from domain.inputs import RequestId
from domain.models import Record

WORKFLOW = "case-intake"
"""The intake's workflow type."""
KEPT_REQUESTS = 1000
"""Request ids an intake remembers across its runs (continue-as-new): a retry comes soon."""


def intake_id(task_queue: str, prefix: str) -> str:
    """One intake per procedure (its prefix) and task queue."""
    return f"intake-{task_queue}-{prefix}"


class IntakeOrder(Record):
    """A start file handed in."""

    request_id: RequestId
    procedure: str = Field(min_length=1, max_length=64)
    application: dict[str, Any]
    received_at: AwareDatetime | None = None
    case_no: str | None = Field(
        default=None, description="a number the intake gave out before, for a start tried again"
    )


class IntakeReceipt(Record):
    """The case the order started (or had started, for a request id handed in again)."""

    case_no: str
    started: bool = Field(description="False: an earlier order of the same request id started it")


class IntakeState(Record):
    """What an intake carries from one run to the next."""

    procedure: str
    task_queue: str
    last: dict[int, int] = Field(default_factory=dict, description="year → last serial given out")
    taken: dict[str, str] = Field(default_factory=dict, description="request id → case number")


class CounterQuestion(Record):
    """The last serial the database knows for a prefix and year: its counter, or a higher
    number in the event log."""

    prefix: str
    year: int


class NumberClaim(Record):
    """The next serial of a prefix and year, claimed in the database before the case starts."""

    prefix: str
    year: int
    claim: str = Field(description="names the claim: the same name claimed again gets the same number")
    after: int = Field(ge=0, description="the last serial this intake gave out")
