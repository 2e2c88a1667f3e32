"""examples/spot-check works as printed: its seed fixes the draw, and the draw names the entity
and the inspector of its finding file (record-finding.json, actors.json)."""

from __future__ import annotations

from domain.spot_check import SpotCheckRound, draw
from tests.helpers import example, example_actor


def test_the_example_seed_draws_the_entity_and_the_inspector_of_the_finding_file() -> None:
    round_ = SpotCheckRound.model_validate(example("spot-check", "start"))
    assert round_.seed is not None
    drawn = {check.entity: check.inspectors for check in draw(round_.draw_input(round_.seed)).checks}
    for name in ("record-finding", "record-rectification"):
        entity = example("spot-check", name)["payload"]["entity"]
        assert entity in drawn, f"{name}.json names {entity}; the seed draws {sorted(drawn)}"
        assert example_actor("spot-check", name).id in drawn[entity]
