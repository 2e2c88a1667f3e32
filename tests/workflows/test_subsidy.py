"""A project of the foreign-trade fund through the eight stages (京商财务字〔2021〕33号 五) on the
time-skipping server, with the ledger in the real PostgreSQL."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.case import Actor
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import CaseDriver, beijing, example, start_from, wait_for_status
from tests.workflows.test_credit_record import fresh_uscc
from workers.settings import Settings

pytestmark = pytest.mark.workflow

MUNICIPAL = Actor(role="municipal-bureau", id="swj-cwc-01")


class Project(CaseDriver):
    folder = "subsidy"

    async def decide(self, name: str, actor: Actor | None = None, **changes: Any) -> str:
        return await self.decide_example(name, actor, **changes)

    async def claims(self) -> list[dict[str, Any]]:
        """The example's claims, dated this year on the test server's clock."""
        today = await self.today()
        claims: list[dict[str, Any]] = copy.deepcopy(example("subsidy", "apply-plan")["payload"]["claims"])
        for claim in claims:
            claim["incurred_on"] = (today - timedelta(days=40)).isoformat()
            if "certificate_on" in claim:
                claim["certificate_on"] = today.isoformat()
        return claims

    async def publicity_passes(self, window: str) -> date:
        """Sleep to 12:00 on the window's last day (still open), then past it."""
        [published] = [e for e in await self.events("SubsidyPublished") if e["window"] == window]
        ends = date.fromisoformat(published["ends_on"])
        assert ends == date.fromisoformat(published["published_on"]) + timedelta(days=7)  # 7 days, by hand
        await self.env.sleep(beijing(ends, 12) - await self.env.get_current_time())
        return ends


class ApplyFor(Protocol):
    async def __call__(self, start: str, **enterprise: Any) -> Project: ...


@pytest.fixture
async def apply(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> AsyncIterator[ApplyFor]:

    async def apply_for(start: str, **enterprise: Any) -> Project:
        document = copy.deepcopy(example("subsidy", start))
        document["enterprise"].update(enterprise)
        document["enterprise"]["uscc"] = fresh_uscc()
        document["year"] = (await time_skipping_env.get_current_time()).year
        return Project(time_skipping_env, gf, db_pool, await start_from(gf, "subsidy", document))

    yield apply_for
    await gf.close()


async def test_district_route_through_the_eight_stages_with_objections_and_an_audit_cut(
    apply: ApplyFor,
) -> None:
    project = await apply("start-district")  # Haidian: the district bureau
    with pytest.raises(DecisionRejectedError, match="confirmed by the district-bureau"):
        await project.decide("confirm-registration", MUNICIPAL)
    assert await project.decide("confirm-registration") == "plan-application"  # 1, 2
    [confirmed] = await project.events("RegistrationConfirmed")
    assert (confirmed["route"], confirmed["body"]) == ("district", "海淀区商务局")
    claims = await project.claims()
    assert await project.decide("apply-plan", claims=claims) == "plan-selection"  # 3
    [plan] = await project.events("SupportQuoted")
    # fair: 800,000 × 50 % = 400,000 → 12 booths 360,000 → 300,000; trademark 30,000 × 50 % = 15,000;
    # the project: 315,000 → 300,000 (四(三))
    assert [Decimal(q["amount"]) for q in plan["quote"]["quotes"]] == [300_000, 15_000]
    assert Decimal(plan["quote"]["total"]) == 300_000
    with pytest.raises(DecisionRejectedError, match="exceeds the budget left"):
        await project.decide("select-plan", budget_left="299999.99")
    assert await project.decide("select-plan") == "plan-publicity"  # 4
    assert await project.decide("object") == "plan-publicity"
    ends = await project.publicity_passes("plan")
    assert (await project.status()).stage == "plan-publicity"  # the last day is still open
    await project.decide("rule-objection", MUNICIPAL)  # dismissed
    await project.env.sleep(beijing(ends + timedelta(days=1), 1) - await project.env.get_current_time())
    await wait_for_status(project.gf, project.case_no, lambda s: s.stage == "implementation")
    with pytest.raises(DecisionRejectedError, match=r"payload\.completed_on"):
        await project.decide(
            "apply-disbursement",
            claims=claims,
            completed_on=(await project.today() + timedelta(days=2)).isoformat(),
        )
    today = (await project.today()).isoformat()
    assert (
        await project.decide("apply-disbursement", claims=claims, completed_on=today) == "completeness-review"
    )  # 5
    assert await project.decide("check-completeness") == "compliance-review"  # 6: district, then municipal
    assert await project.decide("review-compliance") == "audit"
    with pytest.raises(DecisionRejectedError, match="above what was claimed"):
        await project.decide("audit", audited_spend=["900000", "30000"])
    assert await project.decide("audit") == "decision"
    [audit] = [e for e in await project.events("SupportQuoted") if e["step"] == "audit"]
    # the audit cuts the booth fees to 500,000: 250,000 (under 360,000 and 300,000); 15,000
    assert Decimal(audit["quote"]["total"]) == 265_000
    assert await project.decide("decide") == "disbursement-publicity"
    [approved] = await project.events("DisbursementApproved")
    assert Decimal(approved["amount"]) == 265_000 and Decimal(approved["annual_cap"]) == 1_000_000
    assert await project.decide("object") == "disbursement-publicity"  # 7
    ends = await project.publicity_passes("disbursement")
    await project.env.sleep(beijing(ends + timedelta(days=2), 9) - await project.env.get_current_time())
    status = await project.status()
    assert (status.stage, status.outcome) == ("disbursement-publicity", None)  # held by the objection
    await project.decide("rule-objection", MUNICIPAL, objection_id="OBJ-1")
    final = await wait_for_status(project.gf, project.case_no, lambda s: s.outcome is not None)
    assert final.outcome == "disbursed"  # 8
    [paid] = [e.data for e in final.history if e.type == "Disbursed"]
    assert (Decimal(paid["amount"]), paid["cut_reason"]) == (Decimal(265_000), None)
    row = await project.pool.fetchrow(
        "SELECT amount FROM subsidy_disbursements WHERE case_no = $1", project.case_no
    )
    assert row is not None
    assert row["amount"] == 265_000
    assert "拨付支持资金265000.00元" in (await project.notice("disbursement"))[1]


async def test_municipal_route_through_the_eight_stages_without_the_district_review(apply: ApplyFor) -> None:
    project = await apply("start-municipal")  # Daxing: the municipal bureau
    with pytest.raises(DecisionRejectedError, match="confirmed by the municipal-bureau"):
        await project.decide("confirm-registration")
    await project.decide("confirm-registration", MUNICIPAL)
    [confirmed] = await project.events("RegistrationConfirmed")
    assert (confirmed["route"], confirmed["body"]) == ("municipal", "北京市商务局")
    claims = await project.claims()
    for claim in claims:
        claim["market"] = "latin-america"  # an emerging market: 70 %
    await project.decide("apply-plan", claims=claims)
    [plan] = await project.events("SupportQuoted")
    # 800,000 × 70 % = 560,000 → 360,000 → 300,000; 30,000 × 70 % = 21,000; the project 321,000 →
    # 300,000 (四(三)); dual-autonomous: no annual cap
    assert (Decimal(plan["quote"]["total"]), plan["quote"]["annual_cap"]) == (Decimal(300_000), None)
    # 三(一) dual-autonomous, 三(三) a fair and a trademark, 三(四) Latin America
    await project.decide("select-plan", priorities=["三(一)", "三(三)", "三(四)"])
    await project.decide("object")  # an objection in the plan window, dismissed
    await project.decide("rule-objection", MUNICIPAL)
    ends = await project.publicity_passes("plan")
    await project.env.sleep(beijing(ends + timedelta(days=1), 1) - await project.env.get_current_time())
    await wait_for_status(project.gf, project.case_no, lambda s: s.stage == "implementation")
    today = (await project.today()).isoformat()
    assert (
        await project.decide("apply-disbursement", claims=claims, completed_on=today) == "compliance-review"
    )
    with pytest.raises(DecisionRejectedError, match="not allowed in stage 'compliance-review'"):
        await project.decide("check-completeness")
    await project.decide("review-compliance")
    await project.decide("audit", audited_spend=[str(c["spend"]) for c in claims])
    await project.decide("decide")
    await project.decide("object")  # and one in the disbursement window, dismissed
    await project.decide("rule-objection", MUNICIPAL)
    ends = await project.publicity_passes("disbursement")
    await project.env.sleep(beijing(ends + timedelta(days=1), 1) - await project.env.get_current_time())
    final = await wait_for_status(project.gf, project.case_no, lambda s: s.outcome is not None)
    [paid] = [e.data for e in final.history if e.type == "Disbursed"]
    assert (final.outcome, Decimal(paid["amount"])) == ("disbursed", Decimal(300_000))


async def test_an_upheld_objection_ends_the_project_and_nothing_is_paid(apply: ApplyFor) -> None:
    project = await apply("start-district")
    await project.decide("confirm-registration")
    await project.decide("apply-plan", claims=await project.claims())
    await project.decide("select-plan")
    await project.decide("object")
    assert (
        await project.decide("rule-objection", MUNICIPAL, upheld=True, findings="展会未实际举办") == "closed"
    )
    final = await project.status()
    assert final.outcome == "objection upheld (plan publicity)"
    assert "异议成立" in (await project.notice("objection-plan"))[1]
    assert (
        await project.pool.fetchval(
            "SELECT count(*) FROM subsidy_disbursements WHERE case_no=$1", project.case_no
        )
        == 0
    )


async def test_a_group_training_project_of_an_organising_unit(apply: ApplyFor) -> None:
    project = await apply("start-group")  # Chaoyang, but an organising unit: the municipal bureau
    await project.decide("confirm-registration", MUNICIPAL)
    training = {
        "item": "training",
        "spend": "80000",
        "incurred_on": (await project.today()).isoformat(),
        "firms": 120,
        "participants": 300,
        "materials_cost": "10000",
    }
    unit = example("subsidy", "start-group")["enterprise"]["uscc"]  # the organising unit itself
    await project.decide("apply-plan", Actor(role="enterprise", id=unit), claims=[training])
    [plan] = await project.events("SupportQuoted")
    # 200 × 300 = 60,000; materials over 10 % of 70,000 cut by 3,000: 57,000 × 50 % = 28,500; no annual cap
    assert (Decimal(plan["quote"]["total"]), plan["quote"]["annual_cap"]) == (Decimal(28_500), None)
    await project.decide("select-plan", selected=False, priorities=[], priority="团体项目预算已满")
    assert (await project.status()).outcome == "not selected"


@pytest.mark.parametrize(("confirmed", "support"), [(True, 100_000), (False, 50_000)])
async def test_a_district_enterprise_s_dual_autonomous_claim_is_for_the_municipal_bureau(
    apply: ApplyFor,
    confirmed: bool,
    support: int,
) -> None:
    project = await apply("start-district", dual_basis="laozihao")  # Haidian, an SME claiming 老字号
    assert await project.decide("confirm-registration") == "dual-confirmation"
    with pytest.raises(DecisionRejectedError, match="may not take decision 'confirm-dual-autonomous'"):
        await project.decide("confirm-dual-autonomous", Actor(role="district-bureau", id="haidian-swj-01"))
    assert await project.decide("confirm-dual-autonomous", confirmed=confirmed) == "plan-application"
    erp = {"item": "erp-docking", "spend": "300000", "incurred_on": (await project.today()).isoformat()}
    await project.decide("apply-plan", claims=[erp])
    [plan] = await project.events("SupportQuoted")
    # 300,000 × 50 % = 150,000 → 十一: dual-autonomous 100,000; an SME only 50,000
    assert Decimal(plan["quote"]["total"]) == support
    met = ["三(一)"] if confirmed else []  # the dual-autonomous status as the municipal bureau found it
    await project.decide("select-plan", selected=False, priorities=met, priority="预算已满")  # ends the case


async def test_a_project_the_rules_give_nothing_cannot_be_selected(apply: ApplyFor) -> None:
    project = await apply("start-district")  # an SME
    await project.decide("confirm-registration")
    website = {"item": "website", "spend": "60000", "incurred_on": (await project.today()).isoformat()}
    await project.decide("apply-plan", claims=[website])
    [plan] = await project.events("SupportQuoted")
    assert "中小外贸企业不可申报" in plan["quote"]["quotes"][0]["refused"]
    with pytest.raises(DecisionRejectedError, match="no support"):
        await project.decide("select-plan")
    assert (
        await project.decide(
            "select-plan", selected=False, priorities=[], priority="附件1：中小外贸企业不可申报"
        )
        == "closed"
    )
