"""Histories of the paths 34号 六(二) and 32号 三, 六(一) added (for tests/histories/record.py):
an e-commerce project approved and paid through the fund's ledger; an exam certificate entered
in the register, then revoked for fraud (the exam case and the revocation's act); a review
application cancelled for fraud with its employer held responsible."""

from __future__ import annotations

import asyncio
import copy
from typing import Any

from temporalio.testing import WorkflowEnvironment

from domain.case import Actor
from domain.ecommerce import EcommerceProject
from domain.reads import RevokeTitle, act_id
from domain.title import ReviewApplication
from domain.title_exam import ExamRegistration
from govflow.client import Govflow
from tests.helpers import example, example_actor, wait_until_opened
from tests.workflows.test_title_review import fresh_id_number

HR_OFFICER = Actor(role="hr-bureau", id="rsj-zc-01")


def someone_new(procedure: str) -> dict[str, Any]:
    """The example's application for a person of their own: these paths blacklist their person,
    who must not be record.py's."""
    document = copy.deepcopy(example(procedure, "start"))
    document["applicant"]["id_number"] = fresh_id_number()
    return dict(document)


async def record_ecommerce_titles(env: WorkflowEnvironment, gf: Govflow) -> list[tuple[str, str]]:
    """`ecommerce-subsidy__paid`, `title-exam__certified-registered`, `operator-act__exam-title-revoked`,
    `title-review__fraud-employer-held`."""
    del env  # no timer on these paths
    paid = await ecommerce_through_the_reviews(gf)
    exam, revocation = await _exam_certificate_revoked(gf)
    fraud = await _review_fraud_employer_held(gf)
    return [
        ("ecommerce-subsidy__paid", paid),
        ("title-exam__certified-registered", exam),
        ("operator-act__exam-title-revoked", revocation),
        ("title-review__fraud-employer-held", fraud),
    ]


async def ecommerce_through_the_reviews(gf: Govflow) -> str:
    """六(一) district review, 六(二) municipal review and the payment through the ledger."""
    application = await gf.start_case(
        "ecommerce-subsidy", EcommerceProject.model_validate(example("ecommerce-subsidy", "start"))
    )
    await wait_until_opened(gf, application.case_no)
    for step in ("initial-review", "municipal-review"):
        document = example("ecommerce-subsidy", step)
        await gf.decide(
            application.case_no,
            step,
            example_actor("ecommerce-subsidy", step),
            document["payload"],
            request_id=step,
        )
    await gf.result(application.case_no)
    return str(application.case_no)


async def _exam_certificate_revoked(gf: Govflow) -> tuple[str, str]:
    """五(一) to the certificate (now in the register), then 六(一)'s revocation of it."""
    exam = await gf.start_case("title-exam", ExamRegistration.model_validate(someone_new("title-exam")))
    await wait_until_opened(gf, exam.case_no)
    await asyncio.sleep(1)
    number = "2611001100000777"  # not the example's: record.py's own exam case registers that one
    for step in ("check", "pay", "record-score", "issue-certificate"):
        document = example("title-exam", step)
        payload = document["payload"] | ({"certificate_no": number} if step == "issue-certificate" else {})
        await gf.decide(exam.case_no, step, example_actor("title-exam", step), payload, request_id=step)
    await gf.result(exam.case_no)
    order = RevokeTitle(certificate_no=number, reason="工作年限证明系伪造")
    await gf.act(order, HR_OFFICER, request_id="record-revoke")
    return str(exam.case_no), act_id(order, "record-revoke")


async def _review_fraud_employer_held(gf: Govflow) -> str:
    """五(二)2 recommended, then 六(一): fraud found by the agency, the employer did not check."""
    review = await gf.start_case(
        "title-review", ReviewApplication.model_validate(someone_new("title-review"))
    )
    await wait_until_opened(gf, review.case_no)
    await asyncio.sleep(1)
    recommend = example("title-review", "recommend")
    await gf.decide(
        review.case_no,
        "recommend",
        example_actor("title-review", "recommend"),
        recommend["payload"],
        request_id="recommend",
    )
    await gf.decide(
        review.case_no,
        "report-fraud",
        example_actor("title-review", "report-fraud"),
        {"findings": "单位推荐材料中的业绩证明不实", "employer_fault": "unchecked"},
        request_id="report-fraud",
    )
    await gf.result(review.case_no)
    return str(review.case_no)
