"""Every file under examples/ is valid: a start file for its procedure's application, a
decision file (named after its decision) for that decision's payload and roles. The README's
quick start runs these files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from domain.subsidy import QuoteRequest
from domain.title_eligibility import Applicant
from tests.helpers import example_actor
from workers.registry import REGISTRY

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FILES = sorted(p for p in EXAMPLES.glob("*/*.json") if p.parent.name in REGISTRY and p.stem != "actors")


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
    assert "actor" not in document  # who decides is whoever the token names, never the file
    assert example_actor(path.parent.name, path.stem).role in rule.roles
    rule.payload.model_validate(document.get("payload", {}))


@pytest.mark.parametrize("folder", sorted(EXAMPLES.glob("*/actors.json")), ids=lambda p: p.parent.name)
def test_every_actor_named_has_its_decision_file(folder: Path) -> None:
    named = set(json.loads(folder.read_text(encoding="utf-8"))) - {"_"}
    assert named == {p.stem for p in folder.parent.glob("*.json")} & named
    assert all((folder.parent / f"{stem}.json").is_file() for stem in named)


def test_every_procedure_built_has_examples() -> None:
    assert {p.parent.name for p in FILES} == set(REGISTRY)
