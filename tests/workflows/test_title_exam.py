"""The exam route to an intermediate IP title (京人社事业发〔2021〕32号 五(一)) on the time-skipping
server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import CaseDriver, wait_for_status
from tests.workflows.test_title_review import start_person_case
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
