"""The subsidy paths tests/histories/record_subsidy.py records run to their ends and replay on
this code with the patches' markers in them (附件2 五 当年 on the filing day; 五(三) routing)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from govflow.client import Govflow
from tests.histories.record_subsidy import record_subsidy
from tests.workflows.test_replay import replayer
from workers.codec import data_converter
from workers.settings import Settings

pytestmark = pytest.mark.workflow


@pytest.fixture
def converter(state_dir: Path) -> DataConverter:
    return data_converter(Settings(GOVFLOW_STATE_DIR=state_dir))


async def test_the_recorded_subsidy_paths_end_where_the_gazette_says_and_replay(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    converter: DataConverter,
) -> None:
    (december_name, december), (service_name, service) = await record_subsidy(time_skipping_env, gf)
    assert (december_name, service_name) == (
        "subsidy__december-filing-january-audit",
        "subsidy__service-enterprise-district-disbursement",
    )
    final = await gf.status(december)
    [paid] = [e.data for e in final.history if e.type == "Disbursed"]
    # 附件2 五 judged on 20 December: fair 200,000 × 50 % = 100,000 + trademark 15,000; the
    # advertisement outside the plan refused (五(二), 五(三))
    assert (final.outcome, Decimal(paid["amount"])) == ("disbursed", Decimal(115_000))
    assert (await gf.status(service)).stage == "compliance-review"
    for case_no in (december, service):
        history = await time_skipping_env.client.get_workflow_handle(case_no).fetch_history()
        result = await replayer(converter).replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None, result.replay_failure
    await gf.close()
