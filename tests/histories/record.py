"""Record the histories that the replay tests keep: `.venv/bin/python -m tests.histories.record`.

Run it when a procedure is added: it writes only the histories that are not there yet.
Never delete one to make a replay test pass (a failing replay means a running case would
break: put the change behind workflow.patched).
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import time, timedelta
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from activities.db.connection import create_pool
from activities.db.migrate import migrate
from domain.calendar import local_date, start_of_day
from domain.case import Actor
from domain.complaint import ComplaintFiling
from domain.credit import CreditSubject
from domain.demo import DemoApplication
from domain.hr_park import ParkApplication
from domain.intake import intake_id
from domain.permit import PermitApplication
from domain.reads import LoadSchedule, OpenCasesWithClocks
from domain.spot_check import Candidate, SpotCheckRound
from domain.subsidy_pipeline import SubsidyApplication
from domain.title import ReviewApplication
from domain.title_exam import ExamRegistration
from govflow.client import Govflow
from govflow.client.ballot_box import cast_ballot
from tests.conftest import register_search_attributes
from tests.helpers import (
    CLERK,
    INSPECTOR,
    REVIEWER,
    dev_tokens,
    example,
    example_actor,
    member_token,
    wait_until_opened,
)
from tests.histories.record_complaint import record_complaint
from tests.histories.record_ecommerce_titles import (
    ecommerce_through_the_reviews,
    record_ecommerce_titles,
    someone_new,
)
from tests.histories.record_hr_park import record_hr_park
from tests.histories.record_permit import record_permit
from tests.histories.record_qualification import record_qualification
from tests.histories.record_subsidy import record_subsidy as record_subsidy_gazette
from workers.codec import development_data_converter, plaintext_history
from workers.devstack import installed_binary
from workers.identity import DevIdentityProvider, ensure_dev_ballot_key
from workers.main import build_worker
from workers.settings import Settings

HERE = Path(__file__).resolve().parent


async def record() -> None:
    import pgserver

    folder = tempfile.mkdtemp(prefix="govflow-record-")
    state = tempfile.mkdtemp(prefix="govflow-record-state-")  # (the folder is PostgreSQL's)
    DevIdentityProvider(Path(state)).ensure()  # the worker's keys, as `govflow dev` makes them
    ensure_dev_ballot_key(Settings(GOVFLOW_STATE_DIR=state))
    server = pgserver.get_server(folder, cleanup_mode="delete")
    pool = await create_pool(server.get_uri())
    async with pool.acquire() as conn:
        await migrate(conn)
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=development_data_converter(Settings(GOVFLOW_STATE_DIR=state)),
        test_server_existing_path=str(installed_binary("temporal-test-server")),
    )
    await register_search_attributes(env.client)
    settings = Settings(DATABASE_URL=server.get_uri(), GOVFLOW_STATE_DIR=state, GOVFLOW_TASK_QUEUE="record")
    gf = Govflow(env.client, settings, tokens=dev_tokens(settings), clock=env.get_current_time)
    application = DemoApplication.model_validate(example("demo", "start"))
    async with build_worker(env.client, pool, settings):
        approved = await gf.start_case("demo", application)
        await wait_until_opened(gf, approved.case_no)
        await gf.decide(approved.case_no, "accept", CLERK, request_id="a1")
        await gf.decide(
            approved.case_no,
            "verify",
            INSPECTOR,
            {"step": "营业执照核验", "result": "confirmed"},
            request_id="v1",
        )
        await gf.decide(approved.case_no, "approve", REVIEWER, {"conclusion": "符合条件"}, request_id="p1")
        await gf.result(approved.case_no)

        late = await gf.start_case("demo", application)
        await wait_until_opened(gf, late.case_no)
        await gf.decide(late.case_no, "accept", CLERK, request_id="a2")
        await env.sleep(timedelta(days=11))
        await gf.decide(late.case_no, "refuse", REVIEWER, {"reason": "逾期仍材料不实"}, request_id="r2")
        await gf.result(late.case_no)

        complaints = await record_complaints(env, gf)
        titles = await record_titles(env, gf)
        titles.append(await record_subsidy(env, gf))
        titles.append(await record_ecommerce(gf))
        titles.append(await record_acts_dated(env, gf))
        gazette = [  # the paths of the gazette-fidelity work (issue 14)
            *await record_permit(env, gf),
            *await record_complaint(env, gf),
            *await record_ecommerce_titles(env, gf),
            await record_exam_number_taken(gf),  # (the number record_ecommerce_titles registered)
            ("complaint__supplement-missed-under-the-lock", await supplement_missed(env, gf)),
            *await record_qualification(env, gf),
            *await record_subsidy_gazette(env, gf),  # it moves the clock to December and January
            await record_park_after_the_term(gf),
            *await record_hr_park(env, gf),  # last: it moves the clock about 3 years on
        ]
        intake = ("case-intake__demo-claimed-locally", intake_id(settings.task_queue, "DEMO"))
        await gf.act(
            LoadSchedule(document=example("calendar", "2027-example"), source="2027-example.json"),
            Actor(role="operator", id="ops-1"),
            request_id="record",
        )
        await gf.read(OpenCasesWithClocks(), request_id="record")
        reads = [
            ("operator-act__schedule-loaded", "load-schedule-record"),
            ("read-model__open-cases", "read-record"),
        ]
        for name, case_no in (
            ("demo__approved", approved.case_no),
            ("demo__late-refused", late.case_no),
            *complaints,
            *titles,
            intake,
            *reads,
            *gazette,
            *batched_log_paths(complaints, titles, gazette, approved.case_no),
        ):
            target = HERE / f"{name}.json"
            if target.exists():  # kept histories are never re-recorded: add, don't replace
                print(f"kept {name}.json as it is")
                continue
            history = await env.client.get_workflow_handle(case_no).fetch_history()
            # Kept in clear: it must replay without this run's (temporary) key.
            history = plaintext_history(history, env.client.data_converter)
            target.write_text(history.to_json(), encoding="utf-8")
            print(f"recorded {name}.json ({len(history.events)} events)")
    await gf.close()
    await env.shutdown()
    await pool.close()
    server.cleanup()


BATCHED_LOG_PATHS = (
    "demo__approved",
    "complaint__handled",
    "complaint__department-added-excused-unperformed",
    "title-review__certified-after-objection",
    "subsidy__district-disbursed",
    "auction-permit__general-granted",
    "credit-record__published-and-ended",
    "hr-park__designated-evaluated-rectified",
    "qualification-verification__authentic-chased",
    "spot-check__severe-revoked",
    "title-exam__certified",
    "ecommerce-subsidy__approved",
)
"""Paths recorded again once cases append an act's events together (patch `batched-log`, 2026-11-28):
kept beside the paths of before, under `<path>-batched-log`, so that both shapes replay."""


def batched_log_paths(
    complaints: list[tuple[str, str]],
    titles: list[tuple[str, str]],
    gazette: list[tuple[str, str]],
    demo_approved: str,
) -> list[tuple[str, str]]:
    """The BATCHED_LOG_PATHS of this run, under their `-batched-log` names."""
    paths = dict([*complaints, *titles, *gazette, ("demo__approved", demo_approved)])
    return [(f"{name}-batched-log", paths[name]) for name in BATCHED_LOG_PATHS if name in paths]


async def record_complaints(env: WorkflowEnvironment, gf: Govflow) -> list[tuple[str, str]]:
    """Two complaint paths: handled with a department and settled; supplemented then refused."""
    today = local_date(await env.get_current_time()).isoformat()
    reception = Actor(role="receiving-officer", id="recv-01")
    officer = Actor(role="handling-officer", id="hand-02")

    handled = await gf.start_case(
        "complaint", ComplaintFiling.model_validate(example("complaint", "start") | {"received_on": today})
    )
    await wait_until_opened(gf, handled.case_no)
    await gf.decide(handled.case_no, "accept", reception, {"departments": ["市某局"]}, request_id="c1")
    await gf.decide(
        handled.case_no,
        "send-letter",
        officer,
        {"department": "市某局", "matters": "请提出意见"},
        request_id="c2",
    )
    await gf.decide(
        handled.case_no,
        "department-reply",
        officer,
        {"department": "市某局", "opinion": "已办理"},
        request_id="c3",
    )
    await gf.decide(
        handled.case_no,
        "resolve",
        officer,
        {"way": "settlement", "summary": "和解", "settled_matters": "备案", "settled_results": "已办"},
        request_id="c4",
    )
    await gf.decide(
        handled.case_no, "terminate", officer, {"ground": 1, "explanation": "同意终结"}, request_id="c5"
    )
    await gf.decide(handled.case_no, "notify-result", officer, {"result": "已解决"}, request_id="c6")
    await gf.result(handled.case_no)

    refused = await supplement_missed(env, gf)
    credit = await gf.start_case("credit-record", CreditSubject(uscc="91110105MA01FDQ8KY", name="示例"))
    await wait_until_opened(gf, credit.case_no)
    credit_officer = Actor(role="credit-officer", id="c")
    await gf.decide(
        credit.case_no,
        "record-breach",
        credit_officer,
        {
            "breach_id": "B1",
            "found_on": today,
            "grade": "general",
            "matter": "licence",
            "publicity_months": 1,
        },
        request_id="b1",
    )
    await env.sleep(timedelta(days=40))  # the publicity ends by itself
    await gf.decide(
        credit.case_no,
        "object",
        Actor(role="applicant", id="91110105MA01FDQ8KY"),  # the company itself (its own record)
        {"breach_id": "B1", "reasons": "异议", "evidence": "整改完成证明"},
        request_id="o1",
    )
    permit = await gf.start_case(
        "auction-permit", PermitApplication.model_validate(example("auction-permit", "start-general"))
    )
    await wait_until_opened(gf, permit.case_no)
    await gf.decide(
        permit.case_no,
        "district-consent",
        Actor(role="district-officer", id="d"),
        {"consented": True, "opinion": "同意"},
        request_id="p1",
    )
    await gf.decide(
        permit.case_no, "receive", Actor(role="window-officer", id="w"), {"complete": True}, request_id="p2"
    )
    await gf.decide(
        permit.case_no,
        "grant",
        Actor(role="reviewer", id="r"),
        {"certificate_no": "京拍2026-0101"},
        request_id="p3",
    )
    await gf.result(permit.case_no)
    spot = await gf.start_case(
        "spot-check",
        SpotCheckRound(
            round_name="记录用抽查",
            seed="record-seed",
            sampling_rate=1.0,
            inspectors=("i1", "i2", "i3"),
            candidates=(
                Candidate(
                    uscc="91110105MA01FDQ8KY",
                    name="示例",
                    permit_case_no="AUCP-2026-900001",
                    certificate_no="京拍2026-0101",
                    decided_on=local_date(await env.get_current_time()),
                ),
            ),
        ),
    )
    await wait_until_opened(gf, spot.case_no)
    await asyncio.sleep(1)
    drawn = next(e for e in (await gf.status(spot.case_no)).history if e.type == "DrawMade")
    inspector = drawn.data["checks"][0]["inspectors"][0]
    await gf.decide(
        spot.case_no,
        "record-finding",
        Actor(role="inspector", id=inspector),
        {"entity": "91110105MA01FDQ8KY", "outcome": "severe", "findings": "虚假材料"},
        request_id="f1",
    )
    await gf.result(spot.case_no)
    escalated = await record_second_general_breach(env, gf)
    report = await env.client.start_workflow(
        "complaint-report", id="complaint-municipal-report-2026-11", task_queue="record"
    )
    await report.result()
    return [
        ("complaint__handled", handled.case_no),
        ("complaint__supplement-missed", refused),
        ("complaint-report__made", report.id),
        ("credit-record__published-and-ended", credit.case_no),
        ("auction-permit__general-granted", permit.case_no),
        ("spot-check__severe-revoked", spot.case_no),
        ("spot-check__second-general-revoked", escalated),
    ]


async def supplement_missed(env: WorkflowEnvironment, gf: Govflow) -> str:
    """第十一条(四): a supplement asked for and not given within the 15 working days: not accepted
    by the run itself (since the patch complaint-lapses-acted-on-under-the-decision-lock, under
    the decision lock)."""
    today = local_date(await env.get_current_time()).isoformat()
    refused = await gf.start_case(
        "complaint",
        ComplaintFiling.model_validate(example("complaint", "start-incomplete") | {"received_on": today}),
    )
    await wait_until_opened(gf, refused.case_no)
    await gf.decide(
        refused.case_no, "request-supplement", Actor(role="receiving-officer", id="recv-01"), request_id="s1"
    )
    await env.sleep(timedelta(days=30))  # the 15 working days pass without a supplement
    await gf.result(refused.case_no)
    return str(refused.case_no)


async def record_second_general_breach(env: WorkflowEnvironment, gf: Govflow) -> str:
    """四(一): a general breach found by a round, the second within a year on the applicant's
    record, is severe there; the round revokes instead of ordering rectification (the path
    behind the patch spot-check-asks-the-record-its-grade)."""
    uscc = "91110108MA01ABCD1E"
    today = local_date(await env.get_current_time())
    credit = await gf.start_case("credit-record", CreditSubject(uscc=uscc, name="示例二"))
    await gf.decide(
        credit.case_no,
        "record-breach",
        Actor(role="credit-officer", id="c"),
        {
            "breach_id": "EARLIER",
            "found_on": (today - timedelta(days=60)).isoformat(),
            "grade": "general",
            "matter": "licence",
            "publicity_months": 1,
        },
        request_id="e1",
    )
    spot = await gf.start_case(
        "spot-check",
        SpotCheckRound(
            round_name="记录用抽查（二）",
            seed="record-seed-2",
            sampling_rate=1.0,
            inspectors=("i1", "i2", "i3"),
            candidates=(
                Candidate(
                    uscc=uscc,
                    name="示例二",
                    permit_case_no="AUCP-2026-000002",
                    certificate_no="京拍2026-0102",
                    decided_on=today,
                ),
            ),
        ),
    )
    drawn = next(e for e in (await gf.status(spot.case_no)).history if e.type == "DrawMade")
    inspector = drawn.data["checks"][0]["inspectors"][0]
    await gf.decide(
        spot.case_no,
        "record-finding",
        Actor(role="inspector", id=inspector),
        {
            "entity": uscc,
            "outcome": "general",
            "findings": "材料与事实不符",
            "rectify_by": (today + timedelta(days=15)).isoformat(),
        },
        request_id="f2",
    )
    await gf.result(spot.case_no)
    return spot.case_no


async def record_titles(env: WorkflowEnvironment, gf: Govflow) -> list[tuple[str, str]]:
    """A review to its certificate (an objection dismissed on the way); an exam to its certificate."""
    review = await gf.start_case(
        "title-review", ReviewApplication.model_validate(example("title-review", "start"))
    )
    await wait_until_opened(gf, review.case_no)
    await asyncio.sleep(1)
    for step in ("recommend", "agency-check", "draw-panel", "evaluate", "convene-committee"):
        document = example("title-review", step)
        await gf.decide(
            review.case_no, step, example_actor("title-review", step), document["payload"], request_id=step
        )
    drawn = [e for e in (await gf.status(review.case_no)).history if e.type == "ExpertsDrawn"]
    for expert in drawn[1].data["members"][:10]:
        await cast_ballot(gf.settings, review.case_no, member_token(gf.settings, expert["id"]), "approve")
    for step in ("close-ballot", "accept", "object", "rule-objection"):
        document = example("title-review", step)
        await gf.decide(
            review.case_no, step, example_actor("title-review", step), document["payload"], request_id=step
        )
    await env.sleep(timedelta(days=17))
    await gf.result(review.case_no)

    exam = await gf.start_case("title-exam", ExamRegistration.model_validate(example("title-exam", "start")))
    await wait_until_opened(gf, exam.case_no)
    await asyncio.sleep(1)
    for step in ("check", "pay", "record-score", "issue-certificate"):
        document = example("title-exam", step)
        await gf.decide(
            exam.case_no, step, example_actor("title-exam", step), document["payload"], request_id=step
        )
    await gf.result(exam.case_no)
    return [
        ("title-review__certified-after-objection", review.case_no),
        ("title-exam__certified", exam.case_no),
    ]


async def record_subsidy(env: WorkflowEnvironment, gf: Govflow) -> tuple[str, str]:
    """A district-route project through the eight stages, an objection dismissed on the way."""
    project = await gf.start_case(
        "subsidy", SubsidyApplication.model_validate(example("subsidy", "start-district"))
    )
    await wait_until_opened(gf, project.case_no)

    async def decide(step: str, **changes: object) -> None:
        document = example("subsidy", step)
        await gf.decide(
            project.case_no,
            step,
            example_actor("subsidy", step),
            document["payload"] | changes,
            request_id=step,
        )

    for step in ("confirm-registration", "apply-plan", "select-plan", "object", "rule-objection"):
        await decide(step)
    await env.sleep(timedelta(days=9))
    for step in ("apply-disbursement", "check-completeness", "review-compliance", "audit", "decide"):
        await decide(step)
    await env.sleep(timedelta(days=9))
    await gf.result(project.case_no)
    return ("subsidy__district-disbursed", project.case_no)


async def record_ecommerce(gf: Govflow) -> tuple[str, str]:
    """A new experience store through the district and municipal reviews (paid, since the patch
    ecommerce-paid-through-ledger)."""
    return ("ecommerce-subsidy__approved", await ecommerce_through_the_reviews(gf))


async def record_acts_dated(env: WorkflowEnvironment, gf: Govflow) -> tuple[str, str]:
    """A demo case received 20 days ago, accepted on paper 12 days ago and approved 3 days ago,
    both entered today (`effective_on`): the review is breached when entered, then met after all."""
    today = local_date(await env.get_current_time())
    case = await gf.start_case(
        "demo",
        DemoApplication.model_validate(example("demo", "start")),
        received_at=start_of_day(today - timedelta(days=20), time(10)),
    )
    await wait_until_opened(gf, case.case_no)
    await gf.decide(case.case_no, "accept", CLERK, request_id="d1", effective_on=today - timedelta(days=12))
    await asyncio.sleep(1)  # the watcher records the breach
    await gf.decide(
        case.case_no,
        "approve",
        REVIEWER,
        {"conclusion": "符合条件"},
        request_id="d2",
        effective_on=today - timedelta(days=3),
    )
    await gf.result(case.case_no)
    return ("demo__dated-acts-met-after-breach", case.case_no)


async def record_exam_number_taken(gf: Govflow) -> tuple[str, str]:
    """三: a ministry number another case holds in the register issues nothing
    (CertificateNumberTaken); the case issues again with the right number."""
    exam = await gf.start_case("title-exam", ExamRegistration.model_validate(someone_new("title-exam")))
    await wait_until_opened(gf, exam.case_no)
    await asyncio.sleep(1)
    for step in ("check", "pay", "record-score"):
        document = example("title-exam", step)
        await gf.decide(
            exam.case_no, step, example_actor("title-exam", step), document["payload"], request_id=step
        )
    issue = example("title-exam", "issue-certificate")["payload"]
    for request_id, number in (("taken", "2611001100000777"), ("right", "2611001100000778")):
        await gf.decide(
            exam.case_no,
            "issue-certificate",
            example_actor("title-exam", "issue-certificate"),
            issue | {"certificate_no": number},
            request_id=request_id,
        )
    await gf.result(exam.case_no)
    return ("title-exam__number-taken-then-issued", exam.case_no)


async def record_park_after_the_term(gf: Govflow) -> tuple[str, str]:
    """35号 第十六条: an application received after the measures' 5 years is noted at opening
    (ReceivedAfterTheMeasuresTerm); its materials incomplete, it goes back."""
    document = example("hr-park", "start")
    document["operator"]["uscc"] = "91110108MA01PARK32"
    park = await gf.start_case("hr-park", ParkApplication.model_validate(document))
    await wait_until_opened(gf, park.case_no)
    await asyncio.sleep(1)
    returned = example("hr-park", "check-materials--incomplete")
    await gf.decide(
        park.case_no,
        "check-materials",
        example_actor("hr-park", "check-materials--incomplete"),
        returned["payload"],
        request_id="returned",
    )
    await gf.result(park.case_no)
    return ("hr-park__received-after-the-term-returned", park.case_no)


if __name__ == "__main__":
    asyncio.run(record())
    sys.stdout.flush()
    os._exit(0)
