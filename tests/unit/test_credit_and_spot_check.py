"""京商流通字〔2021〕9号 三 and 四: the spot-check draw and the credit rules, dates by hand."""

from __future__ import annotations

from datetime import date

import pytest

from domain.credit import (
    Breach,
    CreditEntry,
    Grade,
    RepairPolicy,
    bars_commitment_route,
    effective_grade,
)
from domain.errors import DecisionRefusedError, InvalidInputError
from domain.spot_check import DrawInput, draw


def breach(found_on: date, grade: Grade = Grade.MINOR, n: int = 1) -> Breach:
    return Breach(breach_id=f"B{n}", found_on=found_on, grade=grade, matter="licence")


# -- 四(一): escalation within a year -------------------------------------------------------------


def test_the_third_minor_breach_within_a_year_is_handled_as_general() -> None:
    earlier = [(date(2026, 1, 10), Grade.MINOR), (date(2026, 6, 1), Grade.MINOR)]
    assert effective_grade(breach(date(2026, 12, 20)), earlier[:1]) == Grade.MINOR
    assert effective_grade(breach(date(2026, 12, 20)), earlier) == Grade.GENERAL


def test_a_minor_breach_after_the_year_of_the_earlier_ones_stays_minor() -> None:
    earlier = [
        (date(2026, 1, 10), Grade.MINOR),
        (date(2026, 2, 1), Grade.MINOR),
        (date(2026, 3, 1), Grade.GENERAL),
    ]
    # 2027-02-02: the year of the 2026-01-10 and 2026-02-01 breaches has ended.
    assert effective_grade(breach(date(2027, 2, 2)), earlier) == Grade.MINOR
    # On 2027-01-10 the first is still within its year (a year ends with the same date):
    # a third minor, so general; with the general of 2026-03-01 in the year too, severe.
    assert effective_grade(breach(date(2027, 1, 10)), earlier) == Grade.SEVERE
    assert effective_grade(breach(date(2027, 1, 10)), earlier[:2]) == Grade.GENERAL


def test_the_second_general_breach_within_a_year_is_handled_as_severe() -> None:
    assert effective_grade(breach(date(2026, 9, 1), Grade.GENERAL), []) == Grade.GENERAL
    assert (
        effective_grade(breach(date(2026, 9, 1), Grade.GENERAL), [(date(2026, 3, 1), Grade.GENERAL)])
        == Grade.SEVERE
    )
    # A third minor, handled as general, after a general one: severe.
    earlier = [
        (date(2026, 2, 1), Grade.GENERAL),
        (date(2026, 3, 1), Grade.MINOR),
        (date(2026, 4, 1), Grade.MINOR),
    ]
    assert effective_grade(breach(date(2026, 5, 1)), earlier) == Grade.SEVERE


# -- 四(二), 四(三): publicity and repair -----------------------------------------------------------


def test_publicity_must_fit_the_grade() -> None:
    with pytest.raises(InvalidInputError, match="general breach is published 1 to 6 months"):
        CreditEntry(breach=breach(date(2026, 1, 1), Grade.GENERAL), grade=Grade.GENERAL, publicity_months=7)
    with pytest.raises(InvalidInputError, match="severe breach is published 6 to 12 months"):
        CreditEntry(breach=breach(date(2026, 1, 1), Grade.SEVERE), grade=Grade.SEVERE, publicity_months=5)
    with pytest.raises(InvalidInputError, match="recorded, not published"):
        CreditEntry(breach=breach(date(2026, 1, 1)), grade=Grade.MINOR, publicity_months=1)
    minor = CreditEntry(breach=breach(date(2026, 1, 1)), grade=Grade.MINOR)
    assert not minor.is_public_on(date(2026, 1, 1))


def test_general_publicity_ends_after_the_decided_months() -> None:
    entry = CreditEntry(
        breach=breach(date(2026, 3, 31), Grade.GENERAL), grade=Grade.GENERAL, publicity_months=3
    )
    assert entry.publicity_ends == date(2026, 6, 30)  # 3 months from 3-31: June has 30 days
    assert entry.is_public_on(date(2026, 6, 29))
    assert not entry.is_public_on(date(2026, 6, 30))


def test_a_repair_shortens_the_period_and_stops_publication() -> None:
    entry = CreditEntry(
        breach=breach(date(2026, 1, 15), Grade.SEVERE), grade=Grade.SEVERE, publicity_months=12
    )
    repaired = entry.repair(date(2026, 4, 1), 3, "完成信用整改", RepairPolicy())
    assert repaired.shortened_end == date(2026, 10, 15)  # 12 - 3 = 9 months from 1-15
    assert repaired.publicity_ends == date(2026, 4, 1)  # no longer published from the repair
    assert not repaired.is_public_on(date(2026, 4, 1))
    with pytest.raises(DecisionRefusedError, match="already repaired"):
        repaired.repair(date(2026, 5, 1), 1, "x", RepairPolicy())
    with pytest.raises(InvalidInputError, match="1 to 6 months"):
        entry.repair(date(2026, 4, 1), 7, "x", RepairPolicy())


def test_national_practice_admits_repair_only_after_the_minimum_period_when_set() -> None:
    entry = CreditEntry(
        breach=breach(date(2026, 1, 15), Grade.SEVERE), grade=Grade.SEVERE, publicity_months=12
    )
    with pytest.raises(DecisionRefusedError, match="admitted from 2026-07-15"):
        entry.repair(date(2026, 7, 14), 3, "信用承诺", RepairPolicy(after_minimum_only=True))
    assert entry.repair(date(2026, 7, 15), 3, "信用承诺", RepairPolicy(after_minimum_only=True)).repaired_on


def test_国办发2020_42号_only_an_unrepaired_published_severe_entry_bars_the_commitment_route() -> None:
    """一: the applicant chooses the route; 国办发〔2020〕42号 bars it only for a severe record
    (严重失信; a false commitment, 提供虚假材料, is severe under 四(一)) until repaired. A general
    breach does not bar; a repaired or expired severe one does not."""
    severe = CreditEntry(
        breach=breach(date(2026, 3, 1), Grade.SEVERE), grade=Grade.SEVERE, publicity_months=6
    )
    reason = bars_commitment_route([severe], date(2026, 8, 31))
    assert reason is not None
    assert "国办发〔2020〕42号" in reason and "B1" in reason and "严重违诺失信" in reason
    # 2026-03-01 + 6 months = 2026-09-01, by hand: published to 08-31, over on 09-01.
    assert bars_commitment_route([severe], date(2026, 9, 1)) is None
    repaired = severe.repair(date(2026, 5, 1), 1, "信用承诺", RepairPolicy())
    assert bars_commitment_route([repaired], date(2026, 5, 2)) is None
    general = CreditEntry(
        breach=breach(date(2026, 3, 1), Grade.GENERAL), grade=Grade.GENERAL, publicity_months=6
    )
    assert bars_commitment_route([general], date(2026, 4, 30)) is None  # published, unrepaired
    escalated = CreditEntry(
        breach=breach(date(2026, 3, 1), Grade.GENERAL), grade=Grade.SEVERE, publicity_months=6
    )
    assert bars_commitment_route([general, escalated], date(2026, 4, 30)) is not None  # 四(一)


# -- 三(一): the draw ------------------------------------------------------------------------------

ENTITIES = tuple(f"9111010{n}MA0000000X" for n in range(10))
INSPECTORS = ("insp-1", "insp-2", "insp-3", "insp-4", "insp-5")


def test_the_same_seed_and_rosters_give_the_same_draw_and_another_seed_another() -> None:
    order = DrawInput(seed="2026-11-26-auction-01", entities=ENTITIES, inspectors=INSPECTORS)
    first = draw(order)
    assert draw(order) == first
    assert draw(order.model_copy(update={"entities": tuple(reversed(ENTITIES))})) == first  # roster order
    others = {draw(order.model_copy(update={"seed": f"2026-11-26-auction-{n:02d}"})) for n in range(2, 8)}
    assert any(other.checks != first.checks for other in others)


def test_the_sampling_rate_is_rounded_up_and_each_check_has_two_inspectors() -> None:
    result = draw(
        DrawInput(seed="seed-for-rate", entities=ENTITIES, inspectors=INSPECTORS, sampling_rate=0.25)
    )
    assert len(result.checks) == 3  # 10 × 25 % = 2.5 → 3
    assert all(len(check.inspectors) == 2 for check in result.checks)
    assert all(set(check.inspectors) <= set(INSPECTORS) for check in result.checks)


def test_an_inspector_with_a_conflict_of_interest_is_never_drawn_for_that_entity() -> None:
    conflicts = {entity: ("insp-1", "insp-2") for entity in ENTITIES}
    for n in range(20):
        result = draw(
            DrawInput(
                seed=f"conflict-seed-{n}",
                entities=ENTITIES,
                inspectors=INSPECTORS,
                conflicts=conflicts,
                sampling_rate=1,
            )
        )
        assert all(not {"insp-1", "insp-2"} & set(check.inspectors) for check in result.checks)


def test_too_few_inspectors_without_a_conflict_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="only 1 inspectors without a conflict"):
        draw(
            DrawInput(
                seed="seed-too-few",
                entities=ENTITIES[:1],
                inspectors=INSPECTORS[:3],
                conflicts={ENTITIES[0]: ("insp-1", "insp-2")},
            )
        )
