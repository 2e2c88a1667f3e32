"""The bad-input corpus (tests/data/bad, made by its make_corpus.py): start and decision files no
person could mean, each refused at the boundary with one line that names its field, before a
case number is taken or anything is contacted.

- Every file goes through the SDK's path. A start file is read as `govflow start` reads it
  (govflow.cli.common.read_json) and given to Govflow.parse_application; should that accept it, to
  Govflow.start_case, with a Temporal client that fails the test if a workflow is ever started. A
  decision file becomes the DecisionRequest the SDK sends and goes through check_decision with
  the case's today: the update validator's path.
- A stratified sample of some 120 files goes through the command line, as subprocesses four at
  a time (every file would take over three minutes on two cores; the sample some 50 s): every
  fault of a whole file, and of each procedure and kind (start, decide) the first three files of
  each gap and of none. TEMPORAL_ADDRESS is a port where nothing listens and DATABASE_URL the
  test database: the file must be refused before either is needed, with exit status 1, one line
  on stderr naming the field (not an "internal error"), and no traceback.
- The case-number counters do not move.

A manifest entry with `gaps` is an input a path does not refuse yet (the gap says which file
must change): it is expected to fail there, and the test fails once it no longer does, so that
the entry's gap is removed with the fix.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn, cast

import asyncpg
import pytest
from pydantic import ValidationError
from temporalio.client import Client

from domain.calendar import local_date
from domain.case import DecisionRequest, check_decision, describe_validation_error
from domain.errors import InvalidInputError
from govflow.cli.common import read_json
from govflow.client import Govflow
from govflow.client.errors import InputError
from tests.helpers import example_actor, run_govflow_async
from workers.registry import REGISTRY
from workers.settings import Settings

pytestmark = pytest.mark.integration

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
MANIFEST = json.loads((BAD / "manifest.json").read_text(encoding="utf-8"))
ENTRIES: list[dict[str, Any]] = MANIFEST["entries"]
CASE_NUMBERS: dict[str, str] = MANIFEST["case_numbers"]
CLI_PER_GROUP = 3
"""Command-line sample: of each procedure, kind and gap (or none), this many files."""
CLI_AT_ONCE = 4


class Started(Exception):
    """start_case went as far as starting a workflow: the file was accepted."""


class NoTemporal:
    """The Temporal client of the SDK under test: it must never be reached."""

    async def start_workflow(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise Started(f"a workflow would have been started for {kwargs.get('id')}")


@dataclass(frozen=True)
class Outcome:
    verdict: str  # refused, accepted or crashed
    message: str

    def names(self, field: str) -> bool:
        return self.verdict == "refused" and field in self.message and "\n" not in self.message


def entry_id(entry: dict[str, Any]) -> str:
    return str(entry["file"])


def with_gap(entries: list[dict[str, Any]], path: str) -> list[Any]:
    """The entries as parameters; those with a gap on `path` expected to fail there."""
    return [
        pytest.param(e, id=entry_id(e), marks=pytest.mark.xfail(strict=True, reason=e["gaps"][path]))
        if path in e.get("gaps", {})
        else pytest.param(e, id=entry_id(e))
        for e in entries
    ]


@pytest.fixture(scope="module")
async def counters_at_start(db_pool: asyncpg.Pool) -> set[tuple[str, int, int]]:
    return await counters(db_pool)


async def counters(pool: asyncpg.Pool) -> set[tuple[str, int, int]]:
    rows = await pool.fetch("SELECT prefix, year, last FROM case_number_counters")
    return {(row["prefix"], row["year"], row["last"]) for row in rows}


@pytest.fixture(scope="module")
async def sdk(settings: Settings) -> AsyncIterator[Govflow]:
    gf = Govflow(cast(Client, NoTemporal()), settings)
    yield gf
    await gf.close()


# -- the SDK's path ---------------------------------------------------------------------------------


async def through_sdk(entry: dict[str, Any], gf: Govflow) -> Outcome:
    try:
        document = read_json(str(BAD / entry["file"]))
        if entry["kind"] == "start":
            application = Govflow.parse_application(entry["procedure"], document)
            await gf.start_case(entry["procedure"], application, wait=0.1)
        else:
            decide(entry, document)
        return Outcome("accepted", "")
    except (InputError, InvalidInputError) as error:
        return Outcome("refused", str(error))
    except Started as started:
        return Outcome("accepted", str(started))
    except Exception as error:  # anything but a refusal is what the corpus is here to find
        return Outcome("crashed", f"{type(error).__name__}: {error}")


def decide(entry: dict[str, Any], document: Any) -> None:
    """As Govflow.decide builds the request and the update validator checks it."""
    folder, name = Path(entry["example"]).parent.name, Path(entry["example"]).stem
    signed_as = example_actor(folder, name).model_dump()  # the actor the SDK signs as
    data = (
        {"request_id": "corpus-1", "actor": signed_as, **document, "decision": entry["decision"]}
        if isinstance(document, dict)
        else document
    )
    try:
        request = DecisionRequest.model_validate(data)
    except ValidationError as error:
        raise InputError(describe_validation_error(error)) from None
    rules = REGISTRY[entry["procedure"]].decisions
    stage = sorted(rules[request.decision].stages)[0]
    check_decision(
        rules,
        stage=stage,
        outcome=None,
        seen_request_ids=set(),
        request=request,
        today=local_date(datetime.now(UTC)),
    )


@pytest.mark.parametrize("entry", with_gap(ENTRIES, "sdk"))
async def test_the_sdk_refuses_the_file_naming_the_field(
    entry: dict[str, Any], sdk: Govflow, counters_at_start: set[tuple[str, int, int]]
) -> None:
    outcome = await through_sdk(entry, sdk)
    assert outcome.names(entry["field"]), (
        f"{entry['fault']}: expected a refusal naming {entry['field']!r}, got {outcome}"
    )


# -- the command line ---------------------------------------------------------------------------------


def cli_sample() -> list[dict[str, Any]]:
    """Every whole-file fault; of each procedure, kind and gap (or none) the first few files."""
    taken: dict[tuple[str, str, str], int] = {}
    sample = []
    for entry in ENTRIES:
        group = (entry["procedure"], entry["kind"], entry.get("gaps", {}).get("cli", ""))
        if entry.get("whole_file") or taken.get(group, 0) < CLI_PER_GROUP:
            taken[group] = taken.get(group, 0) + 1
            sample.append(entry)
    return sample


@pytest.fixture(scope="module")
def dead_address() -> Iterator[str]:
    """A port bound but not listening: a connection is refused, and no one else can take it."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        yield f"127.0.0.1:{bound.getsockname()[1]}"


async def through_cli(entry: dict[str, Any], env: dict[str, str]) -> str | None:
    """What is wrong with the command line's answer to the file, or None."""
    path = str(BAD / entry["file"])
    args = (
        ["start", entry["procedure"], path]
        if entry["kind"] == "start"
        else ["decide", CASE_NUMBERS[entry["procedure"]], entry["decision"], path]
    )
    done = await run_govflow_async(*args, env=env, timeout=120)
    lines = done.stderr.strip().splitlines()
    if "Traceback" in done.stdout + done.stderr:
        return "a traceback"
    if (done.returncode, done.stdout, len(lines)) != (1, "", 1):
        return f"exit {done.returncode}, stdout {done.stdout!r}, stderr {done.stderr.strip()[:300]!r}"
    field = entry.get("cli_field", entry["field"])
    if "internal error" in lines[0] or field not in lines[0]:
        return f"refused without naming {field!r}: {lines[0][:300]}"
    return None


async def test_the_command_line_refuses_a_sample_before_contacting_anything(
    postgres_url: str,
    dead_address: str,
    db_pool: asyncpg.Pool,
    tmp_path: Path,
) -> None:
    env = {
        "TEMPORAL_ADDRESS": dead_address,
        "DATABASE_URL": postgres_url,
        "GOVFLOW_LOG_LEVEL": "WARNING",
        "GOVFLOW_STATE_DIR": str(tmp_path),
    }
    sample = cli_sample()
    assert len(sample) >= 40
    assert {e["procedure"] for e in sample} == set(CASE_NUMBERS)
    before = await counters(db_pool)
    limit = asyncio.Semaphore(CLI_AT_ONCE)

    async def run(entry: dict[str, Any]) -> str | None:
        async with limit:
            return await through_cli(entry, env)

    answers = await asyncio.gather(*(run(entry) for entry in sample))
    problems, mended = [], []
    for entry, problem in zip(sample, answers, strict=True):
        gap = entry.get("gaps", {}).get("cli")
        if problem is not None and gap is None:
            problems.append(f"{entry['file']} ({entry['fault']}): {problem}")
        elif problem is None and gap is not None:
            mended.append(entry["file"])
    assert await counters(db_pool) == before
    assert not problems, f"{len(problems)} of {len(sample)} files:\n" + "\n".join(problems)
    assert not mended, (
        "the command line now refuses these: remove their `cli` gap in make_corpus.py: " + ", ".join(mended)
    )


def test_the_corpus_covers_every_procedure_and_decisions() -> None:
    assert len(ENTRIES) >= 200
    assert {e["procedure"] for e in ENTRIES} == set(REGISTRY)
    assert {e["procedure"] for e in ENTRIES if e["kind"] == "decide"} == set(REGISTRY)
    assert all((BAD / e["file"]).is_file() for e in ENTRIES)


@pytest.mark.parametrize("example", sorted({e["example"] for e in ENTRIES}))
def test_every_example_the_corpus_varies_passes_the_boundary(example: str) -> None:
    """So that each bad file is refused for its one variation, not for its example."""
    path = BAD.parents[2] / example
    procedure, name = path.parent.name, path.stem
    document = read_json(str(path))
    if name.startswith("start"):
        Govflow.parse_application(procedure, document)
    else:
        decide({"procedure": procedure, "decision": name.split("--")[0], "example": example}, document)


async def test_no_case_number_was_taken(
    db_pool: asyncpg.Pool, counters_at_start: set[tuple[str, int, int]]
) -> None:
    """Runs after the SDK's tests: a number is taken only once a file has passed every check."""
    assert await counters(db_pool) == counters_at_start
