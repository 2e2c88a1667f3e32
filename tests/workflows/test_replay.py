"""Replay safety: the histories kept under tests/histories replay on today's code.

A failure here means a case already running in production would break on deploy: put the
change behind `workflow.patched(...)` instead of re-recording the history.

The replayer has the converter every worker has (payloads encrypted with the data key ring,
workers.codec): the kept histories were recorded in clear, like every case started before
payloads were encrypted, and pass through it; a case recorded with encrypted payloads replays
too.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.common import HeaderCodecBehavior
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from domain.demo import DemoApplication
from govflow.client import Govflow
from tests.helpers import CLERK, REVIEWER, example, wait_until_opened
from workers.codec import codec_payloads, data_converter, is_encrypted, payloads_in, plaintext_history
from workers.registry import workflow_classes
from workers.settings import Settings

HISTORIES = sorted((Path(__file__).resolve().parent.parent / "histories").glob("*.json"))

pytestmark = pytest.mark.workflow


def replayer(converter: DataConverter) -> Replayer:
    return Replayer(
        workflows=workflow_classes(),
        data_converter=converter,
        header_codec_behavior=HeaderCodecBehavior.CODEC,
    )


@pytest.fixture(scope="module")
def converter(state_dir: Path) -> DataConverter:
    """The workers' converter, with the tests' key ring."""
    return data_converter(Settings(GOVFLOW_STATE_DIR=state_dir))


def test_every_procedure_has_a_kept_history() -> None:
    kept = {path.name.split("__")[0] for path in HISTORIES}  # WORKFLOW__PATH.json
    assert {w.__temporal_workflow_definition.name for w in workflow_classes()} <= kept


def recorded_case_no(history_json: str) -> str | None:
    """The workflow id the history ran under, as its first `CaseNo` search attribute says: a
    case may derive facts from its own number (a certificate number from the case number), so
    it replays under the id it ran under, not the file's name."""
    for event in json.loads(history_json)["events"]:
        for key in (
            "workflowExecutionStartedEventAttributes",
            "upsertWorkflowSearchAttributesEventAttributes",
        ):
            fields = event.get(key, {}).get("searchAttributes", {}).get("indexedFields", {})
            if "CaseNo" in fields:
                value = json.loads(base64.b64decode(fields["CaseNo"]["data"]))
                return value if isinstance(value, str) else None
    return None


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.stem)
async def test_kept_history_replays_without_nondeterminism(path: Path, converter: DataConverter) -> None:
    text = path.read_text(encoding="utf-8")
    history = WorkflowHistory.from_json(recorded_case_no(text) or path.stem, text)
    # Recorded in clear: the codec lets its payloads through as they are.
    assert not any(is_encrypted(p) for event in history.events for p in payloads_in(event))
    result = await replayer(converter).replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure


async def test_a_case_just_run_replays_on_the_same_code(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    converter: DataConverter,
) -> None:
    application = DemoApplication.model_validate(example("demo", "start"))
    ref = await gf.start_case("demo", application)
    await wait_until_opened(gf, ref.case_no)
    await gf.decide(ref.case_no, "accept", CLERK)
    await gf.decide(ref.case_no, "refuse", REVIEWER, {"reason": "材料不实"})
    await gf.result(ref.case_no)
    history = await time_skipping_env.client.get_workflow_handle(ref.case_no).fetch_history()
    # Recorded with encrypted payloads: every one the codec sees (not headers, search attributes
    # or patch markers) ...
    sent = [p for e in history.events for p in codec_payloads(e)]
    assert sent and all(is_encrypted(p) for p in sent)
    # ... it replays with the workers' converter, which holds the key ...
    result = await replayer(converter).replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
    # ... and not without it: the replayer really reads what the codec decrypted.
    plain = await replayer(pydantic_data_converter).replay_workflow(history, raise_on_replay_failure=False)
    assert plain.replay_failure is not None
    # Kept as tests/histories/record.py keeps it (decrypted), it replays without the key.
    kept = plaintext_history(history, converter)
    assert not any(is_encrypted(p) for event in kept.events for p in payloads_in(event))
    result = await replayer(pydantic_data_converter).replay_workflow(kept, raise_on_replay_failure=False)
    assert result.replay_failure is None, result.replay_failure
