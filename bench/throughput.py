"""Throughput side by side, in one run: `.venv/bin/python bench/throughput.py [--cases 40] [--clients 20]`.

It starts its own Temporal dev server (a file database in WAL mode, as `govflow dev` runs it),
embedded PostgreSQL and one worker, then runs, each with `--clients` in flight:

- the engine ceiling: a minimal workflow of one update, two no-op activities and a timer;
- the real complaint lifecycle (京商函字〔2021〕1056号) through the SDK: start, accept, send-letter,
  department-reply, resolve, terminate, notify-result, every request signed;
- its same-shape twin: a workflow with exactly the updates, activities and timers the real
  complaint's history shows (read from a real case of this run), whose activities do nothing;
- a subsidy to its plan publicity and a title review to its committee (their publicity windows
  last days: the decisions up to them are what is measured).

For each: cases/s, history events per case, and the decision round trip (the update, from the
client's send to its answer) p50/p99; then real/twin (our own overhead: the database, the
projections, the rendering) and real/ceiling (our shape). Fixed case counts, bounded, stops by
itself.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import asyncpg
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from bench.shapes import Ceiling, Twin, no_op, shape_of
from bench.stack import bench_stack
from domain.complaint import ComplaintFiling
from domain.subsidy_pipeline import SubsidyApplication
from domain.title import ReviewApplication
from govflow.client import Govflow
from tests.helpers import example, example_actor, wait_until_opened
from workers.logs import configure_logging
from workers.main import build_worker
from workers.settings import Settings

COMPLAINT_STEPS = ("accept", "send-letter", "department-reply", "resolve", "terminate", "notify-result")
SUBSIDY_STEPS = ("confirm-registration", "apply-plan", "select-plan")
TITLE_STEPS = ("recommend", "agency-check", "draw-panel", "evaluate", "convene-committee")


# -- measuring ----------------------------------------------------------------------------------


@dataclass
class Figures:
    name: str
    cases: int
    seconds: float
    round_trips: list[float]
    events: float

    @property
    def rate(self) -> float:
        return self.cases / self.seconds

    def line(self) -> str:
        trips = sorted(self.round_trips)
        p50 = statistics.median(trips) * 1e3 if trips else float("nan")
        p99 = trips[min(len(trips) - 1, int(0.99 * len(trips)))] * 1e3 if trips else float("nan")
        return (
            f"{self.name:<34} {self.rate:6.2f} cases/s  {self.events:6.0f} events/case  "
            f"decision p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
        )


async def timed(trips: list[float], call: Awaitable[Any]) -> Any:
    began = time.perf_counter()
    result = await call
    trips.append(time.perf_counter() - began)
    return result


async def measure(
    name: str, cases: int, clients: int, one: Callable[[int, list[float]], Awaitable[str]], client: Client
) -> Figures:
    """`cases` runs of `one`, `clients` at a time; the events of each case's history."""
    gate, trips = asyncio.Semaphore(clients), list[float]()

    async def run(number: int) -> str:
        async with gate:
            return await one(number, trips)

    began = time.perf_counter()
    ids = await asyncio.gather(*(run(n) for n in range(cases)))
    seconds = time.perf_counter() - began
    lengths = [len((await client.get_workflow_handle(i).fetch_history()).events) for i in ids[:5]]
    return Figures(name, cases, seconds, trips, statistics.mean(lengths))


async def main(cases: int, clients: int) -> None:
    async with bench_stack("bench") as stack:
        await compare(stack.env, stack.gf, stack.pool, stack.settings, cases, clients)


async def compare(
    env: WorkflowEnvironment, gf: Govflow, pool: asyncpg.Pool, settings: Settings, cases: int, clients: int
) -> None:
    engine = Worker(env.client, task_queue="bench-engine", workflows=[Ceiling, Twin], activities=[no_op])

    async def ceiling(number: int, trips: list[float]) -> str:
        handle = await env.client.start_workflow(
            Ceiling.run, id=f"ceiling-{uuid.uuid4()}", task_queue="bench-engine"
        )
        await timed(trips, handle.execute_update(Ceiling.decide))
        await handle.result()
        return handle.id

    async def complaint(number: int, trips: list[float]) -> str:
        ref = await gf.start_case("complaint", ComplaintFiling.model_validate(example("complaint", "start")))
        await wait_until_opened(gf, ref.case_no)
        for step in COMPLAINT_STEPS:
            payload = example("complaint", step).get("payload", {})
            await timed(
                trips, gf.decide(ref.case_no, step, example_actor("complaint", step), payload, wait=60)
            )
        await gf.result(ref.case_no)
        return ref.case_no

    async def subsidy(number: int, trips: list[float]) -> str:
        document = copy.deepcopy(example("subsidy", "start-district"))
        ref = await gf.start_case("subsidy", SubsidyApplication.model_validate(document))
        await wait_until_opened(gf, ref.case_no)
        for step in SUBSIDY_STEPS:
            payload = example("subsidy", step).get("payload", {})
            await timed(trips, gf.decide(ref.case_no, step, example_actor("subsidy", step), payload, wait=60))
        return ref.case_no

    async def title(number: int, trips: list[float]) -> str:
        from tests.workflows.test_title_review import fresh_id_number

        document = copy.deepcopy(example("title-review", "start"))
        document["applicant"]["id_number"] = fresh_id_number()
        ref = await gf.start_case("title-review", ReviewApplication.model_validate(document))
        await wait_until_opened(gf, ref.case_no)
        for step in TITLE_STEPS:
            payload = example("title-review", step).get("payload", {})
            await timed(
                trips, gf.decide(ref.case_no, step, example_actor("title-review", step), payload, wait=60)
            )
        return ref.case_no

    async with engine, build_worker(env.client, pool, settings):
        first = await complaint(0, [])  # warms the worker; its history gives the twin its shape
        shape = shape_of(await env.client.get_workflow_handle(first).fetch_history())

        async def twin(number: int, trips: list[float]) -> str:
            handle = await env.client.start_workflow(
                Twin.run, shape, id=f"twin-{uuid.uuid4()}", task_queue="bench-engine"
            )
            for index in range(len(shape.updates)):
                await timed(trips, handle.execute_update(Twin.decide, index))
            await handle.result()
            return handle.id

        print(
            f"{cases} cases of each, {clients} clients in flight; one dev server (SQLite, WAL), one worker, "
            f"embedded PostgreSQL, on {os.cpu_count()} cores"
        )
        print(
            f"the complaint's shape: {len(shape.updates)} updates, {shape.opening} activities opening, "
            f"{shape.updates} in the updates, {shape.closing} closing, {shape.timers} timers"
        )
        figures = {}
        for name, one in (
            ("engine ceiling (1 update, 2 activities, 1 timer)", ceiling),
            ("complaint twin (same shape, no-ops)", twin),
            ("complaint lifecycle (SDK, 6 decisions)", complaint),
            ("subsidy to its plan publicity (3)", subsidy),
            ("title review to its committee (5)", title),
        ):
            figures[name] = await measure(name, cases, clients, one, env.client)
            print(figures[name].line(), flush=True)
        ceiling_rate, twin_rate, real = (figures[name].rate for name in list(figures)[:3])
        print(f"real complaint / twin    {real / twin_rate:.2f}   (our own overhead: 1.00 is none)")
        print(f"real complaint / ceiling {real / ceiling_rate:.2f}   (our shape against the engine's least)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--clients", type=int, default=20)
    options = parser.parse_args()
    configure_logging("console", "WARNING")
    asyncio.run(main(options.cases, options.clients))
    sys.stdout.flush()
    os._exit(0)
