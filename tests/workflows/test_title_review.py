"""The review route to a senior IP title (京人社事业发〔2021〕32号 五(二), 六(一)) on the
time-skipping server, with the ballot box in the real PostgreSQL."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Any, Protocol

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain.case import Actor, CaseStatus
from domain.inputs import resident_id_check_character
from domain.title import certificate_number_valid
from govflow.client import Govflow
from govflow.client.ballot_box import cast_ballot
from govflow.client.errors import CaseNotFoundError, DecisionRejectedError, GovflowError, InputError
from tests.helpers import (
    CaseDriver,
    beijing,
    example,
    member_token,
    replays_on_this_code,
    start_from,
    wait_for_status,
)
from workers.codec import plaintext_history
from workers.identity import DevIdentityProvider
from workers.settings import Settings
from workflows.search_attributes import NEXT_DEADLINE

pytestmark = pytest.mark.workflow

HR_OFFICER = Actor(role="hr-bureau", id="rsj-zc-01")

SECRETARY = Actor(role="committee-secretary", id="secretary-01")
HR_BUREAU = HR_OFFICER


def fresh_id_number() -> str:
    """A person of their own: a citizen identity number with a random birth date and sequence
    number and the right GB 11643 check character (the start file is checked at the boundary)."""
    drawn = uuid.uuid4().int
    born = date(1960, 1, 1) + timedelta(days=drawn % 12_000)
    body = f"110105{born:%Y%m%d}{(drawn >> 16) % 1000:03d}"
    return body + resident_id_check_character(body)


class Review(CaseDriver):
    folder = "title-review"

    async def decide(self, name: str, actor: Actor | None = None, **changes: Any) -> str:
        return await self.decide_example(name, actor, **changes)

    async def to_the_vote(self) -> list[str]:
        """Recommendation, agency check, panel and defence, committee: the members' ids."""
        assert await self.decide("recommend") == "agency-check"
        assert await self.decide("agency-check") == "panel"
        assert await self.decide("draw-panel") == "evaluation"
        [panel] = await self.events("ExpertsDrawn")
        reporter = Actor(role="panel-expert", id=panel["members"][0]["id"])
        assert await self.decide("evaluate", reporter) == "committee"
        assert await self.decide("convene-committee") == "voting"
        [_, committee] = await self.events("ExpertsDrawn")
        return [m["id"] for m in committee["members"]]

    async def vote(self, members: list[str], approve: int, reject: int, abstain: int = 0) -> None:
        choices = ["approve"] * approve + ["reject"] * reject + ["abstain"] * abstain
        for member, choice in zip(members, choices, strict=False):
            await cast_ballot(self.gf.settings, self.case_no, member_token(self.gf.settings, member), choice)


class ApplyFor(Protocol):
    async def __call__(self, **changes: Any) -> Review: ...


@pytest.fixture
async def apply(
    gf: Govflow,
    time_skipping_env: WorkflowEnvironment,
    time_skipping_worker: Worker,
    settings: Settings,
    db_pool: asyncpg.Pool,
) -> AsyncIterator[ApplyFor]:

    async def apply_for(**changes: Any) -> Review:
        case_no = await start_person_case(gf, "title-review", changes)
        return Review(time_skipping_env, gf, db_pool, case_no)

    yield apply_for
    await gf.close()


async def start_person_case(gf: Govflow, procedure: str, changes: dict[str, Any]) -> str:
    """Start a title case from the example, for a person of their own unless `changes` name one,
    once it has passed the blacklist gate and the assessment (or been refused)."""
    document = copy.deepcopy(example(procedure, "start"))
    document["applicant"]["id_number"] = fresh_id_number()
    document.update(changes)
    return await start_from(
        gf,
        procedure,
        document,
        lambda s: any(e.type in ("EligibilityAssessed", "CaseClosed") for e in s.history),
    )


async def test_a_review_round_one_passes_one_fails_the_vote_one_objection_upheld(apply: ApplyFor) -> None:
    passes, fails, objected = await apply(), await apply(), await apply()
    members = await passes.to_the_vote()
    assert len(members) == 15
    # The same round seed and pool draw the same committee for every applicant of the round.
    assert await fails.to_the_vote() == members
    assert await objected.to_the_vote() == members

    # 15 members, 10 vote: valid (30 ≥ 30); 7 of 10 approve: passes (21 ≥ 20).
    await passes.vote(members, approve=7, reject=2, abstain=1)
    assert await passes.decide("close-ballot") == "acceptance"
    [closed] = await passes.events("BallotClosed")
    assert (closed["valid"], closed["passed"], closed["tally"]["attendance"]) == (
        True,
        True,
        sorted(members[:10]),
    )

    # 9 of 15 vote: invalid (27 < 30), recorded, and the vote is held again; then 10 vote, 6 approve: fails.
    await fails.vote(members, approve=9, reject=0)
    assert await fails.decide("close-ballot") == "voting"
    [invalid] = await fails.events("BallotClosed")
    assert (invalid["valid"], invalid["passed"], invalid["tally"]["approve"]) == (False, None, 9)
    assert [b["ballot_no"] for b in await fails.events("BallotOpened")] == [1, 2]
    await fails.vote(members, approve=6, reject=4)
    assert await fails.decide("close-ballot") == "closed"
    assert (await fails.status()).outcome == "not passed by the committee"
    template, body = await fails.notice("vote")
    assert template == "title_not_passed_vote" and "出席委员10人，同意6票" in body

    await objected.vote(members, approve=12, reject=0)
    assert await objected.decide("close-ballot") == "acceptance"

    # 五(二)6: accepted, published for 15 days; an objection during them, upheld.
    assert await objected.decide("accept") == "publicity"
    # During the window the case waits for it to end; anyone may object. A ruling is awaited only
    # once an objection is lodged, and a fraud report (六(一)) is never what it waits for.
    step = (await objected.status()).next_step
    assert step is not None
    assert (step.waiting_for, step.decisions, step.roles) == ("period", ("object",), ("public",))
    assert await objected.decide("object") == "publicity"
    step = (await objected.status()).next_step
    assert step is not None
    assert (step.waiting_for, step.decisions, step.roles) == (
        "period",
        ("object", "rule-objection"),
        ("hr-bureau", "public"),
    )
    assert await objected.decide("rule-objection", upheld=True, findings="代表作署名不实") == "closed"
    final = await objected.status()
    assert final.outcome == "objection upheld"
    assert not [e for e in final.history if e.type == "TitleCertified"]
    assert (await objected.notice("objection-upheld"))[0] == "title_objection_upheld"

    # The certificate only after the 15 days (published on P: the last day is P + 15).
    assert await passes.decide("accept") == "publicity"
    published = await passes.today()
    [started] = await passes.events("PublicityStarted")
    assert started == {
        "published_on": published.isoformat(),
        "ends_on": (published + timedelta(days=15)).isoformat(),
    }
    # The 15 days are what the case waits for: a deadline in status, the period as its next step,
    # and NextDeadline (the list's and the UI's) at the end of the last day, Beijing time.
    status = await passes.status()
    assert [(d.name, d.kind, d.due, d.state) for d in status.deadlines] == [
        ("publicity", "publicity", published + timedelta(days=15), "running")
    ]
    assert status.next_step is not None
    assert (status.next_step.waiting_for, status.next_step.due, status.next_step.article) == (
        "period",
        published + timedelta(days=15),
        "五(二)6",
    )
    described = await passes.gf.client.get_workflow_handle(passes.case_no).describe()
    assert described.typed_search_attributes.get(NEXT_DEADLINE) == beijing(
        published + timedelta(days=15), 23, 59
    ).replace(second=59)
    await passes.env.sleep(
        beijing(published + timedelta(days=15), 23, 30) - await passes.env.get_current_time()
    )
    status = await passes.status()
    assert (status.stage, status.outcome) == ("publicity", None)
    await passes.env.sleep(
        beijing(published + timedelta(days=16), 0, 30) - await passes.env.get_current_time()
    )
    final = await wait_for_status(passes.gf, passes.case_no, lambda s: s.outcome is not None)
    assert final.outcome == "certified"
    await replays_on_this_code(passes.env.client, passes.case_no, passes.gf.settings)  # waits-are-deadlines
    [certified] = [e.data for e in final.history if e.type == "TitleCertified"]
    assert certified["issued_on"] == (published + timedelta(days=16)).isoformat()
    assert certificate_number_valid(certified["certificate_no"])
    assert (await passes.gf.verify_title(certified["certificate_no"]))["status"] == "valid"
    template, body = await passes.notice("certificate")
    assert template == "title_certificate" and certified["certificate_no"] in body

    # 六(一): a title obtained by fraud is revoked, recorded, and its holder blacklisted.
    number = certified["certificate_no"]
    revoked = await passes.gf.revoke_title(number, "论文系抄袭", HR_OFFICER)
    assert (revoked["status"], revoked["reason"]) == ("revoked", "论文系抄袭")
    with pytest.raises(GovflowError, match="done already"):  # the act is one per certificate
        await passes.gf.revoke_title(number, "再次撤销", HR_OFFICER)
    with pytest.raises(InputError, match="no such certificate"):
        await passes.gf.revoke_title("BJIP-202639999990", "x", HR_OFFICER)
    person = final.history[0].data["application"]["applicant"]
    refused = await passes_again(apply, person)
    assert refused.outcome == "refused: blacklisted"


async def passes_again(apply: ApplyFor, person: dict[str, Any]) -> CaseStatus:
    review = await apply(applicant=person)
    return await wait_for_status(review.gf, review.case_no, lambda s: s.outcome is not None)


async def test_ballots_from_non_members_and_second_ballots_are_refused_and_change_nothing(
    apply: ApplyFor,
) -> None:
    review = await apply()
    members = await review.to_the_vote()
    await cast_ballot(
        review.gf.settings, review.case_no, member_token(review.gf.settings, members[0]), "approve"
    )
    with pytest.raises(DecisionRejectedError, match="has already voted on this applicant"):
        await cast_ballot(
            review.gf.settings, review.case_no, member_token(review.gf.settings, members[0]), "reject"
        )
    outsider = next(f"E{n:03d}" for n in range(1, 22) if f"E{n:03d}" not in members)
    with pytest.raises(DecisionRejectedError, match="is not a member of this committee"):
        await cast_ballot(
            review.gf.settings, review.case_no, member_token(review.gf.settings, outsider), "approve"
        )
    with pytest.raises(InputError, match="choice"):
        await cast_ballot(
            review.gf.settings, review.case_no, member_token(review.gf.settings, members[1]), "maybe"
        )
    with pytest.raises(CaseNotFoundError):
        await cast_ballot(
            review.gf.settings, "TREV-2026-999999", member_token(review.gf.settings, members[1]), "approve"
        )
    # Who votes is whom the token proves: no token, another key's, another role's.
    keys = DevIdentityProvider(review.gf.settings.state_dir)
    stranger = DevIdentityProvider(review.gf.settings.state_dir / "elsewhere").issue(
        "committee-member", members[1]
    )
    for token, refusal in (
        (None, "no identity token"),
        (stranger, "a key this worker does not hold"),
        (keys.issue("hr-bureau", members[1]), "is not logged in as a committee-member"),
    ):
        with pytest.raises(DecisionRejectedError, match=refusal):
            await cast_ballot(review.gf.settings, review.case_no, token, "approve")
    await review.vote(members[1:], approve=9, reject=0)
    await review.decide("close-ballot")
    [closed] = await review.events("BallotClosed")
    assert (closed["tally"]["approve"], closed["tally"]["reject"], len(closed["tally"]["attendance"])) == (
        10,
        0,
        10,
    )
    with pytest.raises(DecisionRejectedError, match="no ballot is open"):  # the box is closed
        await cast_ballot(
            review.gf.settings, review.case_no, member_token(review.gf.settings, members[12]), "reject"
        )
    await review.decide(
        "report-fraud", findings="推荐材料中的业绩证明系伪造"
    )  # ends the case for the next test


async def test_fraud_cancels_the_application_and_a_blacklisted_person_is_refused(apply: ApplyFor) -> None:
    review = await apply()
    await review.decide("recommend")
    assert await review.decide("report-fraud") == "closed"
    status = await review.status()
    assert status.outcome == "cancelled: fraud"
    [entry] = await review.events("PersonBlacklisted")
    assert entry["findings"] == "申报的代表作系他人成果"
    again = await apply(
        applicant=(await review.gf.status(review.case_no)).history[0].data["application"]["applicant"]
    )
    final = await again.status()
    assert final.outcome == "refused: blacklisted"
    template, body = await again.notice("refused")
    assert template == "title_refused" and "申报的代表作系他人成果" in body


async def test_bad_decisions_are_refused(apply: ApplyFor) -> None:
    review = await apply(filed_on="2019-09-01")  # the intermediate title was not 5 years old then
    [assessed] = await review.events("EligibilityAssessed")
    assert assessed["eligible"] is False
    with pytest.raises(DecisionRejectedError, match=r"payload\.published_until"):
        await review.decide(
            "recommend", published_until=(await review.today() + timedelta(days=3)).isoformat()
        )
    with pytest.raises(
        DecisionRejectedError, match="'agency-check' is not allowed in stage 'recommendation'"
    ):
        await review.decide("agency-check")
    await review.decide("recommend")
    with pytest.raises(DecisionRejectedError, match="does not meet the conditions"):
        await review.decide("agency-check")
    history = len((await review.status()).history)
    assert (
        await review.decide("agency-check", passed=False, reasons="取得中级职称后从事知识产权工作不满5年")
        == "closed"
    )
    assert len((await review.status()).history) > history
    assert (await review.notice("agency-check"))[0] == "title_not_passed_check"
    with pytest.raises(DecisionRejectedError, match="ended"):
        await review.decide("recommend")


CHOICES = {"approve", "reject", "abstain"}


def _decoded(value: Any) -> Any:
    """A Temporal history as JSON, with every payload's data decoded where it is JSON."""
    if isinstance(value, dict):
        if set(value) >= {"metadata", "data"} and isinstance(value["data"], str):
            try:
                return _decoded(json.loads(base64.b64decode(value["data"])))
            except ValueError:
                return value
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def _json_or_text(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return _decoded(json.loads(value))
        except ValueError:
            return value
    return _decoded(value)


def _links(record: Any, members: set[str]) -> list[Any]:
    """Every mapping in `record` that names a member (a string value holding their id) and,
    within it, a choice (a string value that is one)."""
    found = []

    def strings(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list | tuple):
            return [s for v in value for s in strings(v)]
        return [value] if isinstance(value, str) else []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            texts = strings(value)
            if any(m in t for t in texts for m in members) and CHOICES & set(texts):
                found.append(value)
                return
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)

    walk(record)
    return found


async def test_no_stored_record_links_a_member_to_a_choice(
    apply: ApplyFor, capfd: pytest.CaptureFixture[str]
) -> None:
    review = await apply()
    members = await review.to_the_vote()
    # The detector finds such a link where there is one (an update carrying a ballot would be).
    assert _links({"input": [{"actor": {"id": members[0]}, "payload": {"choice": "approve"}}]}, set(members))
    choices = ["approve", "reject", "abstain"] + ["approve"] * 8
    for member, choice in zip(members, choices, strict=False):
        await cast_ballot(
            review.gf.settings, review.case_no, member_token(review.gf.settings, member), choice
        )
    await review.decide("close-ballot")
    await review.decide("report-fraud", findings="核查发现材料不实")  # ends the case

    history = await review.env.client.get_workflow_handle(review.case_no).fetch_history()
    # Read as an operator holding the data keys would (the codec server): decrypted.
    plain = plaintext_history(history, review.env.client.data_converter)
    events = _decoded(json.loads(plain.to_json()))
    assert any("BallotClosed" in json.dumps(e, ensure_ascii=False) for e in events["events"])  # decoded
    assert all(m in json.dumps(events) for m in members[:11])  # the attendance list is there
    assert _links(events, set(members)) == []

    async with review.pool.acquire() as conn:
        tables = [
            r["tablename"]
            for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        ]
        rows = [dict(r) for t in tables for r in await conn.fetch(f'SELECT * FROM "{t}"')]
        attendance = await conn.fetch("SELECT * FROM ballot_attendance WHERE case_no=$1", review.case_no)
    assert {r["member"] for r in attendance} == set(members[:11])
    decoded_rows = [{k: _json_or_text(v) for k, v in row.items()} for row in rows]
    assert _links(decoded_rows, set(members)) == []

    logged = capfd.readouterr()
    lines = (logged.out + logged.err).splitlines()
    assert [
        line for line in lines if any(m in line for m in members) and any(c in line for c in CHOICES)
    ] == []


async def test_a_drawing_the_pool_cannot_fill_is_refused_before_anything_is_recorded(apply: ApplyFor) -> None:
    review = await apply()
    await review.decide("recommend")
    await review.decide("agency-check")
    pool = example("title-review", "draw-panel")["payload"]["pool"]
    employer = (await review.status()).history[0].data["application"]["applicant"]["employer"]
    own = [dict(e, unit=employer) for e in pool[:5]]  # five of the nine work for the applicant's employer
    before = len((await review.status()).history)
    with pytest.raises(DecisionRejectedError, match="4 experts who need not stand aside; 5 are to be drawn"):
        await review.decide("draw-panel", pool=own + pool[5:])
    status = await review.status()
    assert (status.stage, len(status.history)) == ("panel", before)
    assert await review.decide("draw-panel", pool=own + pool[5:], size=4) == "evaluation"
    [drawn] = await review.events("ExpertsDrawn")
    assert {m["id"] for m in drawn["members"]} == {e["id"] for e in pool[5:]}
    await review.decide("report-fraud")  # ends the case


async def test_liu_yi_the_agency_records_an_employer_that_did_not_check_and_the_employer_cannot_judge_itself(
    apply: ApplyFor,
) -> None:
    """六(一): “工作单位没有认真履行审核责任…的，依法依规追究单位主要负责人和经办人员的责任” — the
    agency, finding false materials the unit recommended, records it against the unit; the
    unit's own HR cannot (the old code had no place for either)."""
    review = await apply()
    await review.decide("recommend")
    employer_hr = Actor(role="employer-hr", id="zhiyuan-hr")
    with pytest.raises(DecisionRejectedError, match="employer_fault"):
        await review.decide("report-fraud", employer_hr, employer_fault="unchecked")
    assert await review.events("PersonBlacklisted") == []  # nothing changed
    assert await review.decide("report-fraud", employer_fault="unchecked") == "closed"
    [held] = await review.events("EmployerHeldResponsible")
    applicant = (await review.status()).history[0].data["application"]["applicant"]
    assert (held["employer"], held["fault_chinese"], held["article"]) == (
        applicant["employer"],
        "没有认真履行审核责任",
        "六(一)",
    )
    # … and the employer can be looked up by its name with what is held against it
    records = await review.gf.employer_records(applicant["employer"])
    assert [(r["fault"], r["article"]) for r in records if r["case_no"] == review.case_no] == [
        ("unchecked", "六(一)")
    ]
