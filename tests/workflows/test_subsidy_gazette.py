"""京商财务字〔2021〕33号 read closely, on the time-skipping server with the ledger in the real
PostgreSQL: "当年" judged on the filing day through a January audit (附件2 二–五, 十), no approval
of ¥0 (五(四)2), the disbursement's own route (五(三), 五(四)1), the claims held to the plan
(五(二), 五(三)), the priorities of 三 checked, the organising unit's conditions (一(二))."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.db import ledger
from domain.calendar import SHANGHAI
from domain.case import Actor
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import beijing, example, start_from, wait_for_status
from tests.workflows.test_credit_record import fresh_uscc
from tests.workflows.test_subsidy import MUNICIPAL, ApplyFor, Project
from workers.settings import Settings

pytestmark = pytest.mark.workflow

ADVERT = {"item": "overseas-advertising", "spend": "60000", "medium": "magazine"}


@pytest.fixture
async def apply(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> AsyncIterator[ApplyFor]:

    async def apply_for(start: str, **changes: Any) -> Project:
        document = copy.deepcopy(example("subsidy", start))
        document["enterprise"].update(changes.pop("enterprise", {}))
        document["enterprise"]["uscc"] = fresh_uscc()
        document["year"] = (await time_skipping_env.get_current_time()).year
        document |= changes
        return Project(time_skipping_env, gf, db_pool, await start_from(gf, "subsidy", document))

    yield apply_for
    await gf.close()


async def sleep_to(project: Project, day: date, hour: int = 10) -> None:
    await project.env.sleep(beijing(day, hour) - await project.env.get_current_time())


async def planned(
    project: Project, claims: list[dict[str, Any]], met: list[str], confirm: Actor | None = None
) -> None:
    """Registration, the plan, its selection and its 7 days: the case waits in implementation."""
    await project.decide("confirm-registration", confirm)
    await project.decide("apply-plan", claims=claims)
    await project.decide("select-plan", priorities=met)
    ends = await project.publicity_passes("plan")
    await sleep_to(project, ends + timedelta(days=1), 1)
    await wait_for_status(project.gf, project.case_no, lambda s: s.stage == "implementation")


async def early_in_a_year(env: WorkflowEnvironment) -> None:
    """Leave room for a plan and its publicity before 20 December: after 5 December, go to the
    next 5 January."""
    now = await env.get_current_time()
    today = now.astimezone(SHANGHAI).date()
    if today > date(today.year, 12, 5):
        await env.sleep(beijing(date(today.year + 1, 1, 5), 9) - now)


async def test_annex2_five_dangnian_is_judged_on_the_december_filing_through_a_january_audit(
    apply: ApplyFor, time_skipping_env: WorkflowEnvironment
) -> None:
    """附件2 五 "应在取得注册证书的当年申请" (二–四, 十 alike, "当年提交资金拨付申请"): filed on 20
    December, the trademark certified that year stays supported when the audit and the decision
    come in January; 五(二), 五(三): a claim the plan did not list is refused."""
    await early_in_a_year(time_skipping_env)
    project = await apply("start-district")  # Haidian, an SME
    claims = await project.claims()  # the trademark certified today
    claims[0]["spend"] = "200000"  # the fair: 200,000 × 50 % = 100,000 (under 12 booths' 360,000)
    await planned(project, claims, ["三(三)"])
    year = (await project.today()).year
    filed = date(year, 12, 20)
    await sleep_to(project, filed)
    advert = ADVERT | {"incurred_on": claims[0]["incurred_on"]}
    await project.decide("apply-disbursement", claims=[*claims, advert], completed_on=filed.isoformat())
    [application] = [e for e in await project.events("SupportQuoted") if e["step"] == "application"]
    assert (
        application["quote"]["quotes"][2]["refused"] == "五(二)、五(三)：该项支出未列入年度项目计划，不予拨付"
    )
    # 100,000 + 30,000 × 50 % = 15,000; the advertisement refused: 115,000
    assert Decimal(application["quote"]["total"]) == 115_000
    await sleep_to(project, date(year + 1, 1, 6))
    await project.decide("check-completeness")
    await project.decide("review-compliance")
    assert await project.decide("audit", audited_spend=["200000", "30000", "60000"]) == "decision"
    [audit] = [e for e in await project.events("SupportQuoted") if e["step"] == "audit"]
    assert audit["quote"]["quotes"][1]["refused"] is None  # the trademark, judged on 20 December
    assert Decimal(audit["quote"]["total"]) == 115_000
    assert await project.decide("decide") == "disbursement-publicity"
    [approved] = await project.events("DisbursementApproved")
    assert Decimal(approved["amount"]) == 115_000
    assert "拟拨付支持资金115000.00元" in (await project.notice("disbursement-publicity"))[1]


async def test_five_four_2_a_project_the_audit_leaves_nothing_cannot_be_approved(apply: ApplyFor) -> None:
    """五(四)2: the audit bears out 9,000 of the trademark, under 四(一)'s 10,000: ¥0; the bureau is
    told to decide approved false, which ends the case."""
    project = await apply("start-district")
    claims = (await project.claims())[1:]  # the trademark only
    await planned(project, claims, ["三(三)"])
    today = (await project.today()).isoformat()
    await project.decide("apply-disbursement", claims=claims, completed_on=today)
    await project.decide("check-completeness")
    await project.decide("review-compliance")
    await project.decide("audit", audited_spend=["9000"])
    with pytest.raises(DecisionRejectedError, match=r"approved: false"):
        await project.decide("decide")
    assert await project.decide("decide", approved=False, reasons="审核后支出不足1万元") == "closed"
    assert (await project.status()).outcome == "not approved"
    assert await project.events("DisbursementApproved") == []


async def test_five_four_2_no_publicity_of_zero_when_the_annual_cap_was_used_up_after_the_audit(
    apply: ApplyFor,
) -> None:
    """四(四), 五(四)2: between the audit (15,000) and the decision another project of the enterprise
    was paid the whole 1,000,000; the decision's quote is 0: the case closes, never publishing
    "拟拨付支持资金0元"."""
    project = await apply("start-district")
    claims = (await project.claims())[1:]  # the trademark: 30,000 × 50 % = 15,000
    await planned(project, claims, ["三(三)"])
    today = await project.today()
    await project.decide("apply-disbursement", claims=claims, completed_on=today.isoformat())
    await project.decide("check-completeness")
    await project.decide("review-compliance")
    await project.decide("audit", audited_spend=["30000"])
    uscc = (await project.status()).applicant_id
    async with project.pool.acquire() as conn:  # another case of the enterprise, paid meanwhile
        await ledger.disburse(
            conn,
            case_no="SUBS-2026-999999",
            enterprise_id=uscc,
            year=today.year,
            approved=Decimal(1_000_000),
            cap=Decimal(1_000_000),
            at=datetime.now(UTC),
        )
    assert await project.decide("decide") == "closed"
    assert (await project.status()).outcome == "not approved"
    assert await project.events("DisbursementApproved") == []
    notice = (await project.notice("decision"))[1]
    assert "0元" in notice and "拟拨付" not in notice


async def test_five_three_a_comprehensive_service_enterprise_s_disbursement_goes_to_its_district(
    apply: ApplyFor,
) -> None:
    """五(一)1 sends a 外贸综合服务企业's registration to the municipal bureau; 五(三) and 五(四)1 do
    not: a Haidian service enterprise's disbursement is reviewed first by the Haidian bureau."""
    project = await apply(
        "start-district", enterprise={"trade_usd_last_year": 90_000_000, "comprehensive_service": True}
    )
    with pytest.raises(DecisionRejectedError, match="confirmed by the municipal-bureau"):
        await project.decide("confirm-registration")
    claims = await project.claims()
    await planned(project, claims, ["三(三)"], MUNICIPAL)
    today = (await project.today()).isoformat()
    assert (
        await project.decide("apply-disbursement", claims=claims, completed_on=today) == "completeness-review"
    )
    assert await project.decide("check-completeness") == "compliance-review"


async def test_three_the_priorities_of_selection_are_the_project_s_as_the_rules_find_them(
    apply: ApplyFor,
) -> None:
    """三: select-plan states the priorities (三(一)–(四)) as data; the rules check them. An SME's
    fair and trademark in an ordinary market meet 三(三) only."""
    project = await apply("start-district")
    await project.decide("confirm-registration")
    await project.decide("apply-plan", claims=await project.claims())
    with pytest.raises(DecisionRejectedError, match=r"priorities"):
        await project.decide("select-plan", priorities=None, priority="三(一) 双自主企业")
    with pytest.raises(
        DecisionRejectedError, match=r"本项目符合的优先支持情形为三\(三\)，决定所列为三\(一\)"
    ):
        await project.decide("select-plan", priorities=["三(一)"])
    assert await project.decide("select-plan", priorities=["三(三)"]) == "plan-publicity"


async def test_one_two_an_organising_unit_with_arrears_of_fiscal_funds_is_not_confirmed(
    apply: ApplyFor,
) -> None:
    """一(二) "未拖欠应缴还财政性资金": the bureau cannot confirm such a unit; it must refuse."""
    organiser = example("subsidy", "start-group")["organiser"] | {"no_fiscal_arrears": False}
    project = await apply("start-group", organiser=organiser)
    with pytest.raises(DecisionRejectedError, match="拖欠应缴还财政性资金"):
        await project.decide("confirm-registration", MUNICIPAL)
    assert (
        await project.decide(
            "confirm-registration", MUNICIPAL, confirmed=False, reasons="一(二)：拖欠财政性资金"
        )
        == "closed"
    )
