"""What the workflow tests share: a client of the time-skipping server whose every request is
signed for its actor, with the worker of the tests polling."""

from __future__ import annotations

import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from govflow.client import Govflow
from tests.helpers import dev_tokens
from workers.settings import Settings


@pytest.fixture
async def gf(
    time_skipping_env: WorkflowEnvironment, time_skipping_worker: Worker, settings: Settings
) -> Govflow:
    return Govflow(
        time_skipping_env.client,
        settings,
        tokens=dev_tokens(settings),
        clock=time_skipping_env.get_current_time,
    )
