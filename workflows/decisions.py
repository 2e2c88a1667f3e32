"""A procedure's decision table: each decision has one typed handler and at most one guard.

The rule a decision obeys (the stages it is taken in, the roles that may take it, its payload
model) is the domain's `DecisionRule`. The workflow declares, beside the code that carries it
out, the handler of each decision with `@decision("name")` — its `payload` parameter typed with
the rule's payload model — and, where the decision needs a precondition beyond stage, role and
payload, a guard with `@guard("name")`, which the update validator runs so that an accepted
decision can never fail its handler.

`DecisionTable.build` checks, when the workflow class is defined, that every rule has exactly
one handler, that no handler or guard names a decision the procedure does not have, and that
each handler and guard takes the rule's payload model: a procedure that lacks a part does not
import.
"""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from domain.case import Actor, DecisionRule

Handler = Callable[[Any, Any, Actor], Awaitable[None]]
Guard = Callable[[Any, Any, Actor], None]
F = TypeVar("F", bound=Callable[..., Any])

_HANDLES = "__govflow_decision__"
_GUARDS = "__govflow_guard__"


def decision(name: str) -> Callable[[F], F]:
    """Mark a workflow method as the handler of decision `name`:
    `async def _(self, payload: Model, actor: Actor) -> None`."""

    def mark(handler: F) -> F:
        setattr(handler, _HANDLES, name)
        return handler

    return mark


def guard(*names: str) -> Callable[[F], F]:
    """Mark a workflow method as the validator-side guard of decisions `names`:
    `def _(self, payload: Model, actor: Actor) -> None`, raising a DomainError to refuse."""

    def mark(check: F) -> F:
        setattr(check, _GUARDS, names)
        return check

    return mark


class DecisionTableError(TypeError):
    """A workflow's decisions do not match its procedure's rules."""


@dataclass(frozen=True)
class Decision:
    """One row of the table: the rule, its handler, its guard."""

    name: str
    rule: DecisionRule
    handler: Handler
    guard: Guard | None = None


class DecisionTable(Mapping[str, Decision]):
    """The decisions of one workflow class, by name."""

    def __init__(self, rows: Mapping[str, Decision]) -> None:
        self._rows = dict(rows)

    def __getitem__(self, name: str) -> Decision:
        return self._rows[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def rules(self) -> dict[str, DecisionRule]:
        return {name: row.rule for name, row in self._rows.items()}

    @classmethod
    def build(cls, workflow_class: type, rules: Mapping[str, DecisionRule]) -> DecisionTable:
        handlers: dict[str, Handler] = {}
        guards: dict[str, Guard] = {}
        for klass in reversed(workflow_class.__mro__):  # a subclass's method wins
            for attribute in vars(klass).values():
                if (name := getattr(attribute, _HANDLES, None)) is not None:
                    handlers[name] = attribute
                for name in getattr(attribute, _GUARDS, ()):
                    guards[name] = attribute
        where = workflow_class.__qualname__
        for name in sorted((set(handlers) | set(guards)) - set(rules)):
            raise DecisionTableError(f"{where} handles or guards {name!r}, which its procedure does not have")
        for name in sorted(set(rules) - set(handlers)):
            raise DecisionTableError(f"{where} has no handler for decision {name!r}")
        for name, rule in rules.items():
            _check_payload(where, name, handlers[name], rule.payload)
            if name in guards:
                _check_payload(where, name, guards[name], rule.payload)
        return cls(
            {name: Decision(name, rule, handlers[name], guards.get(name)) for name, rule in rules.items()}
        )


def _check_payload(where: str, name: str, method: Callable[..., Any], model: type[BaseModel]) -> None:
    """The method's `payload` parameter is annotated with the rule's payload model (or a base
    of it, for a guard or handler shared by several decisions)."""
    hints = typing.get_type_hints(method)
    annotation = hints.get("payload")
    if not (isinstance(annotation, type) and issubclass(model, annotation)):
        raise DecisionTableError(
            f"{where}.{method.__name__} handles {name!r}: its payload must be typed "
            f"{model.__name__}, not {annotation!r}"
        )
