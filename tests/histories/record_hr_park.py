"""Histories of the HR service industrial park (京人社市场发〔2021〕35号), for
`tests/histories/record.py` to keep: a park titled after an objection was dismissed (第九条3),
evaluated 3 years on as unqualified and rectified in time (第十、十二条), with the district's
measures filed (第五条), left running in `designated`; and a park whose title an evaluation
revokes (第十二条).

It sleeps the server past the parks' third anniversary: call it last (after the recordings that
move the clock to December and January), or the other running cases' clocks run out with it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from domain.calendar import local_date
from domain.case import Actor
from domain.hr_park import ParkApplication
from domain.identifiers import uscc_check_character
from govflow.client import Govflow
from tests.helpers import example, wait_for_status, wait_until_opened

BUREAU = Actor(role="hr-bureau", id="market-01")
DISTRICT = Actor(role="district-hr", id="haidian-hr-01")
PUBLIC = Actor(role="public", id="objector-01")


def _application(serial: int) -> ParkApplication:
    body = f"911101080000{serial:05d}"
    operator = {"uscc": body + uscc_check_character(body), "name": f"记录用园区运营有限公司{serial}"}
    return ParkApplication.model_validate(example("hr-park", "start") | {"operator": operator})


def _payload(name: str, **changes: object) -> dict[str, object]:
    payload: dict[str, object] = example("hr-park", name)["payload"]
    return payload | changes


async def record_hr_park(env: WorkflowEnvironment, gf: Govflow) -> list[tuple[str, str]]:
    kept = await gf.start_case("hr-park", _application(1))
    revoked = await gf.start_case("hr-park", _application(2))
    for ref, tag in ((kept, "k"), (revoked, "r")):
        await wait_until_opened(gf, ref.case_no)
        await gf.decide(
            ref.case_no, "check-materials", BUREAU, _payload("check-materials"), request_id=f"{tag}1"
        )
        await gf.decide(ref.case_no, "assess", BUREAU, _payload("assess"), request_id=f"{tag}2")
    await gf.decide(kept.case_no, "object", PUBLIC, _payload("object"), request_id="k3")
    await gf.decide(kept.case_no, "rule-objection", BUREAU, _payload("rule-objection"), request_id="k4")
    await env.sleep(timedelta(days=9))  # 第九条3: the 7 days are over; both titled
    for ref in (kept, revoked):
        await wait_for_status(gf, ref.case_no, lambda s: s.stage == "designated")
    await gf.decide(
        kept.case_no, "file-district-measures", DISTRICT, _payload("file-district-measures"), request_id="k5"
    )
    await env.sleep(timedelta(days=3 * 366))  # 第十条: past the third anniversary
    for ref in (kept, revoked):
        await wait_for_status(gf, ref.case_no, lambda s: s.stage == "evaluation")
    today = local_date(await env.get_current_time())
    await gf.decide(
        kept.case_no,
        "evaluate",
        BUREAU,
        _payload("evaluate--unqualified", rectify_by=(today + timedelta(days=45)).isoformat()),
        request_id="k6",
    )
    await env.sleep(timedelta(days=20))
    await gf.decide(kept.case_no, "recheck", BUREAU, _payload("recheck"), request_id="k7")
    await wait_for_status(gf, kept.case_no, lambda s: s.stage == "designated")
    await gf.decide(revoked.case_no, "evaluate", BUREAU, _payload("evaluate--revoked"), request_id="r3")
    await gf.result(revoked.case_no)
    return [
        ("hr-park__designated-evaluated-rectified", kept.case_no),
        ("hr-park__evaluation-revoked", revoked.case_no),
    ]
