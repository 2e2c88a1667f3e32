"""Who may act is proven: every decision comes with an identity token the worker verifies in
the update's validator, so a request with no token, an expired one, one of another key, one
that names someone else, or a complainant's on an officer's decision is refused with one line
and nothing is written — through the SDK and through Temporal directly, as
`temporal workflow update execute` would send it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import asyncpg
import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.case import Actor, DecisionRequest
from domain.complaint import ComplaintFiling
from domain.demo import DemoApplication
from domain.errors import NotPermittedError, UnauthenticatedError
from domain.reads import LoadSchedule
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError, GovflowError
from tests.helpers import CLERK, INTAKE_CLERK, dev_tokens, example, stored_events, wait_until_opened
from workers.identity import DevIdentityProvider
from workers.settings import Settings

pytestmark = pytest.mark.workflow

RECEPTION = Actor(role="receiving-officer", id="swj-tsc-01")


def client(
    env: WorkflowEnvironment, settings: Settings, tokens: Callable[[Actor | None], str | None]
) -> Govflow:
    return Govflow(env.client, settings, tokens=tokens, clock=env.get_current_time)


async def demo_case(env: WorkflowEnvironment, settings: Settings) -> str:
    gf = client(env, settings, dev_tokens(settings))
    ref = await gf.start_case("demo", DemoApplication.model_validate(example("demo", "start")))
    await wait_until_opened(gf, ref.case_no)
    return ref.case_no


@pytest.fixture
def keys(settings: Settings) -> DevIdentityProvider:
    return DevIdentityProvider(settings.state_dir)


@pytest.mark.parametrize(
    ("token_of", "error", "refusal"),
    [
        pytest.param(lambda keys, tmp: None, UnauthenticatedError, "no identity token", id="no-token"),
        pytest.param(
            lambda keys, tmp: keys.issue("clerk", "clerk-001", ttl=timedelta(minutes=-5)),
            UnauthenticatedError,
            "the identity token expired",
            id="expired",
        ),
        pytest.param(
            lambda keys, tmp: DevIdentityProvider(tmp).issue("clerk", "clerk-001"),
            UnauthenticatedError,
            "a key this worker does not hold",
            id="another-key",
        ),
        pytest.param(
            lambda keys, tmp: keys.issue("clerk", "clerk-002"),
            NotPermittedError,
            "signed as clerk:clerk-001, but the identity token is clerk-002 (clerk)'s",
            id="someone-else",
        ),
        pytest.param(
            lambda keys, tmp: keys.issue("enterprise", "clerk-001"),
            NotPermittedError,
            "the identity token is clerk-001 (enterprise)'s",
            id="not-the-role",
        ),
    ],
)
async def test_a_decision_without_a_proven_identity_is_refused_and_nothing_is_written(
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
    keys: DevIdentityProvider,
    tmp_path: Path,
    token_of: Callable[[DevIdentityProvider, Path], str | None],
    error: type[Exception],
    refusal: str,
) -> None:
    case_no = await demo_case(time_skipping_env, settings)
    token = token_of(keys, tmp_path)
    gf = client(time_skipping_env, settings, lambda actor: token)
    before = await gf.status(case_no)
    with pytest.raises(DecisionRejectedError) as refused:
        await gf.decide(case_no, "accept", CLERK, {"note": "材料齐全"})
    assert isinstance(refused.value.reason, error)
    assert refusal in str(refused.value)
    assert await gf.status(case_no) == before
    assert len(await stored_events(db_pool, case_no)) == len(before.history)


async def test_the_same_decision_with_the_clerk_s_own_token_is_taken(
    time_skipping_env: WorkflowEnvironment, time_skipping_worker: Worker, settings: Settings
) -> None:
    case_no = await demo_case(time_skipping_env, settings)
    gf = client(time_skipping_env, settings, dev_tokens(settings))
    assert (await gf.decide(case_no, "accept", CLERK, {"note": "材料齐全"})).stage == "review"
    [taken] = [e for e in (await gf.status(case_no)).history if e.type == "DecisionTaken"]
    assert taken.actor == "clerk:clerk-001"


async def test_an_update_sent_to_temporal_directly_meets_the_same_check(
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> None:
    """What `temporal workflow update execute --name decide` sends: the update, no header."""
    case_no = await demo_case(time_skipping_env, settings)
    forged = DecisionRequest(request_id=uuid.uuid4().hex, decision="accept", actor=CLERK, payload={})
    events = len(await stored_events(db_pool, case_no))
    handle = time_skipping_env.client.get_workflow_handle(case_no)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("decide", forged)
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "Unauthenticated"
    assert len(await stored_events(db_pool, case_no)) == events


async def test_a_complainant_signs_no_officer_s_decision(
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
    keys: DevIdentityProvider,
) -> None:
    """The attack that opened the issue: a complainant writes an officer's role into the
    request. Their token names them as the enterprise, so the request is refused; and an officer
    whose token says they are the complaining company (pid) may not take it either."""
    gf = client(time_skipping_env, settings, dev_tokens(settings))
    document = example("complaint", "start") | {"received_on": None}
    filed = ComplaintFiling.model_validate(document)
    ref = await gf.start_case("complaint", filed)
    await wait_until_opened(gf, ref.case_no)
    company = filed.applicant_id
    events = len(await stored_events(db_pool, ref.case_no))

    as_complainant = client(time_skipping_env, settings, lambda actor: keys.issue("enterprise", RECEPTION.id))
    with pytest.raises(DecisionRejectedError, match="enterprise"):
        await as_complainant.decide(ref.case_no, "accept", RECEPTION, {"departments": []})
    own_case = keys.issue(RECEPTION.role, RECEPTION.id, party=company)
    as_party = client(time_skipping_env, settings, lambda actor: own_case)
    with pytest.raises(DecisionRejectedError, match="is the applicant of this case") as refused:
        await as_party.decide(ref.case_no, "accept", RECEPTION, {"departments": []})
    assert isinstance(refused.value.reason, NotPermittedError)
    assert len(await stored_events(db_pool, ref.case_no)) == events
    assert (await gf.decide(ref.case_no, "accept", RECEPTION, {"departments": []})).stage == "handling"


async def test_a_start_without_a_token_takes_no_number(
    time_skipping_env: WorkflowEnvironment, time_skipping_worker: Worker, settings: Settings
) -> None:
    gf = client(time_skipping_env, settings, lambda actor: None)
    with pytest.raises(GovflowError, match="no identity token"):
        await gf.start_case("demo", DemoApplication.model_validate(example("demo", "start")))
    signed = client(time_skipping_env, settings, dev_tokens(settings))
    first = await signed.start_case("demo", DemoApplication.model_validate(example("demo", "start")))
    second = await signed.start_case("demo", DemoApplication.model_validate(example("demo", "start")))
    assert int(second.case_no[-6:]) == int(first.case_no[-6:]) + 1


async def test_an_officer_s_act_is_checked_when_it_starts(
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    keys: DevIdentityProvider,
) -> None:
    """An act on the read models (a schedule loaded) signed as an operator by a clerk's token."""
    clerk_token = keys.issue(INTAKE_CLERK.role, INTAKE_CLERK.id)
    gf = client(time_skipping_env, settings, lambda actor: clerk_token)
    order = LoadSchedule(document=example("calendar", "2027-example"), source="2027-example.json")
    with pytest.raises(
        GovflowError, match="signed as operator:ops-1, but the identity token is intake-clerk"
    ):
        await gf.act(order, Actor(role="operator", id="ops-1"))
