"""The platform's demonstration procedure (not in the gazette).

An enterprise files an application; a clerk accepts it or refuses to accept it;
accepted, it is reviewed within REVIEW_PERIOD (10 calendar days), an inspector may
record verification steps, and a reviewer approves or refuses. A review that runs
past its day is escalated to the supervising body and goes on.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from domain.beijing import District
from domain.calendar import add_calendar_days
from domain.case import CaseOpening, DecisionRule
from domain.clocks import Period, Unit
from domain.identifiers import is_valid_uscc
from domain.inputs import Name, Text, Uscc
from domain.models import Record

PROCEDURE = "demo"
SUPERVISING_BODY = "北京市政务服务管理局"
REVIEWING_OFFICE = "审查科"
REVIEW_PERIOD = Period(
    "review", "demo §2 (platform test procedure)", 10, Unit.CALENDAR_DAYS, REVIEWING_OFFICE
)

INTAKE, REVIEW, CLOSED = "intake", "review", "closed"
MAX_MATERIALS = 200
"""No application lists more documents: a longer list is a fault of the file, not a filing."""


class Enterprise(Record):
    uscc: Uscc = Field(description="unified social credit code (统一社会信用代码)")
    name: Name = Field(min_length=1, max_length=200)

    @field_validator("uscc")
    @classmethod
    def _valid_uscc(cls, value: str) -> str:
        # Checked always, not only at the boundary: the code is the applicant's id in search
        # attributes, and no case has ever been opened with a wrong one.
        if not is_valid_uscc(value):
            raise ValueError("not a valid unified social credit code (GB 32100-2015)")
        return value


class DemoApplication(Record):
    applicant: Enterprise
    district: District
    subject: Text = Field(min_length=1, max_length=500)
    materials: tuple[Name, ...] = Field(min_length=1, max_length=MAX_MATERIALS)

    @property
    def applicant_id(self) -> str:
        return self.applicant.uscc


class DemoOpening(CaseOpening):
    application: DemoApplication


class Accept(Record):
    note: Text = ""


class RejectApplication(Record):
    reason: Text = Field(min_length=1)


class RecordVerificationStep(Record):
    step: Name = Field(min_length=1)
    result: Literal["confirmed", "discrepancy"]
    evidence: Text = ""


class Approve(Record):
    conclusion: Text = Field(min_length=1)


class Refuse(Record):
    reason: Text = Field(min_length=1)


DECISIONS: dict[str, DecisionRule] = {
    "accept": DecisionRule(frozenset({INTAKE}), frozenset({"clerk"}), Accept),
    "reject": DecisionRule(frozenset({INTAKE}), frozenset({"clerk"}), RejectApplication),
    "verify": DecisionRule(frozenset({REVIEW}), frozenset({"inspector"}), RecordVerificationStep),
    "approve": DecisionRule(frozenset({REVIEW}), frozenset({"reviewer"}), Approve),
    "refuse": DecisionRule(frozenset({REVIEW}), frozenset({"reviewer"}), Refuse),
}


def review_due(accepted_on: date) -> date:
    """Review within 10 calendar days of acceptance; the day of acceptance does not count."""
    return add_calendar_days(accepted_on, REVIEW_PERIOD.length)
