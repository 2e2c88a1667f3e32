"""Programme II, cross-border e-commerce (京商财务字〔2021〕34号 六) on the time-skipping server."""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.db import ledger
from domain.ecommerce import EcommerceProject
from domain.errors import InvalidInputError
from domain.identifiers import uscc_check_character
from domain.inputs import validate_at_boundary
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError, InputError
from tests.helpers import CaseDriver, beijing, example, start_from, wait_for_status
from workers.settings import Settings

pytestmark = pytest.mark.workflow

NO_IOSVZ = str.maketrans("IOSVZ", "12345")
"""The USCC's alphabet has no I, O, S, V or Z."""


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


def beijing_code(division: str = "110113", kind: str = "91", body: str = "MA01PAYD8") -> str:
    first17 = kind + division + body
    return first17 + uscc_check_character(first17)


async def open_filed_at(
    gf: Govflow, env: WorkflowEnvironment, pool: asyncpg.Pool, received_at: datetime, **changes: Any
) -> Application:
    document = copy.deepcopy(example("ecommerce-subsidy", "start")) | changes
    ref = await gf.start_case(
        "ecommerce-subsidy", EcommerceProject.model_validate(document), received_at=received_at
    )
    await wait_for_status(gf, ref.case_no, lambda s: bool(s.history))
    return Application(env, gf, pool, ref.case_no)


async def test_shixing_the_filing_date_decides_34_not_the_project_start(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    db_pool: asyncpg.Pool,
) -> None:
    """施行: “本实施方案自2021年9月9日起实施”, 25号 repealed the same day with no transition. A
    project begun in 2020 but applied for on 2021-09-09 is under 34号 (the old code refused it
    for its start); an application filed on 2021-09-08 is not (the old code took it)."""
    on_the_day = await open_filed_at(
        gf, time_skipping_env, db_pool, beijing(date(2021, 9, 9), 9), started_on="2020-05-01"
    )
    await wait_for_status(gf, on_the_day.case_no, lambda s: s.stage == "district-review")
    day_before = await open_filed_at(
        gf, time_skipping_env, db_pool, beijing(date(2021, 9, 8), 17, 30), started_on="2021-03-01"
    )
    status = await wait_for_status(gf, day_before.case_no, lambda s: s.outcome is not None)
    assert status.outcome == "not under 34号"
    [refused] = await day_before.events("EcommerceNotUnder34")
    assert refused["filed_on"] == "2021-09-08"
    assert "早于本实施方案2021年9月9日施行之日" in (await day_before.notice("not-under-34"))[1]
    with pytest.raises(DecisionRejectedError):
        await day_before.decide_example("initial-review")
    await on_the_day.decide_example("initial-review", passed=False, reasons="退回")


async def test_si_yi_a_code_not_registered_in_beijing_or_an_individual_business_is_refused_at_the_boundary(
    gf: Govflow,
    time_skipping_worker: Worker,
) -> None:
    """四(一): 项目申报主体需在北京市注册，具有独立法人资格 — the code says both: a Tianjin
    division (120113) and an individual business (92…) are refused before any case starts."""
    start = example("ecommerce-subsidy", "start")
    for changes, words in (
        ({"uscc": beijing_code("120113")}, "北京市注册"),
        ({"uscc": beijing_code(kind="92")}, "独立法人资格"),
        ({"standing": None}, "standing: 四"),
    ):
        with pytest.raises(InvalidInputError, match=words):
            validate_at_boundary(EcommerceProject, start | changes, date(2026, 3, 2))
        with pytest.raises(InputError, match=words):  # through the client: no case is started
            await gf.start_case("ecommerce-subsidy", EcommerceProject.model_validate(start | changes))
    await gf.close()


async def test_si_and_wu_the_district_cannot_pass_an_application_missing_a_condition_or_a_material(
    apply: ApplyFor,
) -> None:
    """四(二) 财务管理制度健全 and 五(四) 项目申报单位承诺书: the district's initial review (六(一))
    cannot pass the application (the old code passed it); its refusal names both."""
    document = example("ecommerce-subsidy", "start")
    materials = [m for m in document["materials"] if m != "commitment"]
    application = await apply(
        "start", materials=materials, standing=document["standing"] | {"sound_finance": False}
    )
    with pytest.raises(
        DecisionRejectedError, match=r"四\(二\)：财务管理制度健全.*缺五\(四\)：项目申报单位承诺书"
    ):
        await application.decide_example("initial-review")
    assert (await application.status()).stage == "district-review"  # nothing changed
    await application.decide_example("initial-review", passed=False, reasons="材料不全")
    body = (await application.notice("initial-review"))[1]
    assert "缺五(四)：项目申报单位承诺书" in body and "四(二)：财务管理制度健全" in body
    standing = document["standing"] | {"sound_operation": False}
    platform = await apply("start-platform", standing=standing)  # 六(一): no district; the bureau checks
    with pytest.raises(DecisionRejectedError, match=r"四\(二\)：项目申报单位经营状况良好"):
        await platform.decide_example(
            "municipal-review", reviewed_cost="100000", audited_investment=None, rent_support=None
        )
    await platform.decide_example("municipal-review", approved=False, reasons="不符合条件")


async def test_liu_er_an_approved_project_is_paid_through_the_ledger_outside_33s_annual_cap(
    apply: ApplyFor, db_pool: asyncpg.Pool
) -> None:
    """六(二): 市商务局…组织开展项目评审、资金拨付 — the approval pays through the fund's ledger,
    then a payment notice; the case ends `paid` (the old code ended `approved`, unpaid). The
    enterprise has had ¥900,000 of 33号 market-development funds this year under 33号 四(四)'s
    ¥1,000,000 cap: the 34号 payment is not cut by it."""
    uscc = beijing_code(body="MA01" + uuid.uuid4().hex[:5].upper().translate(NO_IOSVZ))
    application = await apply("start", uscc=uscc)
    today = await application.today()
    async with db_pool.acquire() as conn:  # a 33号 project paid this year, as the 33号 case pays it
        await ledger.disburse(
            conn,
            case_no=f"SUBS-TEST-{uuid.uuid4().hex[:8]}",
            enterprise_id=uscc,
            year=today.year,
            approved=Decimal(900_000),
            cap=Decimal(1_000_000),
            at=datetime.now(UTC),
        )
    await application.decide_example("initial-review")
    assert await application.decide_example("municipal-review") == "closed"
    status = await application.status()
    assert status.outcome == "paid"
    [paid] = await application.events("EcommerceSupportPaid")
    # 60,000 interest + 1,800,000 rent + 1,400,000 other investment = 3,260,000, uncut
    assert (Decimal(paid["amount"]), paid["cut_reason"]) == (Decimal("3260000"), None)
    row = await db_pool.fetchrow(
        "SELECT enterprise_id, amount FROM subsidy_disbursements WHERE case_no = $1", application.case_no
    )
    assert row is not None and row["enterprise_id"] == "ecommerce-subsidy:" + uscc
    assert row["amount"] == Decimal("3260000.00")
    assert await db_pool.fetchval(
        "SELECT disbursed FROM subsidy_ledger_years WHERE enterprise_id = $1 AND year = $2",
        uscc,
        today.year,
    ) == Decimal("900000.00")  # 33号's account untouched
    assert "已拨付支持资金3260000.00元" in (await application.notice("payment"))[1]
