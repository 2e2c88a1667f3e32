"""The intake hands over to its next run under a steady stream of filings.

The intake continues as new after CONTINUE_AFTER filings, once no filing is under way. With
filings arriving all the time some handler was always under way: the hand-over never came, and
the server refused every update past 2,000 a run (bench/open_cases.py met it at a few thousand
cases). Past CONTINUE_AFTER the validator now refuses new filings (IntakeHandingOverError,
nothing written) and the SDK sends them again: the run drains, hands over, and the next run
takes them, each with a number of its own.
"""

from __future__ import annotations

import asyncio

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from domain.demo import DemoApplication
from domain.intake import intake_id
from govflow.client import Govflow
from tests.conftest import own_time_skipping_server
from tests.helpers import example
from workers.registry import get_procedure
from workers.settings import Settings
from workflows.intake import CONTINUE_AFTER

pytestmark = pytest.mark.workflow

# A server of its own: the 540 demo cases stay open with their clocks, which would otherwise fire
# in every later test that skips time.
time_skipping_env, time_skipping_worker = own_time_skipping_server()

CLIENTS = 20


async def test_a_stream_of_filings_past_the_hand_over_all_start_in_order_and_the_intake_goes_on(
    gf: Govflow, time_skipping_env: WorkflowEnvironment, settings: Settings
) -> None:
    application = DemoApplication.model_validate(example("demo", "start"))
    prefix = get_procedure("demo").prefix
    intake = time_skipping_env.client.get_workflow_handle(intake_id(settings.task_queue, prefix))
    first = await gf.start_case("demo", application)
    first_run = (await intake.describe()).run_id
    filings = CONTINUE_AFTER + 40  # past the hand-over, wherever earlier tests left the count
    gate = asyncio.Semaphore(CLIENTS)

    async def file() -> str:
        async with gate:
            return (await gf.start_case("demo", application, wait=60)).case_no

    numbers = await asyncio.gather(*(file() for _ in range(filings)))
    assert len(set(numbers)) == filings, "a number given twice"
    assert first.case_no not in numbers
    described = await intake.describe()
    assert described.run_id != first_run, "the intake did not hand over to a new run"
    assert described.status == WorkflowExecutionStatus.RUNNING
    # Handed over while the stream went on: the first run took no more than its share and the
    # filings under way when it reached it (without the refusal it took the whole stream).
    first_history = await time_skipping_env.client.get_workflow_handle(
        intake.id, run_id=first_run
    ).fetch_history()
    accepted = sum(
        1
        for e in first_history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    )
    assert accepted <= CONTINUE_AFTER + CLIENTS, accepted
