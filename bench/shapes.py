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
    """What a real case's history shows, as one letter an activity (`a`, `l` a local activity):
    the activities before the first update, those each update ran, those after the last, and
    the timers started."""

    opening: str = ""
    updates: list[str] = field(default_factory=list)
    closing: str = ""
    timers: int = 0


async def run_activities(kinds: str) -> None:
    for kind in kinds:
        if kind == "l":
            await workflow.execute_local_activity(no_op, start_to_close_timeout=NO_OP_TIMEOUT)
        else:
            await workflow.execute_activity(no_op, start_to_close_timeout=NO_OP_TIMEOUT)


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
        await run_activities(shape.opening)
        timers = [asyncio.ensure_future(workflow.sleep(timedelta(days=30))) for _ in range(shape.timers)]
        self.ready = True
        await workflow.wait_condition(lambda: self.taken == len(shape.updates))
        for timer in timers:  # as a clock's watcher is cancelled when its clock is settled
            timer.cancel()
        await run_activities(shape.closing)

    @workflow.update
    async def decide(self, index: int) -> None:
        await workflow.wait_condition(lambda: self.ready and self.taken == index)
        await run_activities(self.shape.updates[index])
        self.taken += 1


LOCAL_ACTIVITY_MARKER = "core_local_activity"


def shape_of(history: WorkflowHistory) -> Shape:
    """The real case's shape, read from its history (updates are carried out one at a time)."""
    shape, in_update, kinds = Shape(), False, ""
    for event in history.events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_TIMER_STARTED:
            shape.timers += 1
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            kinds += "a"
        elif (
            kind == EventType.EVENT_TYPE_MARKER_RECORDED
            and event.marker_recorded_event_attributes.marker_name == LOCAL_ACTIVITY_MARKER
        ):
            kinds += "l"
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            if not shape.updates and not in_update:
                shape.opening, kinds = kinds, ""
            in_update = True
        elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            shape.updates.append(kinds)
            in_update, kinds = False, ""
    shape.closing = kinds
    return shape
