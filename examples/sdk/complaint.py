"""A complaint (京商函字〔2021〕1056号) from start to close with the typed SDK, as the README's
`govflow` commands take it: started from examples/complaint/start.json, each decision from its
file, signed by the token of the officer examples/complaint/actors.json names; then its status.

With the local stack running (`./scripts/dev`), from any folder:

    .venv/bin/python examples/sdk/complaint.py

The settings are the command line's (TEMPORAL_ADDRESS, GOVFLOW_STATE_DIR, …). Each officer's
token is signed with the local stack's development key, as `govflow login --as` signs one;
against a real identity provider, a client gets its token there and sets GOVFLOW_TOKEN.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from domain.case import Actor
from govflow.client import Govflow
from govflow.client.errors import GovflowError
from workers.identity import DevIdentityProvider
from workers.settings import Settings
from workers.temporal import connect

COMPLAINT = Path(__file__).resolve().parent.parent / "complaint"
STEPS = ("accept", "send-letter", "department-reply", "resolve", "terminate", "notify-result")
CLERK = Actor(role="clerk", id="clerk-001")  # who hands in the start file


def example(name: str) -> Any:
    return json.loads((COMPLAINT / f"{name}.json").read_text(encoding="utf-8"))


def officer(step: str) -> Actor:
    """Who takes `step`: actors.json names them as ROLE:ID."""
    role, _, subject = example("actors")[step].partition(":")
    return Actor(role=role, id=subject)


def signed_as(settings: Settings, actor: Actor) -> Settings:
    """The settings with a development token for `actor`: the SDK sends settings.token (that is,
    GOVFLOW_TOKEN) with every request, and the worker takes a request only if the token names
    its actor."""
    key = DevIdentityProvider(settings.state_dir)
    if not key.jwks_file.exists():  # issue() would make a key no worker knows
        sys.exit(f"no development key under {settings.state_dir}: start the local stack (./scripts/dev)")
    return settings.model_copy(update={"token": key.issue(actor.role, actor.id)})


async def main() -> None:
    settings = Settings()
    as_clerk = signed_as(settings, CLERK)  # (says so in one line if no stack made a key here)
    client = await connect(settings)  # one connection; each officer's requests carry their token
    clerk = Govflow(client, as_clerk)
    application = clerk.parse_application("complaint", example("start"))  # every input rule, field named
    case = await clerk.start_case("complaint", application)  # returns once the case has opened
    print(f"started {case.case_no}, stage {case.stage}")
    for step in STEPS:
        actor = officer(step)
        taken = await Govflow(client, signed_as(settings, actor)).decide(
            case.case_no, step, actor, example(step).get("payload", {})
        )
        print(f"{case.case_no}: {step} taken by {actor.role}:{actor.id}; stage now {taken.stage}")
    status = await clerk.status(case.case_no)  # reads are not signed
    print(f"{status.case_no}  stage {status.stage}  outcome {status.outcome}")
    for deadline in status.deadlines:
        print(f"  {deadline.name:<24} due {deadline.due}  {deadline.state}  [{deadline.article}]")


def leave(status: int) -> None:
    """Exit without the interpreter's finalization: the Temporal SDK's native threads can abort
    it after all the work is done (temporalio/sdk-python#300), as the command line also avoids."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except GovflowError as error:  # one line, as the command line says it
        print(f"complaint.py: {error}", file=sys.stderr)
        leave(1)
    leave(0)
