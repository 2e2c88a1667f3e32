"""The guards every decision passes before anything is recorded."""

from typing import Any

import pytest

from domain import demo
from domain.case import Actor, DecisionRequest, check_decision
from domain.errors import (
    CaseClosedError,
    DuplicateRequestError,
    InvalidInputError,
    UnknownDecisionError,
    WrongRoleError,
    WrongStageError,
)

CLERK = Actor(role="clerk", id="c1")


def request(
    decision: str = "accept",
    role: str = "clerk",
    payload: dict[str, Any] | None = None,
    request_id: str = "r1",
) -> DecisionRequest:
    return DecisionRequest(
        request_id=request_id, decision=decision, actor=Actor(role=role, id="x"), payload=payload or {}
    )


def check(
    req: DecisionRequest,
    stage: str = demo.INTAKE,
    outcome: str | None = None,
    seen: frozenset[str] = frozenset(),
) -> object:
    return check_decision(demo.DECISIONS, stage=stage, outcome=outcome, seen_request_ids=seen, request=req)


def test_a_valid_decision_returns_its_typed_payload() -> None:
    payload = check(request("reject", payload={"reason": "不属于职责范围"}))
    assert isinstance(payload, demo.RejectApplication)
    assert payload.reason == "不属于职责范围"


def test_closed_case_refuses_before_anything_else() -> None:
    with pytest.raises(CaseClosedError, match="has ended \\(approved\\)"):
        check(request("nonsense", role="nobody"), outcome="approved")


def test_unknown_decision_lists_the_known_ones() -> None:
    with pytest.raises(UnknownDecisionError, match="accept, approve, refuse, reject, verify"):
        check(request("grant"))


def test_repeated_request_is_told_so_even_after_the_stage_moved_on() -> None:
    with pytest.raises(DuplicateRequestError, match="'r1' was already taken"):
        check(request("accept"), stage=demo.REVIEW, seen=frozenset({"r1"}))


def test_wrong_stage_names_the_stages_that_allow_it() -> None:
    with pytest.raises(WrongStageError, match="not allowed in stage 'review' \\(allowed in: intake\\)"):
        check(request("accept"), stage=demo.REVIEW)


def test_wrong_role_names_the_roles_that_may() -> None:
    expected = "role 'reviewer' may not take decision 'accept' \\(only: clerk\\)"
    with pytest.raises(WrongRoleError, match=expected):
        check(request("accept", role="reviewer"))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({}, "payload.reason: Field required"),
        ({"reason": ""}, "payload.reason: String should have at least 1 character"),
        ({"reason": "x", "amount": 3}, "payload.amount: Extra inputs are not permitted"),
    ],
)
def test_invalid_payload_names_the_field(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        check(request("reject", payload=payload))
    assert message in refused.value.message
