"""examples/spot-check as printed on the time-skipping server: the round started from start.json
draws what its seed fixes, and record-finding.json, sent by the inspector actors.json names, is
taken; the check concludes and the round publishes its results."""

from __future__ import annotations

import pytest

from govflow.client import Govflow
from tests.conftest import own_time_skipping_server
from tests.helpers import example, example_actor, wait_for_status

pytestmark = pytest.mark.workflow


# This module's own server: the example round tells the permit cases its candidates name
# (AUCP-2026-000001, …), which on the session's server may be other modules' cases.
time_skipping_env, time_skipping_worker = own_time_skipping_server()


async def test_the_example_round_takes_the_finding_file_as_printed(gf: Govflow) -> None:
    round_ = gf.parse_application("spot-check", example("spot-check", "start"))
    case_no = (await gf.start_case("spot-check", round_)).case_no
    status = await wait_for_status(gf, case_no, lambda s: any(e.type == "DrawMade" for e in s.history))
    [made] = [e.data for e in status.history if e.type == "DrawMade"]
    assert made["seed"] == example("spot-check", "start")["seed"]

    finding = example("spot-check", "record-finding")
    taken = await gf.decide(
        case_no, "record-finding", example_actor("spot-check", "record-finding"), finding["payload"]
    )
    assert taken.decision == "record-finding"
    closed = await wait_for_status(gf, case_no, lambda s: s.outcome is not None)
    assert (closed.stage, closed.outcome) == ("closed", "published")
    [recorded] = [e.data for e in closed.history if e.type == "FindingRecorded"]
    assert recorded["entity"] == finding["payload"]["entity"]
