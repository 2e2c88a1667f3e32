"""The auction-permit family's new paths, run as tests/histories/record_permit.py records them,
replay on today's code (their kept histories are recorded by the lead from the same function)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.common import HeaderCodecBehavior
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from govflow.client import Govflow
from tests.histories.record_permit import record_permit
from workers.codec import data_converter
from workers.registry import workflow_classes
from workers.settings import Settings

pytestmark = pytest.mark.workflow


async def test_the_recorded_permit_paths_run_to_their_ends_and_replay(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    state_dir: Path,
) -> None:
    """二(一)1 district refused; 国办发〔2020〕42号 route changed; 三(一) window escalated, then
    reported by a round; 五 objection decided by the economy bureau."""
    recorded = await record_permit(time_skipping_env, gf)
    outcomes = {name: (await gf.status(case_no)).outcome for name, case_no in recorded}
    assert outcomes == {
        "auction-permit__district-refused": "not consented by the district",
        "auction-permit__route-changed-with-basis": "granted",
        "auction-permit__commitment-window-escalated": "granted",
        "spot-check__reports-to-the-permit-case": "published",
        "credit-record__objection-by-economy-bureau": None,  # a record never closes
    }
    watched = await gf.status(dict(recorded)["auction-permit__commitment-window-escalated"])
    assert [(d.name, d.state) for d in watched.deadlines] == [("spot-check", "breached")]
    kinds = [e.type for e in watched.history]
    assert kinds.index("ClockBreached") < kinds.index("SpotCheckReported") < kinds.index("CaseClosed")
    assert "ClockCompletedLate" in kinds
    replayer = Replayer(
        workflows=workflow_classes(),
        data_converter=data_converter(Settings(GOVFLOW_STATE_DIR=state_dir)),
        header_codec_behavior=HeaderCodecBehavior.CODEC,
    )
    for name, case_no in recorded:
        history = await time_skipping_env.client.get_workflow_handle(case_no).fetch_history()
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None, (name, result.replay_failure)
