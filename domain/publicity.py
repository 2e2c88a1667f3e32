"""Objections to a publicity window (公示) and the ruling on them: the title review's 15 days
(京人社事业发〔2021〕32号 五(二)6), the subsidy's two 7-day windows (京商财务字〔2021〕33号 五)."""

from __future__ import annotations

from pydantic import Field

from domain.inputs import Identifier, Name, Text
from domain.models import Record


class Objection(Record):
    """An objection lodged while the window is open."""

    objector: Name = Field(min_length=1)
    grounds: Text = Field(min_length=1)


class ObjectionRuling(Record):
    """The publishing body's ruling on an objection; upheld, the case ends."""

    objection_id: Identifier
    upheld: bool
    findings: Text = Field(min_length=1)
