"""The spot check after a commitment decision (京商流通字〔2021〕9号, 三(一)): within 3 months,
by a random and auditable draw as in the national 双随机一公开 practice.

The draw is a pure function of its seed and rosters: the same seed and rosters always give
the same entities and inspectors, so a recorded seed lets anyone repeat it. Inspectors with
a conflict of interest with an entity (回避) are never drawn for it; each check gets at
least two inspectors.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping

from pydantic import Field

from govflow.domain.errors import InvalidInputError
from govflow.domain.models import Record

SPOT_CHECK_MONTHS = 3
"""三(一): the check is done within 3 months of the commitment decision."""
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


def _rng(seed: str, purpose: str) -> random.Random:
    """A generator determined by the seed alone (not by Python's hash randomisation)."""
    digest = hashlib.sha256(f"{seed}:{purpose}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def draw(order: DrawInput) -> Draw:
    """Draw the entities to check (at least one; the sampling rate rounded up) and, for each,
    inspectors without a conflict of interest."""
    entities = sorted(set(order.entities))
    inspectors = sorted(set(order.inspectors))
    count = max(1, math.ceil(len(entities) * order.sampling_rate))
    chosen = _rng(order.seed, "entities").sample(entities, count)
    checks = []
    for entity in sorted(chosen):
        eligible = [i for i in inspectors if i not in set(order.conflicts.get(entity, ()))]
        if len(eligible) < order.inspectors_per_check:
            raise InvalidInputError(
                f"only {len(eligible)} inspectors without a conflict of interest for {entity}; "
                f"a check needs {order.inspectors_per_check}"
            )
        team = _rng(order.seed, f"inspectors:{entity}").sample(eligible, order.inspectors_per_check)
        checks.append(DrawnCheck(entity=entity, inspectors=tuple(sorted(team))))
    return Draw(seed=order.seed, checks=tuple(checks))
