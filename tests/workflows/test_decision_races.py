"""No decision, in any order and at any moment, fails a workflow task.

A case whose workflow task fails is wedged: its status query is refused and every decision
hangs. The validator must check every precondition its handler relies on, and a case must
refuse decisions until it has finished opening. These tests fire the example decisions of
every procedure with no pause: each one the moment its case is started, and then bursts of
all of them in random orders (some concurrent, some one after the other) until no more is
accepted. Every answer must be an acceptance or a clear refusal; afterwards the histories
must hold no failed workflow task, every accepted request exactly one DecisionTaken, and no
refused request any.

The orders come from one seed, printed on failure; GOVFLOW_RACE_SEED replays a run.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.case import Actor
from domain.errors import CaseOpeningError
from domain.identity import SELF_ROLES
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.helpers import EXAMPLES, example_actor, replays_on_this_code, stored_events, wait_for_status
from tests.workflows.test_credit_record import fresh_uscc
from workers.registry import REGISTRY, get_procedure
from workers.settings import Settings

pytestmark = pytest.mark.workflow

SEED = int(os.environ.get("GOVFLOW_RACE_SEED", random.SystemRandom().randrange(10**6)))
BURSTS = 12
DECISION_WAIT = 30.0


@dataclass(frozen=True)
class ExampleDecision:
    name: str
    actor: Actor
    payload: dict[str, Any]


@dataclass
class Outcome:
    accepted: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    other: list[str] = field(default_factory=list)


def example_decisions(procedure: str) -> list[ExampleDecision]:
    """Every decision file of the procedure's examples folder (`NAME.json`, `NAME--variant.json`)."""
    known = REGISTRY[procedure].decisions
    decisions = []
    for path in sorted((EXAMPLES / procedure).glob("*.json")):
        name = path.stem.split("--")[0]
        document = json.loads(path.read_text(encoding="utf-8"))
        if name.startswith("start") or name not in known or not isinstance(document, dict):
            continue
        decisions.append(
            ExampleDecision(name, example_actor(procedure, path.stem), document.get("payload", {}))
        )
    return decisions


def start_files(procedure: str) -> list[Path]:
    return sorted((EXAMPLES / procedure).glob("start*.json"))


def fresh_document(procedure: str, path: Path) -> Any:
    """The example start file, made startable again (a credit record is one per company)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    if procedure == "credit-record":
        document["uscc"] = fresh_uscc()
    return document


async def signed_as(gf: Govflow, case_no: str, actor: Actor) -> Actor:
    """An applicant's step is the case's own applicant's (the example names one company)."""
    if actor.role not in SELF_ROLES:
        return actor
    return Actor(role=actor.role, id=(await gf.status(case_no)).applicant_id)


async def send(gf: Govflow, case_no: str, decision: ExampleDecision, outcome: Outcome) -> None:
    request_id = f"race-{uuid.uuid4().hex[:12]}"
    try:
        await gf.decide(
            case_no,
            decision.name,
            await signed_as(gf, case_no, decision.actor),
            decision.payload,
            request_id=request_id,
            wait=DECISION_WAIT,
        )
        outcome.accepted.add(request_id)
    except DecisionRejectedError as refused:
        if isinstance(refused.reason, CaseOpeningError):  # the SDK waits for the opening itself
            outcome.other.append(f"{decision.name}: refused while the case was opening")
        else:
            outcome.refused.add(request_id)
    except Exception as error:  # anything but an acceptance or a refusal is the bug we look for
        outcome.other.append(f"{decision.name}: {type(error).__name__}: {error}")


async def start(gf: Govflow, procedure: str, path: Path) -> str:
    spec = get_procedure(procedure)
    application = spec.application.model_validate(fresh_document(procedure, path))
    # wait=0.1: the decisions follow the start at once, while the case is still opening.
    return (await gf.start_case(procedure, application, wait=0.1)).case_no


async def check_history(
    env: WorkflowEnvironment,
    pool: asyncpg.Pool,
    settings: Settings,
    case_no: str,
    outcome: Outcome,
    context: str,
) -> None:
    if outcome.other:
        status = await Govflow(env.client, Settings()).status(case_no)
        trail = [(e.type, e.data.get("decision") or e.data.get("to_stage") or "") for e in status.history]
        pytest.fail(
            f"{context}: answers that are neither acceptance nor refusal: {outcome.other}; "
            f"stage {status.stage}, attention {status.attention}, events {trail}"
        )
    history = await env.client.get_workflow_handle(case_no).fetch_history()
    # A task whose completion the server turned back because an update came in meanwhile
    # (UNHANDLED_COMMAND: "take the new events first") is no failure of the case's code: the next
    # task carries the update and completes. Every other failed task is a wedge.
    failed = [
        e
        for e in history.events
        if e.event_type
        in (EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED)
        and e.workflow_task_failed_event_attributes.cause
        != WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_UNHANDLED_COMMAND
    ]
    assert not failed, f"{context}: {case_no} failed a workflow task: {failed[0]}"
    gf_status = await Govflow(env.client, Settings()).status(case_no)
    taken = [e.data["request_id"] for e in gf_status.history if e.type == "DecisionTaken"]
    assert len(taken) == len(set(taken)), f"{context}: a request taken twice: {taken}"
    assert outcome.accepted <= set(taken), f"{context}: accepted but not recorded"
    assert not (outcome.refused & set(taken)), f"{context}: refused yet recorded"
    await log_matches_history(env, pool, case_no, context)
    # And the history replays: a decision that came in the same workflow task as another
    # coroutine's result must be ordered the same way when a new worker replays the case.
    await replays_on_this_code(env.client, case_no, settings)


async def log_matches_history(
    env: WorkflowEnvironment, pool: asyncpg.Pool, case_no: str, context: str
) -> None:
    """The case's log in PostgreSQL is its history, event for event, with no gap: the events of
    an act appended together (BATCHED_LOG) are all there, in order, however the acts raced. A
    clock's watcher may still be appending: looked at again until both agree, for 5 s."""
    gf = Govflow(env.client, Settings())
    for _ in range(50):
        rows = await stored_events(pool, case_no)
        history = [(e.seq, e.type) for e in (await gf.status(case_no)).history]
        if rows == history:
            break
        await asyncio.sleep(0.1)
    assert [seq for seq, _ in rows] == list(range(1, len(rows) + 1)), f"{context}: a gap in the log: {rows}"
    assert rows == history, f"{context}: the log {rows} is not the history {history}"


PROCEDURES_WITH_EXAMPLES = [p for p in REGISTRY if (EXAMPLES / p).is_dir() and start_files(p)]


@pytest.mark.parametrize("procedure", PROCEDURES_WITH_EXAMPLES)
async def test_each_decision_the_moment_a_case_starts_is_taken_or_refused_cleanly(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
    procedure: str,
) -> None:
    decisions = example_decisions(procedure)
    assert decisions, f"examples/{procedure} has no decision files"
    for path in start_files(procedure):
        for decision in decisions:
            case_no = await start(gf, procedure, path)
            outcome = Outcome()
            await send(gf, case_no, decision, outcome)
            await check_history(
                time_skipping_env,
                db_pool,
                settings,
                case_no,
                outcome,
                f"{path.name} then {decision.name} at once",
            )


@pytest.mark.parametrize("procedure", PROCEDURES_WITH_EXAMPLES)
async def test_decisions_in_random_orders_and_bursts_never_fail_a_workflow_task(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
    procedure: str,
) -> None:
    dice = random.Random(f"{SEED}-{procedure}")
    decisions = example_decisions(procedure)
    for path in start_files(procedure):
        for run in range(2):
            context = f"seed {SEED}, {path.name}, run {run}"
            case_no = await start(gf, procedure, path)
            outcome = Outcome()
            for burst in range(BURSTS):
                before = len(outcome.accepted)
                order = dice.sample(decisions, len(decisions))
                if (burst + run) % 2 == 0:  # all at once
                    await asyncio.gather(*(send(gf, case_no, d, outcome) for d in order))
                else:  # one after the other, no pause
                    for decision in order:
                        await send(gf, case_no, decision, outcome)
                status = await gf.status(case_no)
                if status.outcome is not None or (len(outcome.accepted) == before and burst > 0):
                    break
            await wait_for_status(gf, case_no, lambda s: s.stage != "opening")
            await check_history(time_skipping_env, db_pool, settings, case_no, outcome, context)
