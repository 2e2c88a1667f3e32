"""The HR service park's paths, run as tests/histories/record_hr_park.py records them, replay
on today's code (their kept histories are recorded by the lead from the same function)."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.common import HeaderCodecBehavior
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from govflow.client import Govflow
from tests.conftest import own_time_skipping_server
from tests.histories.record_hr_park import record_hr_park
from workers.codec import data_converter
from workers.registry import workflow_classes
from workers.settings import Settings

pytestmark = pytest.mark.workflow


# This module's own server: its parks sleep years (第十条's 3-yearly evaluations).
time_skipping_env, time_skipping_worker = own_time_skipping_server()


async def test_the_recorded_park_paths_run_to_their_ends_and_replay(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    state_dir: Path,
) -> None:
    """第九条3 titled after an objection dismissed; 第十、十二条 unqualified and rectified; 第十二条 revoked."""
    recorded = await record_hr_park(time_skipping_env, gf)
    states = {name: ((s := await gf.status(case_no)).stage, s.outcome) for name, case_no in recorded}
    assert states == {
        "hr-park__designated-evaluated-rectified": ("designated", None),  # the park lives on
        "hr-park__evaluation-revoked": ("closed", "revoked"),
    }
    replayer = Replayer(
        workflows=workflow_classes(),
        data_converter=data_converter(Settings(GOVFLOW_STATE_DIR=state_dir)),
        header_codec_behavior=HeaderCodecBehavior.CODEC,
    )
    for name, case_no in recorded:
        history = await time_skipping_env.client.get_workflow_handle(case_no).fetch_history()
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None, (name, result.replay_failure)
