"""The Grafana dashboard in the repository: a dashboard model Grafana imports, charting every
metric of the case log and nothing the worker does not serve (workers.metrics)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from workers.metrics import DOMAIN_METRICS, SERVED_METRICS

DASHBOARD = Path(__file__).resolve().parents[2] / "grafana" / "govflow-dashboard.json"
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
METRIC_NAME = re.compile(r"\b(?:govflow|temporal)_[a-z0-9_]+\b")


@pytest.fixture(scope="module")
def dashboard() -> dict[str, Any]:
    model: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return model


def charts(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [panel for panel in dashboard["panels"] if panel["type"] != "row"]


def exprs(dashboard: dict[str, Any]) -> list[str]:
    return [target["expr"] for panel in charts(dashboard) for target in panel["targets"]]


def test_the_dashboard_is_a_grafana_dashboard_model(dashboard: dict[str, Any]) -> None:
    assert dashboard["title"] and dashboard["uid"]
    assert isinstance(dashboard["schemaVersion"], int) and dashboard["schemaVersion"] >= 36
    assert dashboard["id"] is None  # Grafana gives one on import
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard["panels"]:
        place = panel["gridPos"]
        assert {"h", "w", "x", "y"} <= place.keys() and place["x"] + place["w"] <= 24, panel["title"]


def test_every_chart_queries_the_chosen_prometheus(dashboard: dict[str, Any]) -> None:
    [source] = [v for v in dashboard["templating"]["list"] if v["name"] == "datasource"]
    assert (source["type"], source["query"]) == ("datasource", "prometheus")
    for panel in charts(dashboard):
        assert panel["title"] and panel["targets"], panel["title"]
        assert panel["datasource"] == DATASOURCE, panel["title"]
        ref_ids = [target["refId"] for target in panel["targets"]]
        assert len(ref_ids) == len(set(ref_ids)), panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE, panel["title"]
            assert METRIC_NAME.search(target["expr"]), panel["title"]


def test_every_case_log_metric_is_charted(dashboard: dict[str, Any]) -> None:
    charted = {name for expr in exprs(dashboard) for name in METRIC_NAME.findall(expr)}
    assert set(DOMAIN_METRICS) <= charted


def test_the_dashboard_names_only_metrics_the_worker_serves(dashboard: dict[str, Any]) -> None:
    variables = [v["definition"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
    named = {name for text in exprs(dashboard) + variables for name in METRIC_NAME.findall(text)}
    assert named == set(SERVED_METRICS)  # and SERVED_METRICS lists nothing the dashboard does not use
