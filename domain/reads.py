"""What a client may ask of the read models, and the acts an operator orders on them, through
the worker (workflows.reads): the client needs Temporal only, never the database.

Each question and each act is a model of its own, told apart by `kind`; the answer is the
read model's JSON. An act (a title revoked, a schedule loaded) names the officer who orders
it, and its workflow's history is the record of it.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, model_validator

from domain.beijing import District
from domain.case import Actor
from domain.catalog import QualificationField
from domain.errors import WrongRoleError
from domain.inputs import Identifier, Name, Text, Year
from domain.models import Record
from domain.qualification import WorkPermitProposal
from domain.title import EmployerFault

READ_WORKFLOW = "read-model"
ACT_WORKFLOW = "operator-act"


class CertificateLookup(Record):
    """A 拍卖经营批准证书 in the register, with its history."""

    kind: Literal["certificate"] = "certificate"
    certificate_no: Name


class ComplaintList(Record):
    """Complaints by body, district, stage, ground and overdue clocks."""

    kind: Literal["complaints"] = "complaints"
    level: Literal["municipal", "district"] | None = None
    district: District | None = None
    stage: str | None = Field(default=None, max_length=64)
    ground: int | None = Field(default=None, ge=1, le=9)
    overdue_at: AwareDatetime | None = None
    case_no: str | None = Field(
        default=None, max_length=64, description="one complaint (an appeal's original)"
    )


class ComplaintReport(Record):
    """第十九条: the municipal or a district body's bi-monthly report, or the year's figures."""

    kind: Literal["complaint-report"] = "complaint-report"
    report: Literal["municipal", "district", "annual"]
    month: date | None = None
    district: District | None = None
    year: Year | None = None


class TitleLookup(Record):
    """五(二)7: what the title register says of a certificate number."""

    kind: Literal["title"] = "title"
    certificate_no: str = Field(min_length=1, max_length=64)


class AwaitingSpotCheck(Record):
    """三(一): the commitment decisions no round has taken up whose 3 months have not run out."""

    kind: Literal["awaiting-spot-check"] = "awaiting-spot-check"
    today: date


class CalendarSchedules(Record):
    """The official schedules loaded into the calendar in force."""

    kind: Literal["calendar-schedules"] = "calendar-schedules"


class OpenCasesWithClocks(Record):
    """Open cases that hold a clock still running or paused."""

    kind: Literal["open-cases-with-clocks"] = "open-cases-with-clocks"


class QualificationCodeLookup(Record):
    """附件2 三: the public look-up of a verification code. The client checks the code's shape
    and check character and sends only its SHA-256 (domain.qualification.code_digest): the code
    itself is never in a workflow's history. `caller` is who asks (the limit per minute is
    counted per caller)."""

    kind: Literal["qualification-code"] = "qualification-code"
    digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    caller: Identifier


class QualificationCatalogSearch(Record):
    """附件1: the catalog version in force (or `version`), by text, field, country or region."""

    kind: Literal["qualification-catalog"] = "qualification-catalog"
    text: Name | None = None
    field: QualificationField | None = None
    country: Name | None = None
    version: Identifier | None = None


class QualificationRelaxations(Record):
    """正文 一、二: what a catalog qualification brings to a proposed work permit."""

    kind: Literal["qualification-relaxations"] = "qualification-relaxations"
    qualification_no: int = Field(ge=1, le=9999)
    proposal: WorkPermitProposal
    version: Identifier | None = None


class EmployerRecords(Record):
    """六(一): what is recorded against an employer of title applicants."""

    kind: Literal["title-employer"] = "title-employer"
    employer: Name = Field(min_length=1)


ReadQuery = Annotated[
    CertificateLookup
    | ComplaintList
    | ComplaintReport
    | TitleLookup
    | AwaitingSpotCheck
    | CalendarSchedules
    | OpenCasesWithClocks
    | QualificationCodeLookup
    | QualificationCatalogSearch
    | QualificationRelaxations
    | EmployerRecords,
    Field(discriminator="kind"),
]


class ReadRequest(Record):
    query: ReadQuery


class ReadAnswer(Record):
    """The read model's answer, as JSON."""

    value: Any


class RevokeTitle(Record):
    """六(一): revoke a title obtained by fraud (integrity file, blacklist); where the employer did
    not check or gave false proof, recorded against it too (`employer`, `employer_fault`)."""

    kind: Literal["revoke-title"] = "revoke-title"
    certificate_no: str = Field(min_length=1, max_length=64)
    reason: Text
    employer: Name | None = Field(default=None, description="the employer that vouched (its name)")
    employer_fault: EmployerFault | None = None

    @model_validator(mode="after")
    def _fault_with_employer(self) -> RevokeTitle:
        if (self.employer is None) != (self.employer_fault is None):
            raise ValueError("employer_fault: 六(一) names the employer and its fault together")
        return self


class LoadSchedule(Record):
    """A year's official schedule of holidays and make-up working days (holiday-cn layout)."""

    kind: Literal["load-schedule"] = "load-schedule"
    document: dict[str, Any]
    source: Name


class LoadQualificationCatalog(Record):
    """四: a version of the catalog (the data file's document) loaded; it is in force for new
    requests from then on, and open cases keep the version they were judged under."""

    kind: Literal["load-qualification-catalog"] = "load-qualification-catalog"
    document: dict[str, Any]
    source: Name


ActOrder = Annotated[RevokeTitle | LoadSchedule | LoadQualificationCatalog, Field(discriminator="kind")]


class ActRequest(Record):
    """An act an officer orders: who, what, when."""

    actor: Actor
    order: ActOrder
    at: AwareDatetime


class ActDone(Record):
    value: Any


ACT_ROLES: dict[str, frozenset[str]] = {
    "revoke-title": frozenset({"hr-bureau"}),  # 六(一): the human-resources bureau revokes
    "load-schedule": frozenset({"operator"}),
    "load-qualification-catalog": frozenset({"operator", "hr-bureau"}),  # 四: the bureau adjusts it
}
"""Who may order each act (the identity token must name the actor: workers.identity)."""


def check_act_role(request: ActRequest) -> None:
    allowed = ACT_ROLES[request.order.kind]
    if request.actor.role not in allowed:
        raise WrongRoleError(
            f"role {request.actor.role!r} may not order {request.order.kind} "
            f"(only: {', '.join(sorted(allowed))})"
        )


def act_id(order: RevokeTitle | LoadSchedule | LoadQualificationCatalog, request_id: Identifier) -> str:
    """The act's workflow id: a revocation is one per certificate (refused twice by the server
    too); a schedule load one per request."""
    if isinstance(order, RevokeTitle):
        return f"revoke-title-{order.certificate_no}"
    if isinstance(order, LoadQualificationCatalog):
        return f"load-qualification-catalog-{request_id}"
    return f"load-schedule-{request_id}"
