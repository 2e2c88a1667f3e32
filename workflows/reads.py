"""Reads and acts on the read models, run on the worker's side for a client that has Temporal
only (domain.reads): one short workflow each, whose only step is the activity that asks the
database. A question or act the database refuses (an unknown certificate, a revoked one) fails
the workflow with its domain error, which the client turns back into the same error."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.boundary import to_application_error
    from activities.reads import ReadActivities
    from domain.errors import DomainError
    from domain.reads import (
        ACT_WORKFLOW,
        READ_WORKFLOW,
        ActDone,
        ActRequest,
        ReadAnswer,
        ReadRequest,
        check_act_role,
    )

TIMEOUT = timedelta(seconds=30)
# A read is asked again a few times (the database may be restarting), then the client is told.
READ_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_attempts=5)


@workflow.defn(name=READ_WORKFLOW)
class ReadModelWorkflow:
    @workflow.run
    async def run(self, request: ReadRequest) -> ReadAnswer:
        return await workflow.execute_activity_method(
            ReadActivities.read, request, start_to_close_timeout=TIMEOUT, retry_policy=READ_RETRY
        )


@workflow.defn(name=ACT_WORKFLOW)
class OperatorActWorkflow:
    """An officer's act: its history records who ordered what, when."""

    @workflow.run
    async def run(self, request: ActRequest) -> ActDone:
        try:  # refused before anything is done (a wrong role fails the act, not a task)
            check_act_role(request)
        except DomainError as error:
            raise to_application_error(error) from None
        return await workflow.execute_activity_method(
            ReadActivities.act, request, start_to_close_timeout=TIMEOUT, retry_policy=READ_RETRY
        )
