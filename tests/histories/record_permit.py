"""Histories of the auction-permit family's new paths (京商流通字〔2021〕9号), for
`tests/histories/record.py` to keep: the district's non-consent (二(一)1), the credit gate
naming its basis (国办发〔2020〕42号), the commitment window escalated and then reported by a
round (三(一)), and an objection decided by the economy bureau (五).

Each applicant has a code of its own, so that no other recording's credit entries reach
these cases' credit gate.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from domain.calendar import local_date
from domain.case import Actor
from domain.credit import CreditSubject
from domain.identifiers import uscc_check_character
from domain.permit import PermitApplication
from domain.spot_check import Candidate, SpotCheckRound
from govflow.client import Govflow
from tests.helpers import example, wait_for_status, wait_until_opened

DISTRICT = Actor(role="district-officer", id="chaoyang-01")
WINDOW = Actor(role="window-officer", id="w")
REVIEWER = Actor(role="reviewer", id="r")
CREDIT_OFFICER = Actor(role="credit-officer", id="c")
ECONOMY_BUREAU = Actor(role="economy-bureau", id="jxj-01")


def _uscc(serial: int) -> str:
    body = f"911101050000{serial:05d}"
    return body + uscc_check_character(body)


def _application(route: str, uscc: str, **changes: object) -> PermitApplication:
    document = example("auction-permit", f"start-{route}") | {
        "applicant": {"uscc": uscc, "name": "记录用拍卖有限公司"},
        **changes,
    }
    return PermitApplication.model_validate(document)


async def record_permit(env: WorkflowEnvironment, gf: Govflow) -> list[tuple[str, str]]:
    today = local_date(await env.get_current_time())

    # 二(一)1: the district does not consent; the case ends before the bureau.
    refused = await gf.start_case("auction-permit", _application("general", _uscc(1), district="chaoyang"))
    await wait_until_opened(gf, refused.case_no)
    await gf.decide(
        refused.case_no,
        "district-consent",
        DISTRICT,
        {"consented": False, "opinion": "经营场所与登记不符"},
        request_id="pd1",
    )
    await gf.result(refused.case_no)

    # 国办发〔2020〕42号: a severe entry sends the applicant to the general route, told why;
    # 二(一)1: the window accepts with a 受理通知书.
    barred_uscc = _uscc(2)
    record = await gf.start_case("credit-record", CreditSubject(uscc=barred_uscc, name="记录用拍卖有限公司"))
    await wait_until_opened(gf, record.case_no)
    await gf.decide(
        record.case_no,
        "record-breach",
        CREDIT_OFFICER,
        {"breach_id": "SEVERE-1", "found_on": today.isoformat(), "grade": "severe", "matter": "licence"},
        request_id="pb1",
    )
    barred = await gf.start_case("auction-permit", _application("commitment", barred_uscc))
    await wait_until_opened(gf, barred.case_no)
    await gf.decide(
        barred.case_no, "district-consent", DISTRICT, {"consented": True, "opinion": "同意"}, request_id="pb2"
    )
    await gf.decide(barred.case_no, "receive", WINDOW, {"complete": True}, request_id="pb3")
    await gf.decide(barred.case_no, "grant", REVIEWER, {"certificate_no": "京拍2026-0901"}, request_id="pb4")
    await gf.result(barred.case_no)

    # 五: an objection with its evidence, decided by 市经济信息化部门 with the evidence stated.
    await gf.decide(
        record.case_no,
        "object",
        Actor(role="applicant", id=barred_uscc),
        {"breach_id": "SEVERE-1", "reasons": "认定有误", "evidence": "登记机关更正证明"},
        request_id="pb5",
    )
    await gf.decide(
        record.case_no,
        "decide-objection",
        ECONOMY_BUREAU,
        {"breach_id": "SEVERE-1", "upheld": True, "reason": "异议成立", "evidence": "登记机关更正证明"},
        request_id="pb6",
    )

    # 一, 三(一): the one-time 告知; decided on the spot; the 3 months pass unchecked and are
    # escalated; a round then checks the certificate and the case closes.
    watched_uscc = _uscc(3)
    watched = await gf.start_case("auction-permit", _application("commitment", watched_uscc))
    await wait_until_opened(gf, watched.case_no)
    await gf.decide(
        watched.case_no,
        "district-consent",
        DISTRICT,
        {"consented": True, "opinion": "同意"},
        request_id="pw1",
    )
    await gf.decide(watched.case_no, "formal-review", WINDOW, {"compliant": True}, request_id="pw2")
    await env.sleep(timedelta(days=95))  # more than 3 months: escalated
    spot = await gf.start_case(
        "spot-check",
        SpotCheckRound(
            round_name="记录用抽查（许可案件）",
            seed="record-permit-seed",
            sampling_rate=1.0,
            inspectors=("i1", "i2", "i3"),
            candidates=(
                Candidate(
                    uscc=watched_uscc,
                    name="记录用拍卖有限公司",
                    permit_case_no=watched.case_no,
                    certificate_no=f"BJPM-{watched.case_no}",
                    decided_on=today,
                ),
            ),
        ),
    )
    drawn = await wait_for_status(gf, spot.case_no, lambda s: any(e.type == "DrawMade" for e in s.history))
    inspector = next(e for e in drawn.history if e.type == "DrawMade").data["checks"][0]["inspectors"][0]
    await gf.decide(
        spot.case_no,
        "record-finding",
        Actor(role="inspector", id=inspector),
        {"entity": watched_uscc, "outcome": "true", "findings": "材料核对一致"},
        request_id="pw3",
    )
    await gf.result(watched.case_no)
    await gf.result(spot.case_no)
    return [
        ("auction-permit__district-refused", refused.case_no),
        ("auction-permit__route-changed-with-basis", barred.case_no),
        ("auction-permit__commitment-window-escalated", watched.case_no),
        ("spot-check__reports-to-the-permit-case", spot.case_no),
        ("credit-record__objection-by-economy-bureau", record.case_no),
    ]
