"""The procedures this build runs: one entry each, and everything the platform needs to know of
a procedure hangs off its entry.

    name and case-number prefix   the CaseType search attribute, the command line's PROCEDURE
    workflow                      its workflow class (loaded when a worker needs it)
    opening, application          the workflow's input, and the start file's model
    decisions                     the domain's decision rules; the workflow has one handler each
    activities                    the procedure's own activities, built from the worker's wiring
    read models                   what its events project into (and a rebuild replays)
    command line                  the govflow.cli module with its own commands, if any
    examples                      examples/<folder>: a start file and a file per decision

The worker (workers.main), the client (govflow.client), `rebuild-projections` and the command
line loop over REGISTRY; nothing else lists procedures. tests/unit/test_registry.py fails when
an entry lacks a part. Adding a procedure: its own files (domain, workflow, activities and
read model if any, examples, docs) and one entry here.

This module imports only the domain at load time: the client and the command line use it
without loading workflows or activities; an entry's workflow, activities and read models are
loaded by `load_*` when a worker or a rebuild needs them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from domain import (
    complaint,
    credit,
    demo,
    ecommerce,
    hr_park,
    permit,
    qualification,
    spot_check,
    subsidy_pipeline,
    title,
    title_exam,
)
from domain.case import CaseOpening, DecisionRule
from domain.errors import UnknownProcedureError
from domain.procedures import CASE_NO_PREFIXES, case_no_prefix

if TYPE_CHECKING:
    import asyncpg
    from temporalio.client import Client

    from activities.db.projections import ReadModel
    from workers.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DOCS = Path(__file__).resolve().parent.parent / "docs"


@dataclass(frozen=True)
class Wiring:
    """What a procedure's activities are built from; workers.main provides it."""

    pool: asyncpg.Pool
    settings: Settings
    client: Client | None


ActivityFactory = Callable[[Wiring], list[Any]]


def _load(reference: str) -> Any:
    """`package.module:Name` → the object (imported on first use)."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True)
class Procedure:
    name: str
    workflow: str = field(repr=False)  # "workflows.module:Class"
    opening: type[CaseOpening]
    application: type[BaseModel]
    decisions: Mapping[str, DecisionRule]
    activities: ActivityFactory | None = None
    read_models: tuple[str, ...] = ()  # "activities.db.read_models.module" (its READ_MODEL)
    cli: str | None = None  # "govflow.cli.module" with `register(commands)`
    examples: str = ""  # folder under examples/ (default: the name)
    docs: str = ""  # page under docs/ mapping each article to its code (default: the name)
    case_no_from: Callable[[Any], str] | None = None  # a case per subject, not per filing
    applicant_is_person: bool = False
    """The applicant is a natural person (an ID number): searched by a keyed pseudonym
    (workers.keyring), never by the number; a company keeps its public credit code."""

    @property
    def prefix(self) -> str:
        return case_no_prefix(self.name)

    @property
    def examples_folder(self) -> Path:
        return EXAMPLES / (self.examples or self.name)

    @property
    def docs_page(self) -> Path:
        return DOCS / f"{self.docs or self.name}.md"

    def load_workflow(self) -> type[Any]:
        return _load(self.workflow)  # type: ignore[no-any-return]  # a class, by construction

    def load_read_models(self) -> tuple[ReadModel, ...]:
        return tuple(importlib.import_module(module).READ_MODEL for module in self.read_models)


# -- each procedure's own activities -------------------------------------------------------------


def _permit_activities(wiring: Wiring) -> list[Any]:
    from activities.credit import CreditActivities

    return [CreditActivities(wiring.pool).credit_gate]


def _spot_check_activities(wiring: Wiring) -> list[Any]:
    from activities.credit import CreditReporting

    if wiring.client is None:  # a round reports breaches through the client: no client, no round
        return []
    reporting = CreditReporting(wiring.client, wiring.settings.task_queue)
    return [reporting.report_breach, reporting.report_graded_breach, reporting.tell_permit_case]


def _title_activities(wiring: Wiring) -> list[Any]:
    from activities.titles import TitleActivities
    from workers.identity import tally_keys

    titles = TitleActivities(wiring.pool, tally_keys(wiring.settings))
    return [
        titles.blacklist_gate,
        titles.open_ballot,
        titles.close_ballot,
        titles.number_certificate,
        titles.certificate_holder,
    ]


def _subsidy_activities(wiring: Wiring) -> list[Any]:
    from activities.subsidy import SubsidyActivities

    subsidy = SubsidyActivities(wiring.pool)
    return [subsidy.received, subsidy.disburse]


def _qualification_activities(wiring: Wiring) -> list[Any]:
    from activities.notices.channels import FolderChannel
    from activities.notices.render import NoticeRenderer
    from activities.qualification import QualificationActivities

    # The code goes to the employer through the same channel as the case's notices.
    verification = QualificationActivities(
        wiring.pool, NoticeRenderer(), [FolderChannel(wiring.settings.notices_dir)]
    )
    return [verification.catalog_check, verification.make_code]


_READ = "activities.db.read_models."

PROCEDURES: tuple[Procedure, ...] = (
    Procedure(
        demo.PROCEDURE,
        "workflows.demo:DemoWorkflow",
        demo.DemoOpening,
        demo.DemoApplication,
        demo.DECISIONS,
    ),
    Procedure(
        complaint.PROCEDURE,
        "workflows.complaint:ComplaintWorkflow",
        complaint.ComplaintOpening,
        complaint.ComplaintFiling,
        complaint.DECISIONS,
        read_models=(_READ + "complaints",),
        cli="govflow.cli.complaints",
    ),
    Procedure(
        permit.PROCEDURE,
        "workflows.permit:AuctionPermitWorkflow",
        permit.PermitOpening,
        permit.PermitApplication,
        permit.DECISIONS,
        activities=_permit_activities,
        read_models=(_READ + "certificates", _READ + "commitments"),
        cli="govflow.cli.permits",
    ),
    Procedure(
        spot_check.PROCEDURE,
        "workflows.spot_check:SpotCheckWorkflow",
        spot_check.SpotCheckOpening,
        spot_check.SpotCheckRound,
        spot_check.DECISIONS,
        activities=_spot_check_activities,
        read_models=(_READ + "certificates", _READ + "commitments"),
        cli="govflow.cli.permits",
        docs="auction-permit",
    ),
    Procedure(
        credit.PROCEDURE,
        "workflows.credit_record:CreditRecordWorkflow",
        credit.CreditRecordOpening,
        credit.CreditSubject,
        credit.CREDIT_DECISIONS,
        read_models=(_READ + "credit",),
        case_no_from=lambda subject: credit.credit_record_case_no(subject.uscc),
        docs="auction-permit",
    ),
    Procedure(
        subsidy_pipeline.PROCEDURE,
        "workflows.subsidy:SubsidyWorkflow",
        subsidy_pipeline.SubsidyOpening,
        subsidy_pipeline.SubsidyApplication,
        subsidy_pipeline.DECISIONS,
        activities=_subsidy_activities,
        cli="govflow.cli.subsidies",
    ),
    Procedure(
        ecommerce.PROCEDURE,
        "workflows.ecommerce:EcommerceSubsidyWorkflow",
        ecommerce.EcommerceOpening,
        ecommerce.EcommerceProject,
        ecommerce.DECISIONS,
        docs="ecommerce",
    ),
    Procedure(
        title_exam.EXAM,
        "workflows.title_exam:TitleExamWorkflow",
        title_exam.ExamOpening,
        title_exam.ExamRegistration,
        title_exam.EXAM_DECISIONS,
        activities=_title_activities,
        read_models=(_READ + "titles",),
        cli="govflow.cli.titles",
        docs="titles",
        applicant_is_person=True,
    ),
    Procedure(
        title.REVIEW,
        "workflows.title_review:TitleReviewWorkflow",
        title.ReviewOpening,
        title.ReviewApplication,
        title.REVIEW_DECISIONS,
        activities=_title_activities,
        read_models=(_READ + "titles",),
        cli="govflow.cli.titles",
        docs="titles",
        applicant_is_person=True,
    ),
    Procedure(
        qualification.PROCEDURE,
        "workflows.qualification:QualificationVerificationWorkflow",
        qualification.VerificationOpening,
        qualification.VerificationRequest,
        qualification.DECISIONS,
        activities=_qualification_activities,
        cli="govflow.cli.qualification",
    ),
    Procedure(
        hr_park.PROCEDURE,
        "workflows.hr_park:HrParkWorkflow",
        hr_park.ParkOpening,
        hr_park.ParkApplication,
        hr_park.DECISIONS,
        read_models=(_READ + "hr_parks",),
    ),
)
REGISTRY: dict[str, Procedure] = {procedure.name: procedure for procedure in PROCEDURES}

PLATFORM_WORKFLOWS = (
    "workflows.reports:ComplaintReportWorkflow",
    "workflows.intake:CaseIntakeWorkflow",
    "workflows.reads:ReadModelWorkflow",
    "workflows.reads:OperatorActWorkflow",
)
"""Workflows of the platform itself, not of a procedure: the 第十九条 report schedule's, the
intake that numbers and starts every procedure's cases, and the reads and acts a client asks
of the read models through the worker."""


def get_procedure(name: str) -> Procedure:
    case_no_prefix(name)  # an unknown name is refused with the contract's list
    if name not in REGISTRY:
        running = ", ".join(REGISTRY)
        raise UnknownProcedureError(
            f"procedure {name!r} is in the contract but not built yet; this build runs: {running}"
        )
    return REGISTRY[name]


def procedure_of_case(case_no: str) -> Procedure | None:
    """The procedure whose numbers start like `case_no` (CMPL-…, CRED-…), if this build runs it."""
    prefix = case_no.split("-", 1)[0]
    name = next((n for n, p in CASE_NO_PREFIXES.items() if p == prefix), None)
    return REGISTRY.get(name) if name else None


def direct_starts() -> frozenset[str]:
    """The procedures whose cases are started directly, numbered by their subject (a credit
    record per company), not through an intake."""
    return frozenset(p.name for p in PROCEDURES if p.case_no_from is not None)


def workflow_classes() -> list[type[Any]]:
    """Every workflow a worker registers: each procedure's and the platform's own."""
    return [p.load_workflow() for p in PROCEDURES] + [_load(w) for w in PLATFORM_WORKFLOWS]


def procedure_activities(wiring: Wiring) -> list[Any]:
    """Every procedure's own activities, each once (two procedures may share a class)."""
    found: dict[str, Any] = {}
    for procedure in PROCEDURES:
        for activity in procedure.activities(wiring) if procedure.activities else ():
            found.setdefault(activity.__temporal_activity_definition.name, activity)
    return list(found.values())


def read_models() -> list[ReadModel]:
    """The read models of every procedure, each once, in the registry's order."""
    found: dict[str, ReadModel] = {}
    for procedure in PROCEDURES:
        for model in procedure.load_read_models():
            found.setdefault(model.name, model)
    return list(found.values())


def cli_modules() -> list[str]:
    """The command-line modules the procedures bring, each once."""
    return list(dict.fromkeys(p.cli for p in PROCEDURES if p.cli))
