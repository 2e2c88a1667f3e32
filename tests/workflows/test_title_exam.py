"""The exam route to an intermediate IP title (京人社事业发〔2021〕32号 五(一)) on the time-skipping
server."""

from __future__ import annotations

import copy
from typing import Any

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from govflow.domain.case import Actor, CaseStatus
from govflow.domain.title_exam import ExamRegistration
from govflow.settings import Settings
from tests.helpers import example, unique_case_no, wait_for_status
from tests.workflows.test_title_review import fresh_id_number

pytestmark = pytest.mark.workflow


class Exam:
    def __init__(self, gf: Govflow, pool: asyncpg.Pool, case_no: str) -> None:
        self.gf, self.pool, self.case_no = gf, pool, case_no

    async def decide(self, name: str, **changes: Any) -> str:
        document = example("title-exam", name)
        return (await self.gf.decide(self.case_no, name, Actor(**document["actor"]),
                                     document["payload"] | changes)).stage

    async def status(self) -> CaseStatus:
        return await self.gf.status(self.case_no)

    async def notice(self, step: str) -> str:
        return str(await self.pool.fetchval("SELECT body FROM notices WHERE case_no=$1 AND step=$2",
                                            self.case_no, step))


@pytest.fixture
async def register(time_skipping_env: WorkflowEnvironment, time_skipping_worker: Worker, settings: Settings,
                   db_pool: asyncpg.Pool):  # type: ignore[no-untyped-def]
    gf = Govflow(time_skipping_env.client, settings)

    async def register_for(**changes: Any) -> Exam:
        document = copy.deepcopy(example("title-exam", "start"))
        document["applicant"]["id_number"] = fresh_id_number()
        document.update(changes)
        ref = await gf.start_case("title-exam", ExamRegistration.model_validate(document),
                                  case_no=unique_case_no("TEXM"))
        await wait_for_status(gf, ref.case_no, lambda s: any(e.type in ("EligibilityAssessed", "CaseClosed") for e in s.history))
        return Exam(gf, db_pool, ref.case_no)

    yield register_for
    await gf.close()


async def test_checked_paid_sat_passed_certified(register) -> None:  # type: ignore[no-untyped-def]
    exam = await register()
    [assessed] = [e.data for e in (await exam.status()).history if e.type == "EligibilityAssessed"]
    # 附件二(二)4: bachelor 2021-07-01, IP work from 2021-07-05: 4 years complete on 2025-07-05.
    assert (assessed["eligible"], assessed["basis"]) == (True, "附件二(二)4")
    assert await exam.decide("check") == "payment"
    assert await exam.decide("pay") == "registered"  # 审核通过并缴费成功为报名成功
    assert "报名成功" in await exam.notice("registered")
    assert await exam.decide("record-score") == "certificate"
    assert "成绩合格" in await exam.notice("score")
    assert await exam.decide("issue-certificate") == "closed"
    final = await exam.status()
    assert final.outcome == "certified"
    assert "2611001100000042" in await exam.notice("certificate")


async def test_a_registration_the_conditions_refuse_cannot_be_approved(register) -> None:  # type: ignore[no-untyped-def]
    exam = await register(filed_on="2025-07-04")  # one day short of the 4 years
    with pytest.raises(DecisionRejectedError, match="附件二\\(二\\)4"):
        await exam.decide("check")
    with pytest.raises(DecisionRejectedError, match="not allowed in stage"):
        await exam.decide("pay")
    assert await exam.decide("check", approved=False, reasons="从事知识产权工作不满4年") == "closed"
    assert "从事知识产权工作不满4年" in await exam.notice("check")


async def test_a_failed_score_ends_the_case_and_fraud_blacklists(register) -> None:  # type: ignore[no-untyped-def]
    exam = await register()
    await exam.decide("check")
    await exam.decide("pay")
    assert await exam.decide("record-score", score=70) == "closed"
    assert (await exam.status()).outcome == "failed"
    assert "成绩不合格" in await exam.notice("score")
    cheat = await register()
    await cheat.decide("check")
    assert await cheat.decide("report-fraud", findings="学历证书系伪造") == "closed"
    assert (await cheat.status()).outcome == "cancelled: fraud"
    again = await register(applicant=(await cheat.status()).history[0].data["application"]["applicant"])
    await wait_for_status(again.gf, again.case_no, lambda s: s.outcome is not None)
    assert (await again.status()).outcome == "refused: blacklisted"
