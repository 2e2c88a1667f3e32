"""Which procedures this build runs: name → workflow, opening and application models.

The client uses it to validate a start file and to build the workflow's input; the
worker uses it to register the workflows. A procedure of the contract that has not
landed yet is known by name (domain.procedures) but not startable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from domain import (
    complaint,
    credit,
    demo,
    ecommerce,
    permit,
    spot_check,
    subsidy_pipeline,
    title,
    title_exam,
)
from domain.case import CaseOpening, DecisionRule
from domain.errors import UnknownProcedureError
from domain.procedures import CASE_NO_PREFIXES, case_no_prefix


@dataclass(frozen=True)
class Procedure:
    name: str
    workflow: str
    opening: type[CaseOpening]
    application: type[BaseModel]
    decisions: Mapping[str, DecisionRule]
    case_no_from: Callable[[Any], str] | None = None  # a case per applicant, not per filing

    @property
    def prefix(self) -> str:
        return case_no_prefix(self.name)


PROCEDURES: dict[str, Procedure] = {
    demo.PROCEDURE: Procedure(demo.PROCEDURE, "demo", demo.DemoOpening, demo.DemoApplication,
                              demo.DECISIONS),
    complaint.PROCEDURE: Procedure(
        complaint.PROCEDURE, "complaint", complaint.ComplaintOpening, complaint.ComplaintFiling,
        complaint.DECISIONS,
    ),
    permit.PROCEDURE: Procedure(
        permit.PROCEDURE, "auction-permit", permit.PermitOpening, permit.PermitApplication, permit.DECISIONS
    ),
    spot_check.PROCEDURE: Procedure(
        spot_check.PROCEDURE, "spot-check", spot_check.SpotCheckOpening, spot_check.SpotCheckRound,
        spot_check.DECISIONS,
    ),
    credit.PROCEDURE: Procedure(
        credit.PROCEDURE, "credit-record", credit.CreditRecordOpening, credit.CreditSubject,
        credit.CREDIT_DECISIONS, case_no_from=lambda subject: credit.credit_record_case_no(subject.uscc),
    ),
    subsidy_pipeline.PROCEDURE: Procedure(
        subsidy_pipeline.PROCEDURE, "subsidy", subsidy_pipeline.SubsidyOpening,
        subsidy_pipeline.SubsidyApplication, subsidy_pipeline.DECISIONS,
    ),
    ecommerce.PROCEDURE: Procedure(
        ecommerce.PROCEDURE, "ecommerce-subsidy", ecommerce.EcommerceOpening, ecommerce.EcommerceProject,
        ecommerce.DECISIONS,
    ),
    title_exam.EXAM: Procedure(
        title_exam.EXAM, "title-exam", title_exam.ExamOpening, title_exam.ExamRegistration,
        title_exam.EXAM_DECISIONS,
    ),
    title.REVIEW: Procedure(
        title.REVIEW, "title-review", title.ReviewOpening, title.ReviewApplication, title.REVIEW_DECISIONS
    ),
}


def procedure_of_case(case_no: str) -> Procedure | None:
    """The procedure whose numbers start like `case_no` (CMPL-…, CRED-…), if this build runs it."""
    prefix = case_no.split("-", 1)[0]
    name = next((n for n, p in CASE_NO_PREFIXES.items() if p == prefix), None)
    return PROCEDURES.get(name) if name else None


def get_procedure(name: str) -> Procedure:
    case_no_prefix(name)  # an unknown name is refused with the contract's list
    if name not in PROCEDURES:
        running = ", ".join(PROCEDURES)
        raise UnknownProcedureError(
            f"procedure {name!r} is in the contract but not built yet; this build runs: {running}"
        )
    return PROCEDURES[name]


def workflow_classes() -> list[Any]:
    from workflows.complaint import ComplaintWorkflow
    from workflows.credit_record import CreditRecordWorkflow
    from workflows.demo import DemoWorkflow
    from workflows.ecommerce import EcommerceSubsidyWorkflow
    from workflows.permit import AuctionPermitWorkflow
    from workflows.reports import ComplaintReportWorkflow
    from workflows.spot_check import SpotCheckWorkflow
    from workflows.subsidy import SubsidyWorkflow
    from workflows.title_exam import TitleExamWorkflow
    from workflows.title_review import TitleReviewWorkflow

    return [ComplaintWorkflow, CreditRecordWorkflow, DemoWorkflow, AuctionPermitWorkflow,
            SpotCheckWorkflow, ComplaintReportWorkflow, SubsidyWorkflow, EcommerceSubsidyWorkflow,
            TitleExamWorkflow, TitleReviewWorkflow]
