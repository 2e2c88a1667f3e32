"""The complaint paths added for the gazette's reading (京商函字〔2021〕1056号): refused before
complete materials (第十一条), a department added after acceptance with its own letter clock
(第十二条(三)), an excused absence (第十五条(六)), a settlement not performed (第十四条), and
an appeal of a municipal case referred to the national centre (第十七条). Wired into
tests/histories/record.py by the lead."""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from domain.calendar import local_date
from domain.case import Actor
from domain.complaint import ComplaintFiling
from govflow.client import Govflow
from tests.helpers import example, wait_until_opened

RECEPTION = Actor(role="receiving-officer", id="recv-01")
OFFICER = Actor(role="handling-officer", id="hand-02")


async def record_complaint(env: WorkflowEnvironment, gf: Govflow) -> list[tuple[str, str]]:
    today = local_date(await env.get_current_time()).isoformat()

    async def start(name: str, **changes: object) -> str:
        document = example("complaint", name) | {"received_on": today} | changes
        ref = await gf.start_case("complaint", ComplaintFiling.model_validate(document))
        await wait_until_opened(gf, ref.case_no)
        return ref.case_no

    refused = await start("start-incomplete")
    await gf.decide(
        refused, "not-accept", RECEPTION, {"ground": 1, "explanation": "内资企业"}, request_id="r1"
    )
    await gf.result(refused)

    handled = await start("start")
    await gf.decide(handled, "accept", RECEPTION, {"departments": ["市某局"]}, request_id="h1")
    await gf.decide(
        handled, "add-department", OFFICER, {"department": "区某局", "reason": "涉及"}, request_id="h2"
    )
    for n, department in enumerate(("市某局", "区某局")):
        await gf.decide(
            handled,
            "send-letter",
            OFFICER,
            {"department": department, "matters": "请提出意见"},
            request_id=f"l{n}",
        )
        await gf.decide(
            handled,
            "department-reply",
            OFFICER,
            {"department": department, "opinion": "已办理"},
            request_id=f"d{n}",
        )
    await gf.decide(handled, "contact", OFFICER, {"means": "电话"}, request_id="h3")
    await env.sleep(timedelta(days=5))
    await gf.decide(handled, "excuse-absence", OFFICER, {"reason": "住院"}, request_id="h4")
    settlement = {
        "way": "settlement",
        "summary": "和解",
        "settled_matters": "备案",
        "settled_results": "办结",
    }
    await gf.decide(handled, "resolve", OFFICER, settlement, request_id="h5")
    await gf.decide(handled, "report-non-performance", OFFICER, {"summary": "未备案"}, request_id="h6")
    await gf.decide(
        handled, "resolve", OFFICER, {"way": "coordination", "summary": "已办理"}, request_id="h7"
    )
    await gf.decide(handled, "terminate", OFFICER, {"ground": 1, "explanation": "同意终结"}, request_id="h8")
    await gf.decide(handled, "notify-result", OFFICER, {"result": "已解决"}, request_id="h9")
    await gf.result(handled)

    original = await start("start")
    await gf.decide(
        original, "not-accept", RECEPTION, {"ground": 5, "explanation": "缺乏依据"}, request_id="o1"
    )
    await gf.result(original)
    appeal = await start("start", appeal_of=original)
    await gf.result(appeal)
    return [
        ("complaint__refused-before-supplement", refused),
        ("complaint__department-added-excused-unperformed", handled),
        ("complaint__appeal-referred-to-national-centre", appeal),
    ]
