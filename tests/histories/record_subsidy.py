"""The subsidy paths of 京商财务字〔2021〕33号 read closely, for the replay tests (wired into
`tests/histories/record.py` by the lead).

- `subsidy__december-filing-january-audit`: a Haidian SME's project filed for disbursement on
  20 December with a claim the plan did not list (refused, 五(二)/五(三)), audited and decided in
  January with the trademark judged on the filing day (附件2 五), then paid.
- `subsidy__service-enterprise-district-disbursement`: a Haidian comprehensive service enterprise,
  registered with the municipal bureau (五(一)1), files its disbursement with the Haidian bureau
  (五(三), 五(四)1); left running in `compliance-review`.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta
from typing import Any

from temporalio.testing import WorkflowEnvironment

from domain.calendar import SHANGHAI, local_date
from domain.subsidy_pipeline import SubsidyApplication
from govflow.client import Govflow
from tests.helpers import example, example_actor, wait_for_status, wait_until_opened


async def record_subsidy(env: WorkflowEnvironment, gf: Govflow) -> list[tuple[str, str]]:
    """Two paths: a December filing through a January audit; a service enterprise's district route."""
    today = local_date(await env.get_current_time())
    if today > date(today.year, 12, 5):  # leave room for the plan's 7 days before 20 December
        await _sleep_to(env, date(today.year + 1, 1, 5))
    december = await _december_filing(env, gf)
    service = await _service_enterprise(env, gf)
    return [december, service]


async def _sleep_to(env: WorkflowEnvironment, day: date, hour: int = 10) -> None:
    await env.sleep(datetime.combine(day, time(hour), SHANGHAI) - await env.get_current_time())


def _claims(today: date) -> list[dict[str, Any]]:
    claims: list[dict[str, Any]] = copy.deepcopy(example("subsidy", "apply-plan")["payload"]["claims"])
    for claim in claims:
        claim["incurred_on"] = (today - timedelta(days=40)).isoformat()
        if "certificate_on" in claim:
            claim["certificate_on"] = today.isoformat()
    claims[0]["spend"] = "200000"
    return claims


async def _start(env: WorkflowEnvironment, gf: Govflow, **enterprise: object) -> str:
    document = copy.deepcopy(example("subsidy", "start-district"))
    document["enterprise"].update(enterprise)
    document["year"] = local_date(await env.get_current_time()).year
    project = await gf.start_case("subsidy", SubsidyApplication.model_validate(document))
    await wait_until_opened(gf, project.case_no)
    return str(project.case_no)


async def _decide(gf: Govflow, case_no: str, step: str, actor: str | None = None, **changes: object) -> None:
    document = example("subsidy", step)
    await gf.decide(
        case_no,
        step,
        example_actor("subsidy", actor or step),
        document["payload"] | changes,
        request_id=f"{case_no}-{step}",
    )


async def _planned(env: WorkflowEnvironment, gf: Govflow, case_no: str, claims: list[dict[str, Any]]) -> None:
    await _decide(gf, case_no, "apply-plan", claims=claims)
    await _decide(gf, case_no, "select-plan", priorities=["三(三)"])
    await env.sleep(timedelta(days=9))
    await wait_for_status(gf, case_no, lambda s: s.stage == "implementation")


async def _december_filing(env: WorkflowEnvironment, gf: Govflow) -> tuple[str, str]:
    case_no = await _start(env, gf)
    await _decide(gf, case_no, "confirm-registration")
    today = local_date(await env.get_current_time())
    claims = _claims(today)
    await _planned(env, gf, case_no, claims)
    filed = date(today.year, 12, 20)
    await _sleep_to(env, filed)
    advert = {
        "item": "overseas-advertising",
        "spend": "60000",
        "medium": "magazine",
        "incurred_on": claims[0]["incurred_on"],
    }
    await _decide(gf, case_no, "apply-disbursement", claims=[*claims, advert], completed_on=filed.isoformat())
    await _sleep_to(env, date(today.year + 1, 1, 6))
    await _decide(gf, case_no, "check-completeness")
    await _decide(gf, case_no, "review-compliance")
    await _decide(gf, case_no, "audit", audited_spend=["200000", "30000", "60000"])
    await _decide(gf, case_no, "decide")
    await env.sleep(timedelta(days=9))
    await gf.result(case_no)
    return ("subsidy__december-filing-january-audit", case_no)


async def _service_enterprise(env: WorkflowEnvironment, gf: Govflow) -> tuple[str, str]:
    case_no = await _start(env, gf, trade_usd_last_year=90_000_000, comprehensive_service=True)
    await _decide(gf, case_no, "confirm-registration", "confirm-registration--municipal")
    today = local_date(await env.get_current_time())
    await _planned(env, gf, case_no, _claims(today))
    await _decide(gf, case_no, "apply-disbursement", claims=_claims(today), completed_on=today.isoformat())
    await _decide(gf, case_no, "check-completeness")  # the Haidian bureau (五(四)1)
    await wait_for_status(gf, case_no, lambda s: s.stage == "compliance-review")
    return ("subsidy__service-enterprise-district-disbursement", case_no)
