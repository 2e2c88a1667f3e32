"""Scale on one machine: `.venv/bin/python bench/open_cases.py [--cases 10000] [--clients 20]`.

It starts its own Temporal dev server (a SQLite file in WAL mode, as `govflow dev` runs it),
embedded PostgreSQL and one `govflow worker` process, then opens `--cases` complaint cases
(京商函字〔2021〕1056号) through the SDK and leaves them open, waiting on their clocks: most are
accepted (their 60 working days of 第十二条第（二）项 and the letter clocks run), and a share
(`--overdue`, 10 %) were received a month ago and never accepted, so their 5 working days of
第十一条 are breached and escalated on opening: `list --overdue` has something to find.

It prints the start rate (a case started, opened and accepted), the worker process's resident
memory (now and its peak), the dev server's database on disk, PostgreSQL's database, how long
the command line takes for `govflow list --overdue`, `govflow complaints` and
`govflow complaints --overdue` at that size (and `govflow --help`, the command line's own start),
and the time `govflow rebuild-projections` takes to rebuild the read models from every case's
events. Fixed case count; stops by itself, and removes what it started.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.stack import BenchStack, bench_stack
from domain.calendar import local_date
from domain.complaint import ComplaintFiling
from govflow.client import Govflow
from govflow.client.errors import GovflowError
from tests.helpers import example, example_actor, wait_for_status
from workers.logs import configure_logging

FAILURES_TO_STOP = 20  # filings that fail before no more are sent (a wedged intake)
OVERDUE_AGE = timedelta(days=30)  # received a month ago: 第十一条's 5 working days are behind it


def resident_kib(pid: int) -> tuple[int, int]:
    """The process's resident memory now and at its peak, in KiB (from /proc)."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def command_seconds(stack: BenchStack, *args: str, runs: int = 3) -> tuple[float, int]:
    """The median wall time of `govflow ARGS` over `runs`, and the lines it printed."""
    times, lines = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        done = subprocess.run(
            [str(Path(sys.executable).parent / "govflow"), *args],
            env=stack.process_environment(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        times.append(time.perf_counter() - began)
        if done.returncode != 0:
            raise SystemExit(f"govflow {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        lines = len(done.stdout.splitlines())
    return statistics.median(times), lines


async def open_case(gf: Govflow, number: int, overdue_every: int) -> None:
    document = example("complaint", "start")
    overdue = overdue_every > 0 and number % overdue_every == 0
    if overdue:
        document = document | {"received_on": (local_date(datetime.now(UTC)) - OVERDUE_AGE).isoformat()}
    ref = await gf.start_case("complaint", ComplaintFiling.model_validate(document), wait=60)
    await wait_for_status(gf, ref.case_no, lambda status: bool(status.history), timeout=120)
    if not overdue:
        accept = example("complaint", "accept")["payload"]
        await gf.decide(ref.case_no, "accept", example_actor("complaint", "accept"), accept, wait=60)


async def main(cases: int, clients: int, overdue_share: float) -> None:
    async with bench_stack("bench-open-cases") as stack:
        with (stack.state / "worker.log").open("ab") as log:
            worker = stack.worker_process(log)
            try:
                await measure(stack, worker.pid, cases, clients, overdue_share)
            finally:
                worker.terminate()
                try:
                    worker.wait(30)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()


async def measure(stack: BenchStack, worker: int, cases: int, clients: int, overdue_share: float) -> None:
    gf = stack.gf
    overdue_every = round(1 / overdue_share) if overdue_share > 0 else 0
    print(
        f"{cases} complaint cases opened and left open, {clients} clients in flight; one dev server "
        f"(SQLite, WAL), one `govflow worker` process, embedded PostgreSQL, on {os.cpu_count()} cores"
    )
    await open_case(gf, 1, 0)  # the SDK's first use opens its pool; the worker warms up
    gate, done, failed = asyncio.Semaphore(clients), 0, list[str]()
    began = time.perf_counter()

    async def one(number: int) -> None:
        nonlocal done
        async with gate:
            if len(failed) >= FAILURES_TO_STOP:
                return
            try:
                await open_case(gf, number, overdue_every)
            except GovflowError as error:  # counted and shown: the figures are of what did open
                failed.append(str(error))
                return
        done += 1
        if done % 1000 == 0:
            rss, _ = resident_kib(worker)
            print(
                f"  {done:>6} opened, {done / (time.perf_counter() - began):5.1f} cases/s, "
                f"worker RSS {rss / 1024:6.0f} MiB",
                flush=True,
            )

    await asyncio.gather(*(one(n) for n in range(2, cases + 1)))
    seconds = time.perf_counter() - began
    print(f"start rate: {done / seconds:.1f} cases/s (started, opened, accepted) over {seconds:.0f} s")
    if failed:
        print(f"NOT OPENED: {len(failed)} filings failed, the first: {failed[0]}; {done + 1} cases open")

    await asyncio.sleep(15)  # the breached clocks' escalations of the last cases
    rss, peak = resident_kib(worker)
    async with stack.pool.acquire() as conn:
        pg_bytes = await conn.fetchval("SELECT pg_database_size(current_database())")
        events = await conn.fetchval("SELECT count(*) FROM case_events")
    print(f"worker RSS: {rss / 1024:.0f} MiB now, {peak / 1024:.0f} MiB at its peak")
    print(f"dev server database: {stack.server_files_bytes() / 2**20:.0f} MiB on disk")
    print(f"PostgreSQL database: {pg_bytes / 2**20:.0f} MiB, {events} events in the log")

    began = time.perf_counter()
    overdue = await gf.list_cases(overdue=True, limit=100)
    print(f"SDK list_cases(overdue=True): {time.perf_counter() - began:.2f} s ({len(overdue)} shown)")
    for args in (
        ("--help",),
        ("list", "--overdue"),
        ("complaints",),
        ("complaints", "--overdue"),
    ):
        seconds, lines = command_seconds(stack, *args)
        print(f"govflow {' '.join(args):<22} {seconds:6.2f} s  ({lines} lines)")
    seconds, _ = command_seconds(stack, "rebuild-projections", runs=1)
    print(
        f"govflow rebuild-projections   {seconds:6.2f} s  (read models of {done + 1} cases, {events} events)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--overdue", type=float, default=0.1, help="the share received long ago, not accepted"
    )
    options = parser.parse_args()
    configure_logging("console", "WARNING")
    asyncio.run(main(options.cases, options.clients, options.overdue))
    sys.stdout.flush()
    os._exit(0)  # the SDK's native threads can abort the interpreter's finalization (sdk-python#300)
