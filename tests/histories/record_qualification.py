"""Histories of the foreign qualification verification (京人社事业发〔2021〕33号 附件2), for
`tests/histories/record.py` to keep: accepted, the foreign issuer chased, answered authentic
(a code made and delivered; the history holds its reference only); a qualification outside the
catalog refused when the case opens; the promise passed and escalated, then a late answer of
not authentic; refused for false materials (四)."""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from domain.calendar import start_of_day
from domain.case import Actor
from domain.qualification import VerificationRequest
from govflow.client import Govflow
from tests.helpers import example, wait_for_status, wait_until_opened

OFFICER = Actor(role="verification-officer", id="platform-01")
FOLDER = "qualification-verification"


def _request(name: str = "start", **changes: object) -> VerificationRequest:
    return VerificationRequest.model_validate(example(FOLDER, name) | changes)


def _payload(name: str) -> dict[str, object]:
    payload: dict[str, object] = example(FOLDER, name)["payload"]
    return payload


async def record_qualification(env: WorkflowEnvironment, gf: Govflow) -> list[tuple[str, str]]:
    # 附件2 二、三: accepted (10 working days), chased before the promise ends, authentic.
    authentic = await gf.start_case(FOLDER, _request(certificate_no="REC-QV-0001"))
    await wait_until_opened(gf, authentic.case_no)
    await gf.decide(authentic.case_no, "accept", OFFICER, _payload("accept"), request_id="qv1")
    [clock] = (await gf.status(authentic.case_no)).deadlines
    await env.sleep(start_of_day(clock.due) + timedelta(minutes=5) - await env.get_current_time())
    await wait_for_status(gf, authentic.case_no, lambda s: any(e.type == "ClockReminded" for e in s.history))
    await gf.decide(authentic.case_no, "record-answer", OFFICER, _payload("record-answer"), request_id="qv2")
    await gf.result(authentic.case_no)

    # 附件2 二: a qualification outside the catalog is refused when the case opens.
    outside = await gf.start_case(FOLDER, _request("start-outside-catalog", certificate_no="REC-QV-0002"))
    await wait_for_status(gf, outside.case_no, lambda s: s.outcome is not None)
    await gf.result(outside.case_no)

    # 附件2 二: the promise (3 calendar days) passes unanswered: escalated; a late answer.
    late = await gf.start_case(FOLDER, _request(certificate_no="REC-QV-0003"))
    await wait_until_opened(gf, late.case_no)
    await gf.decide(
        late.case_no,
        "accept",
        OFFICER,
        _payload("accept") | {"length": 3, "unit": "calendar-days"},
        request_id="qv3",
    )
    [clock] = (await gf.status(late.case_no)).deadlines
    await env.sleep(
        start_of_day(clock.due + timedelta(days=1)) + timedelta(minutes=5) - await env.get_current_time()
    )
    await wait_for_status(gf, late.case_no, lambda s: any(e.type == "Escalated" for e in s.history))
    await gf.decide(
        late.case_no, "record-answer", OFFICER, _payload("record-answer--not-authentic"), request_id="qv4"
    )
    await gf.result(late.case_no)

    # 附件2 四: false materials.
    false = await gf.start_case(FOLDER, _request(certificate_no="REC-QV-0004"))
    await wait_until_opened(gf, false.case_no)
    await gf.decide(false.case_no, "refuse", OFFICER, _payload("refuse"), request_id="qv5")
    await gf.result(false.case_no)

    return [
        ("qualification-verification__authentic-chased", authentic.case_no),
        ("qualification-verification__outside-catalog", outside.case_no),
        ("qualification-verification__escalated-not-authentic", late.case_no),
        ("qualification-verification__false-materials", false.case_no),
    ]
