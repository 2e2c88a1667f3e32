"""Foreign professional qualification verification (京人社事业发〔2021〕33号, 附件2) on the
time-skipping server, with the catalog (附件1) in the real PostgreSQL."""

from __future__ import annotations

import copy
import json
import secrets
import shutil
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.db.read_models.qualification import look_up_code
from activities.qualification import shipped_catalog
from domain.case import Actor
from domain.errors import RateLimitedError
from domain.qualification import DISCLAIMER, code_digest, format_code, parse_code
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError, GovflowError, InputError
from tests.helpers import (
    CaseDriver,
    beijing,
    example,
    nth_working_day_after,
    run_govflow_async,
    start_from,
    wait_for_status,
)
from workers.codec import plaintext_history
from workers.settings import Settings

pytestmark = pytest.mark.workflow

OFFICER = Actor(role="verification-officer", id="platform-01")
OPERATOR = Actor(role="operator", id="ops-1")


class Verification(CaseDriver):
    folder = "qualification-verification"

    def code_delivered(self, settings: Settings) -> str:
        """The code as the employer received it (the folder channel's file)."""
        text = (settings.notices_dir / self.case_no / "verification-code.txt").read_text(encoding="utf-8")
        [line] = [ln.strip() for ln in text.splitlines() if ln.strip().count("-") == 4]
        return line


class Request(Protocol):
    async def __call__(self, name: str = "start", **changes: Any) -> Verification: ...


@pytest.fixture
async def request_for(
    gf: Govflow, time_skipping_env: WorkflowEnvironment, time_skipping_worker: Worker, db_pool: asyncpg.Pool
) -> Request:
    async def start(name: str = "start", **changes: Any) -> Verification:
        document = copy.deepcopy(example("qualification-verification", name)) | changes
        case_no = await start_from(gf, "qualification-verification", document, lambda s: s.stage != "opening")
        return Verification(time_skipping_env, gf, db_pool, case_no)

    return start


async def test_附件2_accepted_chased_answered_authentic_and_looked_up_by_code(
    request_for: Request, settings: Settings, gf: Govflow
) -> None:
    """附件2 二: accepted, the employer told how long (10 working days), the foreign issuer chased
    before the promise runs out; 三: authentic → a verification code, which a look-up finds with
    the qualification, its issuer and the disclaimer of 四, and nothing of the holder."""
    case = await request_for()
    status = await case.status()
    assert status.case_no.startswith("QVER-") and status.stage == "acceptance"
    [checked] = await case.events("CatalogChecked")
    assert (checked["version"], checked["found"], checked["name"]) == ("1.0", True, "药剂师(执业药师)资格")

    assert await case.decide_example("accept") == "awaiting-issuer"
    accepted_on = await case.today()
    [clock] = (await case.status()).deadlines
    # 10 working days after the day of acceptance, counted one by one (the day itself not counted)
    assert (clock.name, clock.article, clock.due) == (
        "verification",
        "附件2 二",
        nth_working_day_after(accepted_on, 10),
    )
    _, accepted = await case.notice("accepted")
    assert "查询所需时间为10个工作日" in accepted and "澳洲卫生执业者管理局" in accepted

    # The promise nears: the foreign issuer is chased (a reminder addressed to it), nothing breached.
    await case.env.sleep(beijing(clock.due, 0, 5) - await case.env.get_current_time())
    [reminded] = await case.events("ClockReminded")
    assert (
        reminded["recipient"]
        == "澳洲卫生执业者管理局（The Australian Health Practitioner Regulation Agency）"
    )
    assert (await case.status()).deadlines[0].state != "breached"

    await case.decide_example("record-answer")
    final = await case.status()
    assert (final.outcome, final.deadlines[0].state) == ("authentic", "met")
    [issued] = await case.events("CodeIssued")
    code = case.code_delivered(settings)
    assert parse_code(code) == code
    # The code is nowhere but with the employer: not in the history, the log or the notices.
    assert code not in json.dumps([e.model_dump(mode="json") for e in final.history], ensure_ascii=False)
    bodies = await case.pool.fetch("SELECT body FROM notices WHERE case_no=$1", case.case_no)
    assert bodies and all(code not in row["body"] for row in bodies)
    logged = await case.pool.fetch("SELECT data::text AS d FROM case_events WHERE case_no=$1", case.case_no)
    assert all(code not in row["d"] for row in logged)
    stored = await case.pool.fetchval(
        "SELECT code_digest FROM qualification_codes WHERE case_no=$1", case.case_no
    )
    assert stored == code_digest(code) and issued["code_id"]
    history = await gf.client.get_workflow_handle(case.case_no).fetch_history()
    assert (
        code not in plaintext_history(history, gf.client.data_converter).to_json()
    )  # the history, decrypted
    _, result = await case.notice("result")
    assert "验证为真实" in result and DISCLAIMER in result

    caller = f"test-{uuid.uuid4().hex[:8]}"
    found = await gf.verify_code(code.lower().replace("-", " "), caller=caller)  # typed loosely
    assert (found["status"], found["qualification_no"], found["issuer"]) == (
        "authentic",
        79,
        "澳洲卫生执业者管理局",
    )
    assert found["disclaimer"] == DISCLAIMER
    text = json.dumps(found, ensure_ascii=False)
    assert "Jane Example" not in text and "PHA0001234567" not in text  # nothing of the holder
    assert await case.pool.fetchval("SELECT found FROM qualification_code_lookups WHERE caller=$1", caller), (
        "the look-up is logged"
    )

    # 附件2 三: a code cannot be guessed: 10,000 random well-formed codes find nothing.
    guesses = [code_digest(format_code(secrets.randbits(80))) for _ in range(10_000)]
    hits = await case.pool.fetchval(
        "SELECT count(*) FROM qualification_codes WHERE code_digest = ANY($1::text[])", guesses
    )
    assert hits == 0


async def test_附件2_二_the_promise_passes_unanswered_is_escalated_and_a_late_answer_ends_it(
    request_for: Request,
) -> None:
    """附件2 二: the platform's promise (here 3 calendar days) passes without the issuer's
    answer: escalated to the bureau; the answer that comes late ends the case (not authentic:
    no code)."""
    case = await request_for()
    await case.decide_example("accept", length=3, unit="calendar-days")
    accepted_on = await case.today()
    [clock] = (await case.status()).deadlines
    assert clock.due == accepted_on + timedelta(days=3)  # 3 calendar days, the day itself not counted
    await case.env.sleep(beijing(clock.due + timedelta(days=1), 0, 5) - await case.env.get_current_time())
    status = await case.status()
    assert status.deadlines[0].state == "breached" and status.stage == "awaiting-issuer"
    body = await case.pool.fetchval("SELECT supervising_body FROM escalations WHERE case_no=$1", case.case_no)
    assert body == "北京市人力资源和社会保障局"
    await case.gf.decide(
        case.case_no,
        "record-answer",
        OFFICER,
        example("qualification-verification", "record-answer--not-authentic")["payload"],
    )
    final = await case.status()
    assert final.outcome == "not authentic" and not await case.events("CodeIssued")
    _, result = await case.notice("result")
    assert "未能验证为真实" in result


async def test_附件2_二_an_issuer_that_never_answers_is_closed_unverified_after_the_promise(
    request_for: Request,
) -> None:
    """附件2 二、三: the issuer never answers; before the promised time passes the case cannot be
    closed unverified (it still waits), after it (escalated) the platform tells the employer the
    certificate could not be verified: no code, an outcome, the case ends."""
    case = await request_for()
    await case.decide_example("accept", length=5, unit="working-days")
    with pytest.raises(DecisionRejectedError, match="承诺的查验时限尚未届满"):
        await case.decide_example("close-unverified")
    [clock] = (await case.status()).deadlines
    await case.env.sleep(beijing(clock.due + timedelta(days=1), 0, 5) - await case.env.get_current_time())
    assert (await case.status()).deadlines[0].state == "breached"
    await case.decide_example("close-unverified")
    final = await case.status()
    assert final.outcome == "not verified: no answer from the issuer" and not await case.events("CodeIssued")
    _, result = await case.notice("result")
    assert "境外发证机构仍未答复" in result and "验证为真实" not in result


async def test_附件2_二_a_qualification_outside_the_catalog_is_refused(request_for: Request) -> None:
    """附件2 二: only a request that meets the conditions is accepted; 《目录》(1.0版) has 82
    items, and a 83rd is refused when the case opens, with the version named."""
    case = await request_for("start-outside-catalog")
    status = await case.status()
    assert status.outcome == "refused: not in the catalog"
    [checked] = await case.events("CatalogChecked")
    assert (checked["version"], checked["found"]) == ("1.0", False)
    _, refused = await case.notice("refused")
    assert "不在《目录》内" in refused and "1.0版" in refused
    with pytest.raises(DecisionRejectedError):
        await case.decide_example("accept")


async def test_附件2_四_false_materials_are_refused(request_for: Request) -> None:
    """附件2 四: "对于提供虚假材料或不实信息的…有权拒绝受理其申请"."""
    case = await request_for()
    with pytest.raises(DecisionRejectedError):  # not yet: the answer comes after acceptance
        await case.decide_example("record-answer")
    await case.decide_example("refuse")
    assert (await case.status()).outcome == "refused"
    _, refused = await case.notice("refused")
    assert "提供虚假材料或不实信息" in refused


async def test_附件2_三_a_malformed_code_is_refused_before_any_look_up(
    gf: Govflow, db_pool: asyncpg.Pool
) -> None:
    """附件2 三: a code whose check character does not match is refused with a clear error, and
    nothing is looked up (no row in the look-up log)."""
    caller = f"test-{uuid.uuid4().hex[:8]}"
    # format_code(1) is 0000-0000-0000-0001-1 by hand (1 mod 37 = 1); its check changed to 2:
    with pytest.raises(InputError, match="校验位"):
        await gf.verify_code("0000-0000-0000-0001-2", caller=caller)
    with pytest.raises(InputError, match="格式"):
        await gf.verify_code("0000-0000", caller=caller)
    assert (
        await db_pool.fetchval("SELECT count(*) FROM qualification_code_lookups WHERE caller=$1", caller) == 0
    )
    # well formed but never issued: not found (and logged)
    assert (await gf.verify_code("0000-0000-0000-0001-1", caller=caller))["status"] == "not-found"


async def test_附件2_三_look_ups_are_limited_per_caller_per_minute(
    gf: Govflow, db_pool: asyncpg.Pool
) -> None:
    """附件2 三: a public look-up is limited (10 a minute per caller) and each try is logged."""
    caller = f"test-{uuid.uuid4().hex[:8]}"
    for _ in range(10):
        assert (await gf.verify_code(format_code(secrets.randbits(80)), caller=caller))[
            "status"
        ] == "not-found"
    with pytest.raises(GovflowError, match="查询过于频繁"):
        await gf.verify_code(format_code(secrets.randbits(80)), caller=caller)
    rows = await db_pool.fetch(
        "SELECT found, limited FROM qualification_code_lookups WHERE caller=$1", caller
    )
    assert len(rows) == 11 and sum(r["limited"] for r in rows) == 1


async def test_附件2_三_a_guesser_naming_a_new_caller_each_time_is_held_by_the_total(
    db_pool: asyncpg.Pool,
) -> None:
    """附件2 三: the caller is who the client says it is; 600 look-ups a minute by all callers
    together (here 600 by 600 callers, written directly) hold the 601st, by yet another caller."""
    prefix = f"flood-{uuid.uuid4().hex[:6]}-"
    await db_pool.executemany(
        "INSERT INTO qualification_code_lookups (caller, found) VALUES ($1, false)",
        [(f"{prefix}{n}",) for n in range(600)],
    )
    try:
        async with db_pool.acquire() as conn:
            with pytest.raises(RateLimitedError, match="全部查询人合计600次"):
                await look_up_code(conn, code_digest(format_code(secrets.randbits(80))), f"{prefix}new")
    finally:  # the other tests of the minute look codes up too
        await db_pool.execute("DELETE FROM qualification_code_lookups WHERE caller LIKE $1", prefix + "%")


async def test_附件1_the_catalog_is_searchable_by_text_field_and_country(gf: Govflow) -> None:
    """附件1: `govflow catalog search 药剂师`: items 79–81; by field and by country."""
    pharmacists = await gf.qualification_catalog("药剂师", version="1.0")
    assert [row["number"] for row in pharmacists["rows"]] == [79, 80, 81]
    sport = await gf.qualification_catalog(field="sport", version="1.0")
    assert [row["number"] for row in sport["rows"]] == [54, 55, 56, 57, 58, 59, 60]
    macao = await gf.qualification_catalog(country="中国澳门", version="1.0")
    assert [row["number"] for row in macao["rows"]] == [16, 75]


async def test_正文一_relaxations_for_a_holder_aged_66(gf: Govflow) -> None:
    """正文 一: age up to 65 (70 in a high-end industry field); the row's conditions (item 79:
    two years' experience, registration with the city's 药监 department before practising)."""
    plain = await gf.qualification_relaxations(79, {"age": 66, "experience_years": 3}, version="1.0")
    age = next(r for r in plain["relaxations"] if r["rule"] == "age")
    assert age["applies"] is False and age["source"] == "京人社事业发〔2021〕33号 正文一"
    high_end = await gf.qualification_relaxations(79, {"age": 66, "high_end_industry": True}, version="1.0")
    assert next(r for r in high_end["relaxations"] if r["rule"] == "age")["applies"] is True
    conditions = {c["rule"]: c for c in plain["conditions"]}
    assert conditions["relevant-experience"]["met"] is True
    assert "我市药监主管部门" in conditions["registration-before-practice"]["detail"]


async def test_四_a_later_catalog_version_leaves_open_cases_under_theirs(
    request_for: Request, gf: Govflow, settings: Settings, db_pool: asyncpg.Pool
) -> None:
    """四: the catalog is adjusted over time: a later version is in force for new requests, and a
    case judged under 1.0 keeps 1.0 (its row, its code's look-up). Here a test version without
    item 82 (执业兽医资格)."""
    opened = await request_for(qualification_no=82)
    document = shipped_catalog().model_dump(mode="json")
    document["version"] = f"1.1-test-{uuid.uuid4().hex[:6]}"
    document["rows"] = [row for row in document["rows"] if row["number"] != 82]
    # A read or act is awaited without letting the server skip past the open case's time.
    with opened.env.auto_time_skipping_disabled():
        with pytest.raises(GovflowError):  # only an operator or the bureau loads a version
            await gf.load_qualification_catalog(document, "test.json", OFFICER)
        loaded = await gf.load_qualification_catalog(document, "test.json", OPERATOR)
        assert (loaded["rows"], loaded["loaded"]) == (81, True)
        found = await gf.qualification_catalog("执业兽医")
        assert found["version"] == document["version"] and found["rows"] == []
    later = await request_for(qualification_no=82, certificate_no="VET-0002")
    assert (await later.status()).outcome == "refused: not in the catalog"
    await opened.decide_example("accept")
    await opened.decide_example("record-answer")
    assert (await opened.status()).outcome == "authentic"
    answer = await gf.verify_code(opened.code_delivered(settings), caller=f"test-{uuid.uuid4().hex[:8]}")
    assert (answer["catalog_version"], answer["qualification"]) == ("1.0", "执业兽医资格")
    # The test version leaves the session's database: 1.0 is in force again for the tests after.
    async with db_pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM qualification_catalog WHERE version = $1", document["version"])
        await conn.execute(
            "DELETE FROM qualification_catalog_versions WHERE version = $1", document["version"]
        )


async def test_附件2_一_the_command_line_starts_a_request_from_the_example_and_looks_codes_up(
    gf: Govflow, settings: Settings, tmp_path: Path, time_skipping_env: WorkflowEnvironment
) -> None:
    """附件2 一: `govflow start qualification-verification examples/…/start.json`; a malformed
    file is refused with the field named; `govflow verify-code` refuses a bad check character
    before any look-up; `govflow catalog search 药剂师` and `catalog relaxations 79 --age 66`."""
    state = tmp_path / "state"
    shutil.copytree(settings.state_dir, state)
    env = {
        "TEMPORAL_ADDRESS": gf.client.service_client.config.target_host,
        "GOVFLOW_TASK_QUEUE": settings.task_queue,
        "GOVFLOW_STATE_DIR": str(state),
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/nothing",  # the client has no database
    }
    login = await run_govflow_async("login", "--as", "clerk:clerk-001", env=env)
    assert login.returncode == 0, login.stderr
    folder = Path(__file__).resolve().parents[2] / "examples" / "qualification-verification"
    started = await run_govflow_async(
        "start", "qualification-verification", str(folder / "start.json"), "--json", env=env
    )
    assert started.returncode == 0, started.stderr
    case_no = json.loads(started.stdout)["case_no"]
    status = await wait_for_status(gf, case_no, lambda s: s.stage == "acceptance")
    assert status.procedure == "qualification-verification"

    document = example("qualification-verification", "start") | {"qualification_no": 0}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    refused = await run_govflow_async("start", "qualification-verification", str(bad), env=env)
    assert refused.returncode != 0 and "qualification_no" in refused.stderr

    malformed = await run_govflow_async("verify-code", "0000-0000-0000-0001-2", env=env)
    assert malformed.returncode != 0 and "校验位" in malformed.stderr
    with time_skipping_env.auto_time_skipping_disabled():  # the open case's time stays put
        found = await run_govflow_async("catalog", "search", "药剂师", "--json", env=env)
        assert found.returncode == 0, found.stderr
        assert [r["number"] for r in json.loads(found.stdout)["rows"]] == [79, 80, 81]
        relax = await run_govflow_async("catalog", "relaxations", "79", "--age", "66", "--json", env=env)
        assert relax.returncode == 0, relax.stderr
        age = next(r for r in json.loads(relax.stdout)["relaxations"] if r["rule"] == "age")
        assert age["applies"] is False  # 正文一: 65, not a high-end field
