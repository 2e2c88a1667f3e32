"""A step that fails for good holds the case for an operator, visibly, and the operator's resume
finishes it — on the real dev server (visibility) and real PostgreSQL.

The fault is a notice template that does not render (injected into the worker's renderer, the
way a broken template would ship); the operator's correction is a renderer that works again.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import pytest
from temporalio.testing import WorkflowEnvironment

from activities.notices.render import NoticeRenderer, NoticeTemplateError, RenderedNotice
from domain.case import Actor
from domain.demo import SUPERVISING_BODY, DemoApplication
from domain.errors import AwaitingOperatorError, WrongRoleError
from govflow.client import Govflow
from govflow.client.errors import DecisionPendingError, DecisionRejectedError
from tests.helpers import CLERK, REVIEWER, dev_tokens, example, wait_for_status
from workers.main import build_worker
from workers.settings import Settings

pytestmark = pytest.mark.integration

OPERATOR = Actor(role="operator", id="ops-01")


class BrokenTemplates(NoticeRenderer):
    """The renderer a worker would have with some templates broken, until they are mended."""

    def __init__(self, broken: set[str]) -> None:
        super().__init__()
        self.broken = broken

    def render(self, template: str, context: dict[str, Any]) -> RenderedNotice:
        if template in self.broken:
            raise NoticeTemplateError(f"notice {template!r}: 'review_due' is undefined")
        return super().render(template, context)


async def test_a_notice_that_cannot_render_holds_the_case_for_an_operator_whose_resume_finishes_it(
    dev_server_env: WorkflowEnvironment,
    db_pool: asyncpg.Pool,
    settings: Settings,
) -> None:
    settings = settings.model_copy(update={"task_queue": f"attention-{uuid.uuid4().hex[:8]}"})
    renderer = BrokenTemplates({"demo_accepted"})
    gf = Govflow(dev_server_env.client, settings, tokens=dev_tokens(settings))
    async with build_worker(dev_server_env.client, db_pool, settings, renderer=renderer):
        ref = await gf.start_case("demo", DemoApplication.model_validate(example("demo", "start")))
        assert ref.stage == "intake"

        # The acceptance is recorded, then its notice fails for good: no silent retry.
        with pytest.raises(
            DecisionPendingError,
            match="accepted and recorded; the case now waits for an operator: step issue_notice failed",
        ):
            await gf.decide(ref.case_no, "accept", CLERK, request_id="accept-1", wait=5)
        held = await wait_for_status(gf, ref.case_no, lambda s: s.stage == "attention")
        assert held.attention is not None
        assert (held.attention.step, held.attention.error_type) == ("issue_notice", "NoticeTemplateError")
        assert held.attention.stage == "intake"
        [needs] = [e.data for e in held.history if e.type == "CaseNeedsAttention"]
        assert needs["supervising_body"] == SUPERVISING_BODY == "北京市政务服务管理局"
        report = await db_pool.fetchrow(
            "SELECT recipient, title, body FROM notices WHERE case_no=$1 AND template='case_attention'",
            ref.case_no,
        )
        assert report is not None
        assert report["recipient"] == SUPERVISING_BODY and report["title"] == "案件暂停办理报告"
        assert "issue_notice" in report["body"] and f"govflow resume {ref.case_no}" in report["body"]

        # Operators find it by its stage; nothing is decided meanwhile, and only an operator resumes.
        for _ in range(100):
            found = [c.case_no for c in await gf.list_cases(stage="attention")]
            if ref.case_no in found:
                break
            await asyncio.sleep(0.2)
        assert ref.case_no in found
        with pytest.raises(DecisionRejectedError) as refused:
            await gf.decide(ref.case_no, "reject", CLERK, {"reason": "材料不全"})
        assert isinstance(refused.value.reason, AwaitingOperatorError)
        with pytest.raises(DecisionRejectedError) as not_operator:
            await gf.resume(ref.case_no, CLERK, "我来恢复")
        assert isinstance(not_operator.value.reason, WrongRoleError)

        # Resumed while still broken: it holds again, and says so.
        again = await gf.resume(ref.case_no, OPERATOR, "重试一次")
        assert not again.recovered and again.stage == "attention"

        renderer.broken.clear()  # the template is mended (a fixed worker deployed)
        resumed = await gf.resume(ref.case_no, OPERATOR, "模板已修复，恢复办理")
        assert resumed.recovered and resumed.stage == "review"

        # The decision that was pending is carried out: the same request id is refused as taken.
        with pytest.raises(DecisionRejectedError, match="already taken"):
            await gf.decide(ref.case_no, "accept", CLERK, request_id="accept-1")
        await gf.decide(ref.case_no, "approve", REVIEWER, {"conclusion": "符合条件"})
        final = await wait_for_status(gf, ref.case_no, lambda s: s.outcome is not None)

    assert final.outcome == "approved" and final.attention is None
    types = [e.type for e in final.history]
    assert types.count("CaseNeedsAttention") == 2 and types.count("CaseResumed") == 2
    resumed_events = [e for e in final.history if e.type == "CaseResumed"]
    assert [e.actor for e in resumed_events] == ["operator:ops-01", "operator:ops-01"]
    assert resumed_events[-1].data["note"] == "模板已修复，恢复办理"
    # The acceptance notice went out once, after the resume; the log holds exactly the history.
    notices = await db_pool.fetch(
        "SELECT step, template FROM notices WHERE case_no=$1 ORDER BY seq", ref.case_no
    )
    assert [n["template"] for n in notices] == [
        "case_attention",
        "case_attention",
        "demo_accepted",
        "demo_result",
    ]
    stored = await db_pool.fetch(
        "SELECT seq, type FROM case_events WHERE case_no=$1 ORDER BY seq", ref.case_no
    )
    assert [(r["seq"], r["type"]) for r in stored] == [(e.seq, e.type) for e in final.history]
    row = await db_pool.fetchrow("SELECT stage FROM cases WHERE case_no=$1", ref.case_no)
    assert row is not None
    assert row["stage"] == "closed"
