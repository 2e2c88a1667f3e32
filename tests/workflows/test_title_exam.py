"""The exam route to an intermediate IP title (京人社事业发〔2021〕32号 五(一)) on the time-skipping
server."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError, InputError
from tests.helpers import CaseDriver, wait_for_status
from tests.workflows.test_title_review import HR_OFFICER, start_person_case
from workers.settings import Settings

pytestmark = pytest.mark.workflow


class Exam(CaseDriver):
    folder = "title-exam"

    async def decide(self, name: str, **changes: Any) -> str:
        return await self.decide_example(name, **changes)

    async def notice_body(self, step: str) -> str:
        return (await self.notice(step))[1]


class RegisterFor(Protocol):
    async def __call__(self, **changes: Any) -> Exam: ...


@pytest.fixture
async def register(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> AsyncIterator[RegisterFor]:

    async def register_for(**changes: Any) -> Exam:
        case_no = await start_person_case(gf, "title-exam", changes)
        return Exam(time_skipping_env, gf, db_pool, case_no)

    yield register_for
    await gf.close()


async def test_checked_paid_sat_passed_certified(register: RegisterFor) -> None:
    exam = await register()
    [assessed] = [e.data for e in (await exam.status()).history if e.type == "EligibilityAssessed"]
    # 附件二(二)4: bachelor 2021-07-01, IP work from 2021-07-05: 4 years complete on 2025-07-05.
    assert (assessed["eligible"], assessed["basis"]) == (True, "附件二(二)4")
    assert await exam.decide("check") == "payment"
    assert await exam.decide("pay") == "registered"  # 审核通过并缴费成功为报名成功
    assert "报名成功" in await exam.notice_body("registered")
    assert await exam.decide("record-score") == "certificate"
    assert "成绩合格" in await exam.notice_body("score")
    assert await exam.decide("issue-certificate") == "closed"
    final = await exam.status()
    assert final.outcome == "certified"
    assert "2611001100000042" in await exam.notice_body("certificate")


async def test_a_registration_the_conditions_refuse_cannot_be_approved(register: RegisterFor) -> None:
    exam = await register(filed_on="2025-07-04")  # one day short of the 4 years
    with pytest.raises(DecisionRejectedError, match="附件二\\(二\\)4"):
        await exam.decide("check")
    with pytest.raises(DecisionRejectedError, match="not allowed in stage"):
        await exam.decide("pay")
    assert await exam.decide("check", approved=False, reasons="从事知识产权工作不满4年") == "closed"
    assert "从事知识产权工作不满4年" in await exam.notice_body("check")


async def test_a_failed_score_ends_the_case_and_fraud_blacklists(register: RegisterFor) -> None:
    exam = await register()
    await exam.decide("check")
    await exam.decide("pay")
    assert await exam.decide("record-score", score=70) == "closed"
    assert (await exam.status()).outcome == "failed"
    assert "成绩不合格" in await exam.notice_body("score")
    cheat = await register()
    await cheat.decide("check")
    assert await cheat.decide("report-fraud", findings="学历证书系伪造") == "closed"
    assert (await cheat.status()).outcome == "cancelled: fraud"
    again = await register(applicant=(await cheat.status()).history[0].data["application"]["applicant"])
    await wait_for_status(again.gf, again.case_no, lambda s: s.outcome is not None)
    assert (await again.status()).outcome == "refused: blacklisted"


async def certified(register: RegisterFor, number: str) -> Exam:
    exam = await register()
    for step in ("check", "pay", "record-score"):
        await exam.decide(step)
    assert await exam.decide("issue-certificate", certificate_no=number) == "closed"
    return exam


async def test_liu_yi_an_exam_certificate_is_in_the_register_and_revoked_like_a_review_one(
    register: RegisterFor,
) -> None:
    """三, 六(一): “对通过违纪违规行为取得的职称，一律予以撤销，记入诚信档案” — the exam route's
    ministry certificate is in the register `title verify` reads, and `title revoke` revokes it,
    its holder then refused as blacklisted (the old code left it out: `unknown`, not revocable)."""
    number = "26110011" + uuid.uuid4().hex[:8].upper()  # unique in the session's register
    exam = await certified(register, number)
    [entered] = await exam.events("TitleCertified")
    assert (entered["certificate_no"], entered["level"], entered["issued_on"]) == (
        number,
        "intermediate",
        (await exam.today()).isoformat(),
    )
    found = await exam.gf.verify_title(number)
    assert (found["status"], found["level"], found["case_no"]) == ("valid", "intermediate", exam.case_no)
    employer = (await exam.status()).history[0].data["application"]["applicant"]["employer"]
    with pytest.raises(InputError, match="employer_fault"):  # 六(一) names the employer with its fault
        await exam.gf.revoke_title(number, "工作年限证明系伪造", HR_OFFICER, employer=employer)
    revoked = await exam.gf.revoke_title(
        number, "工作年限证明系伪造", HR_OFFICER, employer=employer, employer_fault="false-proof"
    )
    assert (revoked["status"], revoked["reason"]) == ("revoked", "工作年限证明系伪造")
    # 六(一) “出具虚假证明的，依法依规追究单位…的责任”: recorded against the employer that gave the proof
    held = [r for r in await exam.gf.employer_records(employer) if r["certificate_no"] == number]
    assert [(r["case_no"], r["fault_chinese"]) for r in held] == [(exam.case_no, "出具虚假证明")]
    person = (await exam.status()).history[0].data["application"]["applicant"]
    again = await register(applicant=person)
    refused = await wait_for_status(again.gf, again.case_no, lambda s: s.outcome is not None)
    assert refused.outcome == "refused: blacklisted"


async def test_a_number_the_register_gives_another_case_is_refused_and_the_case_issues_again(
    register: RegisterFor,
) -> None:
    """三: one certificate, one number: a ministry number typed that is another person's in the
    register issues nothing (the register's append would fail and hold the case for good); the
    case stays in `certificate` and issues with the right number."""
    number = "26110011" + uuid.uuid4().hex[:8].upper()
    first = await certified(register, number)
    second = await register()
    for step in ("check", "pay", "record-score"):
        await second.decide(step)
    assert await second.decide("issue-certificate", certificate_no=number) == "certificate"
    [taken] = await second.events("CertificateNumberTaken")
    assert (taken["certificate_no"], taken["held_by"]) == (number, first.case_no)
    assert await second.events("TitleCertified") == []
    right = "26110011" + uuid.uuid4().hex[:8].upper()
    assert await second.decide("issue-certificate", certificate_no=right) == "closed"
    assert (await second.status()).attention is None


async def test_an_exam_certificate_number_is_the_ministrys_not_a_bureau_number(register: RegisterFor) -> None:
    """三: the exam route's certificate is the ministry's; a BJIP-… number is the bureau's (reviews)."""
    exam = await register()
    for step in ("check", "pay", "record-score"):
        await exam.decide(step)
    with pytest.raises(DecisionRejectedError, match="ministry certificate number"):
        await exam.decide("issue-certificate", certificate_no="BJIP-202630000013")
    assert (await exam.status()).stage == "certificate"
    await exam.decide("report-fraud", findings="报名信息不实")


async def test_liu_yi_an_employer_s_false_proof_is_recorded_against_the_employer(
    register: RegisterFor,
) -> None:
    """六(一): “工作单位没有认真履行审核责任，或出具虚假证明的，依法依规追究单位…的责任” — the
    exam office finds the work-years proof the employer gave false: the person is blacklisted and
    the employer is recorded, with the article (the old payload had no place for it)."""
    exam = await register()
    await exam.decide("check")
    await exam.decide("report-fraud", findings="单位出具的工作年限证明不实", employer_fault="false-proof")
    [held] = await exam.events("EmployerHeldResponsible")
    employer = (await exam.status()).history[0].data["application"]["applicant"]["employer"]
    assert held == {
        "employer": employer,
        "fault": "false-proof",
        "fault_chinese": "出具虚假证明",
        "findings": "单位出具的工作年限证明不实",
        "article": "六(一)",
    }
    assert (await exam.status()).outcome == "cancelled: fraud"
