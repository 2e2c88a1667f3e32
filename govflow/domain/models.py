"""Base classes for every payload: immutable pydantic models that reject unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """An immutable value: inputs, outputs, events, queries, updates."""

    model_config = ConfigDict(frozen=True, extra="forbid")
