"""Programme II, cross-border e-commerce (京商财务字〔2021〕34号 六) on the time-skipping server."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import CaseDriver, example, start_from
from workers.settings import Settings

pytestmark = pytest.mark.workflow


class Application(CaseDriver):
    folder = "ecommerce-subsidy"


class ApplyFor(Protocol):
    async def __call__(self, start: str, **changes: Any) -> Application: ...


@pytest.fixture
async def apply(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> AsyncIterator[ApplyFor]:

    async def apply_for(start: str, **changes: Any) -> Application:
        document = copy.deepcopy(example("ecommerce-subsidy", start)) | changes
        return Application(
            time_skipping_env, gf, db_pool, await start_from(gf, "ecommerce-subsidy", document)
        )

    yield apply_for
    await gf.close()


async def test_district_initial_review_then_the_municipal_review_with_the_amounts(apply: ApplyFor) -> None:
    application = await apply("start")
    assert (await application.status()).stage == "district-review"
    with pytest.raises(DecisionRejectedError, match="not allowed in stage 'district-review'"):
        await application.decide_example("municipal-review")
    assert await application.decide_example("initial-review") == "municipal-review"
    assert await application.decide_example("municipal-review") == "closed"
    [decided] = await application.events("EcommerceSupportDecided")
    # interest 84,000 × 3.00 (LPR of 2025-05-20) / 4.2 = 60,000; rent support 1,800,000;
    # other investment (5,300,000 − 2,500,000) × 50 % = 1,400,000
    amounts = {k: Decimal(decided["support"][k]) for k in ("interest", "grant", "total")}
    assert amounts == {"interest": 60_000, "grant": 3_200_000, "total": 3_260_000}
    assert "支持资金3260000.00元" in (await application.notice("municipal-review"))[1]


async def test_a_platform_project_goes_to_the_municipal_bureau_and_a_short_investment_is_refused(
    apply: ApplyFor,
) -> None:
    platform = await apply("start-platform")
    assert (await platform.status()).stage == "municipal-review"
    await platform.decide_example(
        "municipal-review", reviewed_cost="4200000", audited_investment=None, rent_support=None
    )
    [decided] = await platform.events("EcommerceSupportDecided")
    assert Decimal(decided["support"]["total"]) == 4_200_000
    short = await apply("start", investment={"planned": "10000000", "spent": "6000000"})
    await short.decide_example("initial-review")
    with pytest.raises(DecisionRejectedError, match="低于计划总投资额"):
        await short.decide_example("municipal-review", rent_support=None)
    assert (
        await short.decide_example("municipal-review", approved=False, reasons="已投资额不足70%") == "closed"
    )
    assert (await short.status()).outcome == "not approved"


async def test_amounts_that_do_not_fit_the_project_are_refused(apply: ApplyFor) -> None:
    store = await apply("start")
    await store.decide_example("initial-review")
    with pytest.raises(DecisionRejectedError, match="reviewed_cost"):
        await store.decide_example("municipal-review", reviewed_cost="100000")
    platform = await apply("start-platform")
    with pytest.raises(DecisionRejectedError, match="reviewed_cost"):  # a platform project without it
        await platform.decide_example("municipal-review", audited_investment=None, rent_support=None)
    with pytest.raises(DecisionRejectedError, match="rent_support"):
        await platform.decide_example("municipal-review", audited_investment=None, reviewed_cost="100000")
    for application in (store, platform):  # end both cases
        await application.decide_example("municipal-review", approved=False, reasons="退回")
