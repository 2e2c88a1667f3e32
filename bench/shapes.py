"""The engine's own shapes for bench/throughput.py: the least a decision costs (`Ceiling`), and a
case's shape with nothing inside (`Twin`, from a real case's history by `shape_of`). A module of
its own so that the worker's sandbox imports it as it imports the real workflows."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

NO_OP_TIMEOUT = timedelta(seconds=10)


@activity.defn(name="bench-no-op")
async def no_op() -> None:
    """An activity that does nothing: the engine's cost of one, and nothing of ours."""


@workflow.defn(name="bench-ceiling")
class Ceiling:
    """One update that runs two no-op activities, then a timer: the least a decision costs."""

    def __init__(self) -> None:
        self.decided = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self.decided)
        await workflow.sleep(timedelta(milliseconds=10))

    @workflow.update
    async def decide(self) -> None:
        for _ in range(2):
            await workflow.execute_activity(no_op, start_to_close_timeout=NO_OP_TIMEOUT)
        self.decided = True


@dataclass
class Shape:
    """What a real case's history shows: the activities before the first update, the activities
    each update ran, the activities after the last, and the timers started."""

    opening: int = 0
    updates: list[int] = field(default_factory=list)
    closing: int = 0
    timers: int = 0


@workflow.defn(name="bench-twin")
class Twin:
    """The real complaint's shape with nothing inside: the same updates, activities and timers."""

    def __init__(self) -> None:
        self.shape = Shape()
        self.taken = 0
        self.ready = False

    @workflow.run
    async def run(self, shape: Shape) -> None:
        self.shape = shape
        for _ in range(shape.opening):
            await workflow.execute_activity(no_op, start_to_close_timeout=NO_OP_TIMEOUT)
        timers = [asyncio.ensure_future(workflow.sleep(timedelta(days=30))) for _ in range(shape.timers)]
        self.ready = True
        await workflow.wait_condition(lambda: self.taken == len(shape.updates))
        for timer in timers:  # as a clock's watcher is cancelled when its clock is settled
            timer.cancel()
        for _ in range(shape.closing):
            await workflow.execute_activity(no_op, start_to_close_timeout=NO_OP_TIMEOUT)

    @workflow.update
    async def decide(self, index: int) -> None:
        await workflow.wait_condition(lambda: self.ready and self.taken == index)
        for _ in range(self.shape.updates[index]):
            await workflow.execute_activity(no_op, start_to_close_timeout=NO_OP_TIMEOUT)
        self.taken += 1


def shape_of(history: WorkflowHistory) -> Shape:
    """The real case's shape, read from its history (updates are carried out one at a time)."""
    shape, in_update, count = Shape(), False, 0
    for event in history.events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_TIMER_STARTED:
            shape.timers += 1
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            count += 1
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            if not shape.updates and not in_update:
                shape.opening, count = count, 0
            in_update = True
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            shape.updates.append(count)
            in_update, count = False, 0
    shape.closing = count
    return shape
