"""Every registered procedure has every part the platform needs, and nothing lists procedures
but the registry: a procedure that lacks a part fails here, not in production."""

from __future__ import annotations

import importlib
import json
import re
from importlib import resources
from pathlib import Path

import pytest

import activities.db.read_models as read_models_package
from domain.case import DecisionRule
from domain.models import Record
from domain.procedures import CASE_NO_PREFIXES
from workers.main import projections
from workers.registry import PROCEDURES, REGISTRY, Procedure, workflow_classes
from workflows.core import CaseWorkflow
from workflows.decisions import DecisionTable, DecisionTableError, decision

ENTRIES = [pytest.param(p, id=p.name) for p in PROCEDURES]


def migrated_tables() -> set[str]:
    sql = "\n".join(
        entry.read_text(encoding="utf-8")
        for entry in resources.files("activities.db").joinpath("migrations").iterdir()
        if entry.name.endswith(".sql")
    )
    return set(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?(\w+)", sql))


@pytest.mark.parametrize("procedure", ENTRIES)
def test_the_procedure_is_in_the_contract(procedure: Procedure) -> None:
    assert procedure.name in CASE_NO_PREFIXES
    assert procedure.prefix == CASE_NO_PREFIXES[procedure.name]


@pytest.mark.parametrize("procedure", ENTRIES)
def test_its_workflow_is_the_procedure_s_and_is_registered_on_the_worker(procedure: Procedure) -> None:
    workflow = procedure.load_workflow()
    assert issubclass(workflow, CaseWorkflow)
    definition = workflow.__temporal_workflow_definition  # type: ignore[attr-defined]  # set by @workflow.defn
    assert definition.name == procedure.name  # the CaseType, the type name
    assert workflow.procedure == procedure.name
    assert workflow.decisions is procedure.decisions
    assert workflow in workflow_classes()
    assert set(workflow.table) == set(procedure.decisions)  # one handler per decision
    assert workflow.supervising_body


@pytest.mark.parametrize("procedure", ENTRIES)
def test_its_models_are_the_workflow_s_input(procedure: Procedure) -> None:
    assert procedure.opening.model_fields["application"].annotation is procedure.application
    assert issubclass(procedure.application, Record)
    for name, rule in procedure.decisions.items():
        assert isinstance(rule, DecisionRule) and rule.stages and rule.roles, name


@pytest.mark.parametrize("procedure", ENTRIES)
def test_its_examples_start_a_case_and_take_every_decision(procedure: Procedure) -> None:
    folder = procedure.examples_folder
    starts = sorted(folder.glob("start*.json"))
    assert starts, f"{folder} has no start file"
    for start in starts:
        procedure.application.model_validate(json.loads(start.read_text(encoding="utf-8")))
    examples = {path.stem.split("--")[0] for path in folder.glob("*.json")}
    missing = sorted(set(procedure.decisions) - examples)
    assert not missing, f"{folder} has no example file for {missing}"


@pytest.mark.parametrize("procedure", ENTRIES)
def test_its_read_models_are_kept_rebuilt_and_migrated(procedure: Procedure) -> None:
    kept = projections()
    for model in procedure.load_read_models():
        assert model in kept.read_models, f"{model.name} is not projected by the worker"
        assert set(model.tables) <= set(kept.tables), f"{model.name} is not rebuilt"
        assert set(model.tables) <= migrated_tables(), f"{model.name} has a table no migration creates"
        assert model.projectors, f"{model.name} follows no event"


def test_every_read_model_written_is_one_a_procedure_keeps() -> None:
    """A read model module no procedure names would be neither projected nor rebuilt."""
    folder = Path(read_models_package.__file__).parent
    written = {
        f"{read_models_package.__name__}.{path.stem}"
        for path in folder.glob("*.py")
        if hasattr(importlib.import_module(f"{read_models_package.__name__}.{path.stem}"), "READ_MODEL")
    }
    named = {module for procedure in PROCEDURES for module in procedure.read_models}
    assert written - named == set(), f"read models no procedure keeps: {sorted(written - named)}"


@pytest.mark.parametrize("procedure", ENTRIES)
def test_its_command_line_module_registers_its_commands(procedure: Procedure) -> None:
    if procedure.cli is None:
        return
    module = importlib.import_module(procedure.cli)
    assert callable(module.register)


@pytest.mark.parametrize("procedure", ENTRIES)
def test_its_documentation_maps_its_articles_and_names_its_decisions(procedure: Procedure) -> None:
    page = procedure.docs_page
    assert page.is_file(), f"{procedure.name} has no documentation page {page.name}"
    text = page.read_text(encoding="utf-8")
    assert "../shared" not in text and "/work/" not in text  # the repository stands alone
    missing = sorted(name for name in procedure.decisions if f"`{name}`" not in text)
    assert not missing, f"{page.name} does not document the decisions {missing}"


def test_nothing_lists_procedures_but_the_registry() -> None:
    assert list(REGISTRY) == [p.name for p in PROCEDURES]
    assert len(REGISTRY) == len(PROCEDURES)


def test_a_decision_without_a_handler_does_not_import() -> None:
    rules = {
        "accept": DecisionRule(frozenset({"open"}), frozenset({"clerk"}), Record),
        "refuse": DecisionRule(frozenset({"open"}), frozenset({"clerk"}), Record),
    }

    class HalfDone:
        @decision("accept")
        async def _accept(self, payload: Record, actor: object) -> None: ...

    with pytest.raises(DecisionTableError, match="no handler for decision 'refuse'"):
        DecisionTable.build(HalfDone, rules)


class Other(Record):
    """A payload model no rule takes."""


def test_a_handler_of_the_wrong_payload_does_not_import() -> None:
    rules = {"accept": DecisionRule(frozenset({"open"}), frozenset({"clerk"}), Record)}

    class Mistyped:
        @decision("accept")
        async def _accept(self, payload: Other, actor: object) -> None: ...

    with pytest.raises(DecisionTableError, match="payload must be typed Record"):
        DecisionTable.build(Mistyped, rules)


def test_every_update_has_a_validator_so_the_identity_check_runs_on_it() -> None:
    """The worker checks a request's identity token in the update's validator: the SDK calls
    the interceptor's validator hook only for an update that has one. An update without a
    validator would take anyone's request."""
    unchecked = [
        f"{cls.__temporal_workflow_definition.name}.{name}"
        for cls in workflow_classes()
        for name, update in cls.__temporal_workflow_definition.updates.items()
        if update.validator is None
    ]
    assert unchecked == []
