"""The municipal HR service industrial park (京人社市场发〔2021〕35号 第五、七至十二条) on the
time-skipping server: designation, publicity, the title, the three-yearly evaluation, the
rectification, the revocation, and the register."""

from __future__ import annotations

import calendar
import copy
import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.case import Actor, Deadline
from domain.hr_park import ParkApplication, ParkOpening
from domain.schedules import package_calendar
from govflow.client import Govflow
from govflow.client.errors import DecisionRejectedError
from tests.conftest import own_time_skipping_server
from tests.helpers import (
    EXAMPLES,
    CaseDriver,
    beijing,
    example,
    example_actor,
    nth_working_day_after,
    run_govflow_async,
    start_from,
    wait_for_status,
)
from tests.workflows.test_credit_record import fresh_uscc
from workers.settings import Settings

pytestmark = pytest.mark.workflow


# This module's own server: its parks sleep years (第十条's 3-yearly evaluations), which must
# not move the session's clock for the modules after it.
time_skipping_env, time_skipping_worker = own_time_skipping_server()


def months_on(day: date, months: int) -> date:
    """By hand: the same day number `months` later, or that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Park(CaseDriver):
    folder = "hr-park"

    async def decide_example(self, name: str, actor: Actor | None = None, **changes: Any) -> str:
        """The decision of examples/hr-park/NAME.json (a variant DECISION--VARIANT.json too)."""
        payload = example(self.folder, name).get("payload", {}) | changes
        actor = actor or example_actor(self.folder, name)
        accepted = await self.gf.decide(self.case_no, name.split("--")[0], actor, payload)
        return str(accepted.stage)

    async def register_row(self) -> dict[str, Any] | None:
        row = await self.pool.fetchrow("SELECT * FROM hr_parks WHERE case_no = $1", self.case_no)
        return dict(row) if row is not None else None

    async def sleep_until(self, day: date, hour: int = 0, minute: int = 30) -> None:
        await self.env.sleep(beijing(day, hour, minute) - await self.env.get_current_time())

    async def through_assessment(self) -> date:
        """第九条1–3: materials complete, assessed, published; the day it was published."""
        assert await self.decide_example("check-materials") == "assessment"
        assert await self.decide_example("assess") == "publicity"
        return await self.today()

    async def designated(self) -> date:
        """Published on D, the window's last day is D + 7, the title on D + 8 (第九条3)."""
        published = await self.through_assessment()
        await self.sleep_until(published + timedelta(days=8))
        status = await wait_for_status(self.gf, self.case_no, lambda s: s.stage == "designated")
        [designated] = [e.data for e in status.history if e.type == "ParkDesignated"]
        return date.fromisoformat(designated["designated_on"])


class ApplyFor(Protocol):
    async def __call__(self, name: str = "start", **changes: Any) -> Park: ...


@pytest.fixture
async def apply(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    db_pool: asyncpg.Pool,
) -> ApplyFor:
    async def apply_for(name: str = "start", **changes: Any) -> Park:
        document = copy.deepcopy(example("hr-park", name))
        document["operator"]["uscc"] = fresh_uscc()
        document |= changes
        return Park(time_skipping_env, gf, db_pool, await start_from(gf, "hr-park", document))

    return apply_for


async def test_16_an_application_received_after_the_measures_five_years_is_noted(
    gf: Govflow, time_skipping_env: WorkflowEnvironment, time_skipping_worker: Worker
) -> None:
    """第十六条 "自发布之日起施行,有效期5年": published 2021-08-31, in force through 2026-08-30. An
    application received on the last day is not noted; one received the day after is."""
    for received, noted in ((date(2026, 8, 30), False), (date(2026, 8, 31), True)):
        document = copy.deepcopy(example("hr-park", "start"))
        document["operator"]["uscc"] = fresh_uscc()
        document["government_consent"]["consented_on"] = "2026-08-01"
        application = ParkApplication.model_validate(document)
        ref = await gf.start_case("hr-park", application, received_at=beijing(received, 10))
        status = await wait_for_status(gf, ref.case_no, lambda s: s.stage == "completeness")  # opened
        after = [e.data for e in status.history if e.type == "ReceivedAfterTheMeasuresTerm"]
        assert after == (
            [{"received_on": "2026-08-31", "valid_through": "2026-08-30", "article": "第十六条"}]
            if noted
            else []
        )


async def test_designated_after_an_objection_is_dismissed_then_evaluated_3_years_on_unqualified_and_rectified_on_time(
    apply: ApplyFor,
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> None:
    """第九条3 (7 days, objection dismissed → 授牌), 第十条 (3 years on), 第十二条 (限期整改, rechecked),
    第五条 (district measures filed). Three parks titled the same day share the 3 years (the
    time-skipping server is the session's: one sleep of years, not one per test): one revoked
    (第十二条), one commended (第十二条), one whose case went on in a new run (第十条)."""
    park = await apply()
    revoked, commended = await apply(), await apply()
    continued = await start_directly(gf, time_skipping_env, settings, db_pool, continue_after_events=12)
    status = await park.status()
    assert (status.stage, status.case_no[:4]) == ("completeness", "HRPK")
    published = await park.through_assessment()
    for other in (revoked, commended, continued):
        assert await other.through_assessment() == published
    [assessed] = await park.events("ParkAssessed")
    assert [(f["article"], f["met"]) for f in assessed["findings"]] == [
        ("第八条1", True),
        ("第八条2", True),
        ("第八条3", True),
        ("第八条4", True),
        ("第八条5", True),
    ]
    assert assessed["findings"][3]["figure"] == "66/120"  # examples/hr-park/assess.json
    [started] = await park.events("ParkPublicityStarted")
    assert started == {
        "published_on": published.isoformat(),
        "ends_on": (published + timedelta(days=7)).isoformat(),
    }
    # The window is the case's deadline: in status, with the period as what the case waits for.
    status = await park.status()
    window = Deadline(
        name="publicity",
        article="第九条3",
        due=published + timedelta(days=7),
        state="running",
        kind="publicity",
        acts="对公示园区有异议者",
    )
    assert window in status.deadlines
    assert status.next_step is not None
    assert (status.next_step.waiting_for, status.next_step.due) == ("period", window.due)
    assert await park.decide_example("object") == "publicity"
    assert await park.decide_example("rule-objection") == "publicity"  # dismissed (upheld: false)

    # The last day of the window is D + 7: still in publicity late that evening; titled on D + 8.
    await park.sleep_until(published + timedelta(days=7), 23, 30)
    assert (await park.status()).stage == "publicity"
    assert await park.register_row() is None
    await park.sleep_until(published + timedelta(days=8))
    status = await wait_for_status(park.gf, park.case_no, lambda s: s.stage == "designated")
    titled = published + timedelta(days=8)
    first_due = months_on(titled, 36)
    [designated] = await park.events("ParkDesignated")
    assert (designated["designated_on"], designated["next_evaluation_due"]) == (
        titled.isoformat(),
        first_due.isoformat(),
    )
    row = await park.register_row()
    assert row is not None and (row["designated_on"], row["next_evaluation_due"]) == (titled, first_due)
    template, body = await park.notice("designated")
    assert template == "hr_park_designated" and "授牌为北京市市级人力资源服务产业园" in body
    await the_record_goes_on_in_a_new_run(continued, titled)

    # 第五条: the district files its own measures, dated by the act.
    assert await park.decide_example("file-district-measures") == "designated"
    [filed] = await park.events("DistrictMeasuresFiled")
    assert (filed["document_no"], filed["filed_on"]) == (
        "海人社发〔2026〕5号",
        (await park.today()).isoformat(),
    )

    # 第十条: nothing the day before the third anniversary; the evaluation opens on it.
    await park.sleep_until(first_due - timedelta(days=1), 23, 0)
    assert (await park.status()).stage == "designated"
    await park.sleep_until(first_due, 1, 0)
    for each in (park, revoked, commended, continued):
        await wait_for_status(gf, each.case_no, lambda s: s.stage == "evaluation")
    [opened] = await park.events("ParkEvaluationOpened")
    assert opened == {"round_no": 1, "due_on": first_due.isoformat()}
    assert await continued.events("ParkEvaluationOpened") == [opened]  # the new run's timer
    await an_evaluation_revokes_the_title_and_the_park_leaves_the_register(revoked)
    await an_excellent_park_is_commended_and_next_evaluated_6_years_from_the_title(commended, titled)

    # 第十二条: unqualified, to rectify within 45 days; the park's period, off a rest day.
    evaluated_on = await park.today()
    rectify_by = evaluated_on + timedelta(days=45)
    assert (
        await park.decide_example("evaluate--unqualified", rectify_by=rectify_by.isoformat())
        == "rectification"
    )
    [clock] = [d for d in (await park.status()).deadlines if d.kind == "clock"]
    expected_due = rectify_by
    while not package_calendar().is_working_day(expected_due):  # 民法典 第二百零三条
        expected_due += timedelta(days=1)
    assert (clock.name, clock.article, clock.due) == ("rectification", "第十二条", expected_due)
    template, body = await park.notice("evaluated-1")
    assert template == "hr_park_evaluated" and "结果为：不合格" in body
    with pytest.raises(DecisionRejectedError, match="stage"):
        await park.decide_example("evaluate")  # a second evaluation in rectification: nothing changed

    await park.sleep_until(rectify_by - timedelta(days=5), 10, 0)
    assert await park.decide_example("recheck") == "designated"
    status = await park.status()
    assert [(d.name, d.kind, d.state) for d in status.deadlines] == [
        ("rectification", "clock", "met"),
        ("publicity", "publicity", "met"),
        ("evaluation", "period", "running"),  # designated again: the next evaluation is its wait
    ]
    row = await park.register_row()
    assert row is not None and row["last_result"] == "unqualified"
    park_record = await park.gf.client.get_workflow_handle(park.case_no).query("park")
    assert park_record["evaluations"] == 1
    # The next evaluation: 6 years from the title, not 3 from the rectification.
    assert row["next_evaluation_due"] == months_on(titled, 72)


async def start_directly(
    gf: Govflow, env: WorkflowEnvironment, settings: Settings, pool: asyncpg.Pool, continue_after_events: int
) -> Park:
    """A park's case started directly, with a short run (the intake starts it with 1000)."""
    application = ParkApplication.model_validate(
        example("hr-park", "start") | {"operator": {"uscc": fresh_uscc(), "name": "北京示例园区运营有限公司"}}
    )
    case_no = f"HRPK-2026-9{fresh_uscc()[-5:]}"
    await gf.client.start_workflow(
        "hr-park",
        ParkOpening(case_no=case_no, application=application, continue_after_events=continue_after_events),
        id=case_no,
        task_queue=settings.task_queue,
    )
    await wait_for_status(gf, case_no, lambda s: bool(s.history))
    return Park(env, gf, pool, case_no)


async def the_record_goes_on_in_a_new_run(park: Park, titled: date) -> None:
    """第十条: the park's case lives for years: continue-as-new carries its record and numbering."""
    # Titled with 12 events in the run: it hands over to a new run at once.
    status = await wait_for_status(
        park.gf, park.case_no, lambda s: not any(e.type == "CaseOpened" for e in s.history)
    )
    assert (status.stage, status.history) == ("designated", ())  # the new run has recorded nothing yet
    record = await park.gf.client.get_workflow_handle(park.case_no).query("park")
    assert (record["designated_on"], record["evaluations"]) == (titled.isoformat(), 0)
    rows = await park.pool.fetch(
        "SELECT seq, type FROM case_events WHERE case_no=$1 ORDER BY seq", park.case_no
    )
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))  # the numbering goes on
    assert "ParkDesignated" in [r["type"] for r in rows] and rows[-1]["type"] == "ParkRecordContinued"


async def an_evaluation_revokes_the_title_and_the_park_leaves_the_register(park: Park) -> None:
    """第十二条: "存在违规运营情况…取消授牌"; the register no longer holds the park."""
    assert await park.register_row() is not None
    assert await park.decide_example("evaluate--revoked") == "closed"
    assert (await park.status()).outcome == "revoked"
    [revoked] = await park.events("ParkTitleRevoked")
    assert revoked["causes"] == ["irregular-operation", "no-clear-benefit"]
    assert await park.register_row() is None
    template, body = await park.notice("revoked")
    assert template == "hr_park_revoked" and "取消其市级人力资源服务产业园授牌" in body
    assert "存在违规运营情况、效益不明显" in body


async def an_excellent_park_is_commended_and_next_evaluated_6_years_from_the_title(
    park: Park, titled: date
) -> None:
    """第十二条: "对评估结果为优秀的园区予以表扬"; 第十条: every 3 years."""
    assert await park.decide_example("evaluate", result="excellent") == "designated"
    row = await park.register_row()
    assert row is not None and (row["last_result"], row["commendations"]) == ("excellent", 1)
    assert row["next_evaluation_due"] == months_on(titled, 72)
    _, body = await park.notice("evaluated-1")
    assert "予以表扬" in body


async def test_materials_lacking_one_of_the_five_are_not_passed_as_complete_and_go_back(
    apply: ApplyFor,
) -> None:
    """第九条1: the five materials; a wrong-stage decision changes nothing."""
    park = await apply("start-incomplete")
    with pytest.raises(DecisionRejectedError, match="第九条1"):
        await park.decide_example("check-materials")
    with pytest.raises(DecisionRejectedError):
        await park.decide_example("assess")  # not in `assessment`
    assert [e.type for e in (await park.status()).history].count("DecisionTaken") == 0
    assert await park.decide_example("check-materials--incomplete") == "closed"
    status = await park.status()
    assert status.outcome == "returned: materials incomplete"
    template, body = await park.notice("returned")
    assert template == "hr_park_returned" and "园区运营管理体系" in body


async def test_a_contribution_of_exactly_100_million_is_not_over_it_and_the_park_is_not_designated(
    apply: ApplyFor,
) -> None:
    """第八条3: "超过1亿元": ¥100,000,000 is not over it."""
    park = await apply()
    await park.decide_example("check-materials")
    document = example("hr-park", "assess")["payload"]
    document["figures"]["contribution_yuan"] = 100_000_000
    assert await park.decide_example("assess", **document) == "closed"
    status = await park.status()
    assert status.outcome == "not designated"
    [assessed] = await park.events("ParkAssessed")
    assert [f["article"] for f in assessed["findings"] if not f["met"]] == ["第八条3"]
    _, body = await park.notice("not-designated")
    assert "第八条3" in body and "100000000元" in body


async def test_an_upheld_objection_ends_the_designation(apply: ApplyFor) -> None:
    """第九条3: "公示无异议的" — with an objection upheld, no title."""
    park = await apply()
    await park.through_assessment()
    await park.decide_example("object")
    assert await park.decide_example("rule-objection", upheld=True) == "closed"
    assert (await park.status()).outcome == "not designated: objection upheld"
    assert await park.register_row() is None


async def test_the_command_line_starts_a_park_from_the_example_and_refuses_a_file_without_the_consent(
    gf: Govflow, settings: Settings, tmp_path: Path
) -> None:
    """第七条: the district government's consent is part of the application."""
    state = tmp_path / "state"
    shutil.copytree(settings.state_dir, state)
    env = {
        "TEMPORAL_ADDRESS": gf.client.service_client.config.target_host,
        "GOVFLOW_TASK_QUEUE": settings.task_queue,
        "GOVFLOW_STATE_DIR": str(state),
        "DATABASE_URL": settings.database_url or "",
    }
    login = await run_govflow_async("login", "--as", "clerk:clerk-001", env=env)
    assert login.returncode == 0, login.stderr
    started = await run_govflow_async(
        "start", "hr-park", str(EXAMPLES / "hr-park" / "start.json"), "--json", env=env
    )
    assert started.returncode == 0, started.stderr
    case_no = json.loads(started.stdout)["case_no"]
    status = await wait_for_status(gf, case_no, lambda s: bool(s.history))
    assert (status.procedure, status.stage) == ("hr-park", "completeness")

    document = example("hr-park", "start")
    del document["government_consent"]
    bad = tmp_path / "no-consent.json"
    bad.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    refused = await run_govflow_async("start", "hr-park", str(bad), env=env)
    assert refused.returncode == 1 and "government_consent" in refused.stderr


async def test_the_bureau_revokes_the_title_between_evaluations_for_irregular_operation(
    apply: ApplyFor,
) -> None:
    """第十二条: "存在违规运营情况…取消授牌" found any day, not only at an evaluation; the district
    may not revoke (a wrong role changes nothing)."""
    park = await apply()
    await park.designated()
    with pytest.raises(DecisionRejectedError, match="role"):
        await park.decide_example("revoke", actor=Actor(role="district-hr", id="haidian-hr-01"))
    assert await park.register_row() is not None
    assert await park.decide_example("revoke") == "closed"
    status = await park.status()
    assert status.outcome == "revoked"
    assert [e["causes"] for e in await park.events("ParkTitleRevoked")] == [["irregular-operation"]]
    assert await park.register_row() is None


async def test_12_the_bureau_orders_rectification_between_evaluations_then_rechecks(
    apply: ApplyFor,
) -> None:
    """第十二条 "对经营不善、效益不明显、存在违规运营情况…的园区采取责令整改": between evaluations the
    bureau orders rectification by a date (a party's period: its last day moves off a rest day),
    a date not ahead is refused and changes nothing; rechecked as rectified, the park goes on."""
    park = await apply()
    await park.designated()
    today = await park.today()
    with pytest.raises(DecisionRejectedError, match="整改期限须在责令之后"):
        await park.decide_example("order-rectification", rectify_by=today.isoformat())
    assert (await park.status()).stage == "designated"
    rectify_by = today + timedelta(days=20)
    assert (
        await park.decide_example("order-rectification", rectify_by=rectify_by.isoformat()) == "rectification"
    )
    [ordered] = await park.events("ParkRectificationOrdered")
    assert (ordered["causes"], ordered["rectify_by"]) == (["poorly-run"], rectify_by.isoformat())
    # a party's period: the last day, on a rest day or holiday, is the next working day
    [clock] = [d for d in (await park.status()).deadlines if d.name == "rectification"]
    assert clock.due == nth_working_day_after(rectify_by - timedelta(days=1), 1)
    assert await park.decide_example("recheck") == "designated"
    [clock] = [d for d in (await park.status()).deadlines if d.name == "rectification"]
    assert clock.state == "met"
    assert await park.register_row() is not None
