"""Every file under examples/ is valid: a start file for its procedure's application, a
decision file (named after its decision) for that decision's payload and roles. The README's
quick start runs these files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.case import Actor
from domain.subsidy import QuoteRequest
from domain.title_eligibility import Applicant
from workers.registry import REGISTRY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = sorted(p for p in EXAMPLES.glob("*/*.json") if p.parent.name in REGISTRY)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_is_valid_for_its_procedure(path: Path) -> None:
    procedure = REGISTRY[path.parent.name]
    document = json.loads(path.read_text(encoding="utf-8"))
    if path.stem.startswith("start"):
        procedure.application.model_validate(document)
        return
    if path.stem == "person":  # for `govflow title assess`
        Applicant.model_validate(document)
        return
    if path.stem == "quote":  # for `govflow subsidy quote`
        QuoteRequest.model_validate(document)
        return
    rule = procedure.decisions[path.stem.split("--")[0]]  # decision--variant.json
    assert Actor.model_validate(document["actor"]).role in rule.roles
    rule.payload.model_validate(document.get("payload", {}))


def test_every_procedure_built_has_examples() -> None:
    assert {p.parent.name for p in FILES} == set(REGISTRY)
