"""Personal data (docs/platform.md "Personal data"): a person is searched by a keyed pseudonym,
never by their ID number; the event log holds their data sealed; the read models rebuilt from
that log equal the live ones — on the real dev server (visibility) and real PostgreSQL."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.db.event_log import read_events
from activities.db.read_models.titles import blacklist_entries
from domain.case import Actor
from domain.complaint import ComplaintFiling
from domain.personal import is_sealed
from govflow.client import Govflow
from tests.helpers import dev_tokens, example, run_govflow_async, snapshot, wait_for_status
from tests.workflows.test_title_review import fresh_id_number, start_person_case
from workers.keyring import KeyRing, load_keyring
from workers.main import build_worker, projections
from workers.settings import Settings
from workflows import search_attributes as sa

pytestmark = pytest.mark.integration

AGENCY = Actor(role="review-agency", id="agency-01")


@pytest.fixture
async def stack(
    dev_server_env: WorkflowEnvironment, settings: Settings, db_pool: asyncpg.Pool
) -> AsyncIterator[tuple[Govflow, dict[str, str]]]:
    """A worker of its own on the dev server; the command line's environment beside it."""
    settings = settings.model_copy(update={"task_queue": f"pii-{uuid.uuid4().hex[:8]}"})
    gf = Govflow(dev_server_env.client, settings, tokens=dev_tokens(settings))
    env = {
        "TEMPORAL_ADDRESS": dev_server_env.client.service_client.config.target_host,
        "GOVFLOW_TASK_QUEUE": settings.task_queue,
        "GOVFLOW_STATE_DIR": str(settings.state_dir),
        "DATABASE_URL": settings.database_url or "",
    }
    async with build_worker(dev_server_env.client, db_pool, settings):
        yield gf, env


async def listed(env: dict[str, str], *args: str) -> list[dict[str, Any]]:
    done = await run_govflow_async("list", "--json", *args, env=env)
    assert done.returncode == 0, done.stderr
    found: list[dict[str, Any]] = json.loads(done.stdout)
    return found


def test_a_pseudonym_is_stable_for_a_person_and_differs_between_people(settings: Settings) -> None:
    keys = load_keyring(settings)
    person, other = fresh_id_number(), fresh_id_number()
    assert keys.pseudonym(person) == keys.pseudonym(person) == load_keyring(settings).pseudonym(person)
    assert keys.pseudonym(person) == keys.pseudonym(f" {person.lower()} ")  # as typed
    assert keys.pseudonym(person) != keys.pseudonym(other)
    assert keys.pseudonym(person).startswith("P-") and person not in keys.pseudonym(person)
    # Keyed: another key ring gives another pseudonym; a rotated one (same pseudonym key), the same.
    assert KeyRing.generated().pseudonym(person) != keys.pseudonym(person)
    assert keys.rotated().pseudonym(person) == keys.pseudonym(person)


async def test_a_person_is_searched_by_pseudonym_and_their_data_is_sealed_in_the_log(
    stack: tuple[Govflow, dict[str, str]], settings: Settings, db_pool: asyncpg.Pool, postgres_url: str
) -> None:
    gf, env = stack
    keys = load_keyring(settings)
    person = copy.deepcopy(example("title-review", "start")["applicant"])
    person |= {"id_number": fresh_id_number(), "name": f"测试{uuid.uuid4().hex[:6]}"}
    case_no = await start_person_case(gf, "title-review", {"applicant": person})
    pseudonym = keys.pseudonym(person["id_number"])
    await gf.decide(case_no, "report-fraud", AGENCY, {"findings": "申报的代表作系他人成果"})
    await wait_for_status(gf, case_no, lambda s: s.outcome is not None)

    # (a) The ApplicantId search attribute is the pseudonym; `govflow list` shows no ID number.
    described = await gf.client.get_workflow_handle(case_no).describe()
    assert described.typed_search_attributes.get(sa.APPLICANT_ID) == pseudonym
    everything = json.dumps(await listed(env, "--procedure", "title-review", "--limit", "1000"))
    assert case_no in everything and person["id_number"] not in everything
    [mine] = await listed(env, "--applicant", person["id_number"])
    assert (mine["case_no"], mine["applicant_id"]) == (case_no, pseudonym)
    assert await listed(env, "--applicant", fresh_id_number()) == []

    # (b) The log holds none of the person's data in clear; read_events gives it back.
    rows = await db_pool.fetch("SELECT type, data::text AS text FROM case_events WHERE case_no = $1", case_no)
    assert {"CaseOpened", "PersonBlacklisted", "NoticeIssued"} <= {row["type"] for row in rows}
    for row in rows:
        assert person["id_number"] not in row["text"], row["type"]
        assert person["name"] not in row["text"], row["type"]
    async with db_pool.acquire() as conn:
        events = await read_events(conn, case_no)
    opened = next(e for e in events if e.type == "CaseOpened").data
    assert opened["applicant_id"] == pseudonym
    assert (opened["application"]["applicant"]["id_number"], opened["application"]["applicant"]["name"]) == (
        person["id_number"],
        person["name"],
    )
    blacklisted = next(e for e in events if e.type == "PersonBlacklisted").data
    assert (blacklisted["id_number"], blacklisted["name"]) == (person["id_number"], person["name"])
    notice = next(e for e in events if e.type == "NoticeIssued").data
    assert notice["recipient"] == person["name"] and person["name"] in notice["body"]

    # The read models keep the pseudonym, and the blacklist finds the person by ID number.
    assert await db_pool.fetchval("SELECT applicant_id FROM cases WHERE case_no = $1", case_no) == pseudonym
    kept = await db_pool.fetchrow("SELECT * FROM title_blacklist WHERE case_no = $1", case_no)
    assert kept is not None and (kept["person"], kept["id_number"], kept["name"]) == (pseudonym, None, None)
    async with db_pool.acquire() as conn:
        assert await blacklist_entries(conn, person["id_number"]) == ["申报的代表作系他人成果"]
        assert await blacklist_entries(conn, fresh_id_number()) == []

    # A complainant's contact person, telephone and address are sealed too.
    document = example("complaint", "start") | {"received_on": None}
    filed = await gf.start_case("complaint", ComplaintFiling.model_validate(document))
    await wait_for_status(gf, filed.case_no, lambda s: bool(s.history))
    [opened_row] = await db_pool.fetch(
        "SELECT data FROM case_events WHERE case_no = $1 AND type = 'CaseOpened'", filed.case_no
    )
    complainant = opened_row["data"]["application"]["complainant"]
    assert all(is_sealed(complainant[f]) for f in ("name", "contact_person", "contact", "address"))
    assert complainant["id"] == document["complainant"]["id"]  # a company's code: public
    text = json.dumps(opened_row["data"], ensure_ascii=False)
    for value in ("王经理", "010-65000000", "北京市朝阳区建国路1号"):
        assert value not in text

    # (c) The read models rebuilt from the sealed log equal the live ones.
    live = await snapshot(db_pool)
    done = await run_govflow_async("rebuild-projections", env={**env, "DATABASE_URL": postgres_url})
    assert done.returncode == 0, done.stderr
    assert await snapshot(db_pool) == live


async def test_a_retried_append_of_a_sealed_event_is_the_same_event(
    settings: Settings, db_pool: asyncpg.Pool
) -> None:
    """Sealing is randomised; the idempotency check compares the opened values."""
    from datetime import UTC, datetime

    from activities.db.event_log import EventLogConflictError, append_events
    from domain.case import CaseEvent

    keys = load_keyring(settings)
    case_no = f"PII-{uuid.uuid4().hex[:10].upper()}"
    at = datetime(2026, 9, 28, 1, 0, tzinfo=UTC)
    person = {"id_number": fresh_id_number(), "name": "甲"}
    blacklisted = CaseEvent(
        seq=1, at=at, type="PersonBlacklisted", actor="system:govflow", data=person | {"findings": "x"}
    )
    async with db_pool.acquire() as conn:
        assert await append_events(conn, case_no, [blacklisted], projections(), keys) == 1
        assert await append_events(conn, case_no, [blacklisted], projections(), keys) == 0
        other = blacklisted.model_copy(update={"data": person | {"name": "乙", "findings": "x"}})
        with pytest.raises(EventLogConflictError):
            await append_events(conn, case_no, [other], projections(), keys)
        assert await read_events(conn, case_no, keys) == [blacklisted]
        stored = await conn.fetchval("SELECT data FROM case_events WHERE case_no = $1", case_no)
    assert is_sealed(stored["id_number"]) and is_sealed(stored["name"]) and stored["findings"] == "x"
