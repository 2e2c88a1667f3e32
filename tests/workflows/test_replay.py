"""Replay safety: the histories kept under tests/histories replay on today's code.

A failure here means a case already running in production would break on deploy: put the
change behind `workflow.patched(...)` instead of re-recording the history.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from domain.demo import DemoApplication
from govflow.client import Govflow
from tests.helpers import CLERK, REVIEWER, example, wait_until_opened
from workers.registry import workflow_classes
from workers.settings import Settings

HISTORIES = sorted((Path(__file__).resolve().parent.parent / "histories").glob("*.json"))

pytestmark = pytest.mark.workflow


def replayer() -> Replayer:
    return Replayer(workflows=workflow_classes(), data_converter=pydantic_data_converter)


def test_every_procedure_has_a_kept_history() -> None:
    kept = {path.name.split("__")[0] for path in HISTORIES}  # WORKFLOW__PATH.json
    assert {w.__temporal_workflow_definition.name for w in workflow_classes()} <= kept


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_kept_history_replays_without_nondeterminism(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text(encoding="utf-8"))
    result = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


async def test_a_case_just_run_replays_on_the_same_code(
    time_skipping_env: WorkflowEnvironment, time_skipping_worker: Worker, settings: Settings
) -> None:
    gf = Govflow(time_skipping_env.client, settings, clock=time_skipping_env.get_current_time)
    application = DemoApplication.model_validate(example("demo", "start"))
    ref = await gf.start_case("demo", application)
    await wait_until_opened(gf, ref.case_no)
    await gf.decide(ref.case_no, "accept", CLERK)
    await gf.decide(ref.case_no, "refuse", REVIEWER, {"reason": "材料不实"})
    await gf.result(ref.case_no)
    history = await time_skipping_env.client.get_workflow_handle(ref.case_no).fetch_history()
    result = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
