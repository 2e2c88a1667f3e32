"""Base classes for every payload: immutable pydantic models that reject unknown fields and
anything no person could mean (domain.inputs)."""

from __future__ import annotations

from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from domain.inputs import check_plausible


class Record(BaseModel):
    """An immutable value: inputs, outputs, events, queries, updates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _plausible(cls, value: Any) -> Any:
        """No control character, no endless text, no infinite or absurd number or date, in
        any field (the error names the field)."""
        check_plausible(value)
        return value


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
