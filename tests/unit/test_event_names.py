"""Projections follow events by type name, so an event name must mean one model only: a
second `ObjectionLodged` (credit and titles both had one) sent the title's events into the
credit projection, which failed on them and held the case."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

from pydantic import BaseModel

import domain
from workers.main import projections


def test_every_projected_event_name_is_defined_once_in_the_domain() -> None:
    defined: dict[str, set[str]] = defaultdict(set)
    for info in pkgutil.iter_modules(domain.__path__):
        module = importlib.import_module(f"domain.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == module.__name__
            ):
                defined[value.__name__].add(module.__name__)
    projected = {name for model in projections().read_models for name in model.projectors}
    assert projected <= set(defined), projected - set(defined)
    assert {name: sorted(defined[name]) for name in projected if len(defined[name]) > 1} == {}
