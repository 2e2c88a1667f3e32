"""Every workflow, activity, update and query payload survives the project's data converter."""

from datetime import UTC, date, datetime

import pytest
from pydantic import BaseModel
from temporalio.contrib.pydantic import pydantic_data_converter

from activities.models import AppendEvents, Escalate, IssueNotice, RecordVerification
from domain.beijing import District
from domain.case import (
    Actor,
    CaseEvent,
    CaseStatus,
    Deadline,
    DecisionAccepted,
    DecisionRequest,
)
from domain.demo import DemoApplication, DemoOpening, Enterprise

AT = datetime(2026, 9, 28, 2, 30, tzinfo=UTC)
ACTOR = Actor(role="clerk", id="c-1")
EVENT = CaseEvent(seq=1, at=AT, type="CaseOpened", actor="system:govflow", data={"a": [1, "二"]})
APPLICATION = DemoApplication(
    applicant=Enterprise(uscc="91110108MA01ABCD1E", name="北京示例科技有限公司"),
    district=District.HAIDIAN,
    subject="示范",
    materials=("申请书",),
)

SAMPLES: list[BaseModel] = [
    DemoOpening(case_no="DEMO-2026-000001", received_at=AT, application=APPLICATION),
    DecisionRequest(request_id="r", decision="accept", actor=ACTOR, payload={"note": "齐全"}),
    DecisionAccepted(case_no="DEMO-2026-000001", request_id="r", decision="accept", stage="review"),
    CaseStatus(
        case_no="DEMO-2026-000001",
        procedure="demo",
        stage="review",
        applicant_id="x",
        district=District.HAIDIAN,
        opened_at=AT,
        deadlines=(Deadline(name="review", article="§2", due=date(2026, 10, 8), state="running"),),
        history=(EVENT,),
    ),
    AppendEvents(case_no="DEMO-2026-000001", events=(EVENT,)),
    IssueNotice(
        case_no="C",
        seq=2,
        at=AT,
        actor=ACTOR,
        step="accepted",
        template="t",
        recipient="r",
        context={"due": "2026-10-08"},
    ),
    Escalate(
        case_no="C",
        seq=3,
        at=AT,
        clock="review",
        article="§2",
        due=date(2026, 10, 8),
        supervising_body="b",
        reason="r",
    ),
    RecordVerification(case_no="C", seq=4, at=AT, actor=ACTOR, step="s", result="confirmed", evidence=""),
]


@pytest.mark.parametrize("value", SAMPLES, ids=lambda v: type(v).__name__)
async def test_payload_round_trips_through_the_pydantic_converter(value: BaseModel) -> None:
    payloads = await pydantic_data_converter.encode([value])
    [decoded] = await pydantic_data_converter.decode(payloads, [type(value)])
    assert decoded == value
