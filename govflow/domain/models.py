"""Base classes for every payload: immutable pydantic models that reject unknown fields."""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, model_validator


class Record(BaseModel):
    """An immutable value: inputs, outputs, events, queries, updates."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Verdict(Record):
    """A yes-or-no decision that says why when it is no: the subclass names its yes field
    (`passed`, `confirmed`, `approved`) in `affirmative`."""

    affirmative: ClassVar[str] = "passed"
    reasons: str = ""

    @model_validator(mode="after")
    def _told_why(self) -> Self:
        if not getattr(self, self.affirmative) and not self.reasons.strip():
            raise ValueError(f"reasons: a decision that is not {self.affirmative} says why")
        return self
