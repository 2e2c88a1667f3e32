"""The spot check after a commitment decision (京商流通字〔2021〕9号, 三(一)): within 3 months,
by a random and auditable draw as in the national 双随机一公开 practice.

The draw is a pure function of its seed and rosters: the same seed and rosters always give
the same entities and inspectors, so a recorded seed lets anyone repeat it. Inspectors with
a conflict of interest with an entity (回避) are never drawn for it; each check gets at
least two inspectors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from domain.case import CaseOpening, DecisionRule
from domain.clocks import Period, PeriodKind, Unit
from domain.credit import PUBLICITY_MONTHS, Grade
from domain.draws import seeded_rng
from domain.errors import InvalidInputError
from domain.inputs import FactDate, Identifier, Name, PlannedDate, Text, Uscc, boundary_today
from domain.models import Record

BUREAU = "北京市商务局"
CHECK = Period("check", "三(一)", 3, Unit.MONTHS, BUREAU)
"""三(一): the check is done within 3 months of the commitment decision."""
RECTIFICATION = Period("rectify", "三(二)", 0, Unit.CALENDAR_DAYS, "被检查的拍卖企业", PeriodKind.PARTY)
"""三(二): rectification within the period the bureau sets (the date of the finding)."""
MIN_INSPECTORS = 2
DEFAULT_SAMPLING_RATE = 0.2  # provinces have used 20 % for auction firms (spec/permit.md)


class DrawInput(Record):
    seed: str = Field(min_length=8, description="recorded with the draw so that it can be repeated")
    entities: tuple[str, ...] = Field(min_length=1, description="unified social credit codes")
    inspectors: tuple[str, ...] = Field(min_length=2)
    conflicts: Mapping[str, tuple[str, ...]] = Field(
        default_factory=dict, description="entity → inspectors who must stand aside (回避)"
    )
    sampling_rate: float = Field(default=DEFAULT_SAMPLING_RATE, gt=0, le=1)
    inspectors_per_check: int = Field(default=MIN_INSPECTORS, ge=MIN_INSPECTORS)


class DrawnCheck(Record):
    entity: str
    inspectors: tuple[str, ...]


class Draw(Record):
    seed: str
    checks: tuple[DrawnCheck, ...]


def draw(order: DrawInput) -> Draw:
    """Draw the entities to check (at least one; the sampling rate rounded up) and, for each,
    inspectors without a conflict of interest."""
    entities = sorted(set(order.entities))
    inspectors = sorted(set(order.inspectors))
    count = max(1, math.ceil(len(entities) * order.sampling_rate))
    chosen = seeded_rng(order.seed, "entities").sample(entities, count)
    checks = []
    for entity in sorted(chosen):
        eligible = [i for i in inspectors if i not in set(order.conflicts.get(entity, ()))]
        if len(eligible) < order.inspectors_per_check:
            raise InvalidInputError(
                f"only {len(eligible)} inspectors without a conflict of interest for {entity}; "
                f"a check needs {order.inspectors_per_check}"
            )
        team = seeded_rng(order.seed, f"inspectors:{entity}").sample(eligible, order.inspectors_per_check)
        checks.append(DrawnCheck(entity=entity, inspectors=tuple(sorted(team))))
    return Draw(seed=order.seed, checks=tuple(checks))


# -- the spot-check round as a case -----------------------------------------------------------------

PROCEDURE = "spot-check"
CHECKING, PUBLISHING = "checking", "publishing"
INSPECTOR = frozenset({"inspector"})
PUBLICATION = "北京市商务局网站（抽查结果公示）"


class Candidate(Record):
    """A commitment decision that may be drawn for checking."""

    uscc: Uscc = Field(min_length=18, max_length=18)
    name: Name = Field(min_length=1)
    permit_case_no: Identifier
    certificate_no: Name  # the bureau's number, with Chinese characters (京拍2026-0101)
    decided_on: FactDate


MAX_ROSTER = 1000
"""No round lists more candidates or inspectors: the bureau's whole register is far smaller."""


class SpotCheckRound(Record):
    round_name: Name = Field(min_length=1)
    candidates: tuple[Candidate, ...] = Field(min_length=1, max_length=MAX_ROSTER)
    inspectors: tuple[Identifier, ...] = Field(min_length=2, max_length=MAX_ROSTER)
    conflicts: Mapping[Uscc, tuple[Identifier, ...]] = Field(default_factory=dict)
    sampling_rate: float = Field(default=DEFAULT_SAMPLING_RATE, gt=0, le=1)
    # At least 8 characters as the draw takes it (DrawInput): a shorter seed would be accepted
    # here and then fail the draw inside the workflow.
    seed: Identifier | None = Field(
        default=None, min_length=8, description="none: the workflow draws one and records it"
    )
    publicity_months: Mapping[str, int] = Field(
        default_factory=lambda: {"general": 1, "severe": 6},
        description="四(二): the publicity the bureau decides for a general or severe breach",
    )

    @field_validator("publicity_months")
    @classmethod
    def _publicity_fits_grade(cls, months: Mapping[str, int], info: ValidationInfo) -> Mapping[str, int]:
        """四(二): refused here, not when a finding is reported to the credit record months later."""
        if boundary_today(info) is None:
            return months
        for grade, count in months.items():
            bounds = PUBLICITY_MONTHS[Grade(grade)] if grade in {g.value for g in Grade} else None
            if bounds is None:
                raise ValueError(
                    f"{grade!r}: the bureau decides the publicity of a general or a "
                    "severe breach (a minor one is recorded, not published)"
                )
            if not bounds[0] <= count <= bounds[1]:
                raise ValueError(
                    f"{grade}: a {grade} breach is published {bounds[0]} to {bounds[1]} months, not {count}"
                )
        return months

    @model_validator(mode="after")
    def _inspectors_for_every_candidate(self, info: ValidationInfo) -> SpotCheckRound:
        """Each check needs MIN_INSPECTORS without a conflict of interest; refused here rather
        than by the draw inside the workflow."""
        if boundary_today(info) is None:
            return self
        roster = set(self.inspectors)
        for candidate in self.candidates:
            free = roster - set(self.conflicts.get(candidate.uscc, ()))
            if len(free) < MIN_INSPECTORS:
                raise ValueError(
                    f"conflicts: {len(free)} distinct inspectors without a conflict of interest for "
                    f"{candidate.uscc}; a check needs {MIN_INSPECTORS}"
                )
        return self

    @property
    def applicant_id(self) -> str:
        """A round belongs to the bureau; the search attribute says so, not any entity."""
        return "BJCOM"

    def draw_input(self, seed: str) -> DrawInput:
        return DrawInput(
            seed=seed,
            entities=tuple(c.uscc for c in self.candidates),
            inspectors=self.inspectors,
            conflicts=self.conflicts,
            sampling_rate=self.sampling_rate,
        )

    def candidate(self, uscc: str) -> Candidate:
        return next(c for c in self.candidates if c.uscc == uscc)


class SpotCheckOpening(CaseOpening):
    application: SpotCheckRound


Outcome = Literal["true", "minor", "general", "severe"]


class EntityDecision(Record):
    """A decision on the check of one drawn entity (its unified social credit code)."""

    entity: Uscc


class RecordFinding(EntityDecision):
    """三(二): what comparing the materials showed; minor or general → rectify by a date."""

    outcome: Outcome
    findings: Text = Field(min_length=1)
    rectify_by: PlannedDate | None = None

    @model_validator(mode="after")
    def _deadline_for_rectification(self) -> RecordFinding:
        if self.outcome in ("minor", "general") and self.rectify_by is None:
            raise ValueError("rectify_by: 三(二) orders rectification within a set period")
        return self


class RecordRectification(EntityDecision):
    rectified: bool
    notes: Text = Field(min_length=1)


DECISIONS: dict[str, DecisionRule] = {
    "record-finding": DecisionRule(frozenset({CHECKING}), INSPECTOR, RecordFinding),
    "record-rectification": DecisionRule(frozenset({CHECKING}), INSPECTOR, RecordRectification),
}


class DrawMade(Record):
    seed: str
    sampling_rate: float
    candidates: int
    inspectors: int
    checks: tuple[DrawnCheck, ...]


class FindingRecorded(Record):
    entity: str
    outcome: str
    findings: str
    inspectors: tuple[str, ...]


class CertificateRevoked(Record):
    """三(二): the certificate revoked; severe → legal liability pursued as well."""

    entity: str
    certificate_no: str
    reason: str
    legal_liability_referred: bool


class CheckConcluded(Record):
    entity: str
    result: str
