"""Every code a person meets has its Chinese name: each procedure's decisions and stages (from
its decision table), and every stage, outcome, clock and event type its kept histories record
(tests/histories: the real cases of every path, decoded here as the replay test reads them)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from domain.labels import ROLES, Kind, vocabulary
from workers.registry import REGISTRY

HISTORIES = Path(__file__).resolve().parent.parent / "histories"


def _payloads(node: Any) -> Iterator[Any]:
    """Every JSON payload of a history, decoded."""
    if isinstance(node, dict):
        metadata = node.get("metadata")
        if isinstance(metadata, dict) and "data" in node and isinstance(node["data"], str):
            encoding = base64.b64decode(metadata.get("encoding", "")).decode(errors="replace")
            if encoding.startswith("json/"):
                yield json.loads(base64.b64decode(node["data"]))
            return
        for value in node.values():
            yield from _payloads(value)
    elif isinstance(node, list):
        for value in node:
            yield from _payloads(value)


def _events(node: Any) -> Iterator[dict[str, Any]]:
    """The domain events inside decoded payloads (what the log activities were given)."""
    if isinstance(node, dict):
        if {"seq", "at", "type", "actor"} <= node.keys():
            yield node
        for value in node.values():
            yield from _events(value)
    elif isinstance(node, list):
        for value in node:
            yield from _events(value)


@cache
def recorded() -> dict[str, dict[Kind, set[str]]]:
    """procedure → kind → the codes its kept histories record."""
    found: dict[str, dict[Kind, set[str]]] = {}
    for path in sorted(HISTORIES.glob("*.json")):
        procedure = path.name.split("__")[0]
        if procedure not in REGISTRY:
            continue
        codes = found.setdefault(
            procedure, {"stage": set(), "outcome": set(), "clock": set(), "event": set()}
        )
        for payload in _payloads(json.loads(path.read_text())):
            for event in _events(payload):
                data = event.get("data") or {}
                codes["event"].add(event["type"])
                if event["type"] in ("StageChanged", "CaseOpened", "CaseClosed"):
                    codes["stage"].add(data.get("to_stage") or data.get("stage") or "")
                if event["type"] == "CaseClosed":
                    codes["outcome"].add(data["outcome"])
                if event["type"].startswith("Clock") and "clock" in data:
                    codes["clock"].add(data["clock"])
    return found


@pytest.mark.parametrize("procedure", sorted(REGISTRY))
def test_every_decision_and_stage_of_the_table_has_its_chinese_name(procedure: str) -> None:
    words = vocabulary(procedure)
    rules = REGISTRY[procedure].decisions
    assert words.name and words.basis
    assert sorted(d for d in rules if words.zh("decision", d) is None) == []
    stages = {stage for rule in rules.values() for stage in rule.stages}
    assert sorted(s for s in stages if words.zh("stage", s) is None) == []
    roles = {role for rule in rules.values() for role in rule.roles}
    assert sorted(roles - ROLES.keys() - words.roles.keys()) == []


@pytest.mark.parametrize("procedure", sorted(REGISTRY))
def test_every_code_a_kept_history_records_has_its_chinese_name(procedure: str) -> None:
    words = vocabulary(procedure)
    codes = recorded().get(procedure)
    assert codes, f"no kept history of {procedure}"
    missing = {
        kind: sorted(c for c in found if c and words.zh(kind, c) is None) for kind, found in codes.items()
    }
    assert missing == {"stage": [], "outcome": [], "clock": [], "event": []}


def test_a_person_reads_the_chinese_with_the_code_beside_and_english_is_the_code() -> None:
    words = vocabulary("demo")
    assert words.label("decision", "accept") == "受理 accept"
    assert words.label("decision", "accept", code_beside=False) == "受理"
    assert words.label("decision", "accept", "en") == "accept"
    assert words.label("stage", "closed") == "已办结 closed"  # the core's words
    assert words.label("decision", "no-such") == "no-such"  # shown as it is, never hidden


def test_a_clock_started_once_per_party_reads_as_its_period() -> None:
    assert vocabulary("demo").zh("clock", "review:区某局") == "审查期限（区某局）"
