"""五(二)5 of 京人社事业发〔2021〕32号: the two-thirds quorum and the two-thirds majority."""

import pytest

from domain.errors import BallotRefusedError, InvalidInputError
from domain.title import (
    EmployerFault,
    Expert,
    PanelDraw,
    RuleObjection,
    Tally,
    certificate_number,
    certificate_number_valid,
    check_ballot,
    draw_experts,
    national_certificate_number_valid,
    passes,
    quorum_met,
)
from domain.title_eligibility import Level


@pytest.mark.parametrize(
    ("members", "voting", "valid"),
    [
        (15, 10, True),  # 3 × 10 = 30 ≥ 30
        (15, 9, False),  # 27 < 30
        (7, 5, True),  # 15 ≥ 14
        (7, 4, False),  # 12 < 14
        (9, 6, True),  # exactly two thirds: 以上 includes the number itself
        (1, 1, True),
        (3, 1, False),
    ],
)
def test_the_vote_is_valid_only_with_two_thirds_of_all_members_voting(
    members: int, voting: int, valid: bool
) -> None:
    assert quorum_met(members, voting) is valid


@pytest.mark.parametrize(
    ("voting", "yes", "passed"),
    [
        (10, 7, True),  # 21 ≥ 20
        (10, 6, False),  # 18 < 20: 6.67 needed, rounded up to 7
        (15, 10, True),  # exactly two thirds
        (15, 9, False),
        (9, 6, True),
    ],
)
def test_an_applicant_passes_with_two_thirds_of_those_voting(voting: int, yes: int, passed: bool) -> None:
    assert passes(voting, yes) is passed


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="cannot come from 15 members"):
        quorum_met(15, 16)
    with pytest.raises(InvalidInputError, match="cannot come from 10 ballots"):
        passes(10, 11)


def test_a_second_ballot_and_a_ballot_from_a_non_member_are_refused() -> None:
    members = {"m1", "m2", "m3"}
    check_ballot("m1", members, set())
    with pytest.raises(BallotRefusedError, match="m1 has already voted"):
        check_ballot("m1", members, {"m1"})
    with pytest.raises(BallotRefusedError, match="x9 is not a member"):
        check_ballot("x9", members, set())


# -- the experts are drawn at random, reproducibly (四(二)) -----------------------------------


def _pool(n: int) -> list[Expert]:
    return [
        Expert(id=f"E{i:03d}", name=f"专家{i}", unit="甲单位" if i % 4 == 0 else f"单位{i}")
        for i in range(1, n + 1)
    ]


def test_a_draw_is_repeated_exactly_from_its_seed_and_differs_with_another() -> None:
    pool = _pool(21)
    first = draw_experts(pool, 15, "committee-2026-ip-senior", "committee:2026")
    assert first == draw_experts(list(reversed(pool)), 15, "committee-2026-ip-senior", "committee:2026")
    assert len({e.id for e in first}) == 15
    others = {
        tuple(e.id for e in draw_experts(pool, 15, f"seed-{n:04d}", "committee:2026")) for n in range(20)
    }
    assert len(others) > 1


def test_experts_from_the_applicants_employer_stand_aside() -> None:
    pool = _pool(9)  # E004 and E008 work at 甲单位
    for n in range(30):
        panel = draw_experts(pool, 5, f"panel-seed-{n:03d}", "panel", stand_aside_unit="甲单位")
        assert not {"E004", "E008"} & {e.id for e in panel}
    with pytest.raises(InvalidInputError, match="7 experts who need not stand aside; 8 are to be drawn"):
        draw_experts(pool, 8, "panel-seed-000", "panel", stand_aside_unit="甲单位")


def test_a_panel_has_three_to_five_experts() -> None:
    pool = [e.model_dump() for e in _pool(9)]
    assert PanelDraw.model_validate({"pool": pool, "size": 3}).size == 3
    for size in (2, 6):
        with pytest.raises(ValueError, match="size"):
            PanelDraw.model_validate({"pool": pool, "size": size})


# -- the tally and the certificate number --------------------------------------------------------


def test_a_tally_counts_only_members_ballots() -> None:
    members = tuple(f"M{i}" for i in range(7))
    tally = Tally(ballot_no=1, members=members, attendance=members[:5], approve=4, reject=1, abstain=0)
    assert (tally.valid, tally.passed) == (True, True)  # 15 ≥ 14; 12 ≥ 10
    assert not Tally(
        ballot_no=1, members=members, attendance=members[:4], approve=4, reject=0, abstain=0
    ).valid
    with pytest.raises(ValueError, match="ballots counted"):
        Tally(ballot_no=1, members=members, attendance=members[:5], approve=5, reject=1, abstain=0)
    with pytest.raises(ValueError, match="only members"):
        Tally(ballot_no=1, members=members, attendance=("X1",), approve=1, reject=0, abstain=0)


def test_certificate_numbers_carry_an_iso_7064_check_character() -> None:
    # The check character is that of China's identity numbers: 11010519491231002X is the
    # standard's own example (GB 11643-1999).
    assert certificate_number(2026, Level.SENIOR, 12).startswith("BJIP-20263000012")
    number = certificate_number(2026, Level.SENIOR, 12)
    assert certificate_number_valid(number)
    from domain.title import _check_char

    assert _check_char("11010519491231002") == "X"
    assert not certificate_number_valid(number[:-1] + ("0" if number[-1] != "0" else "1"))
    assert not certificate_number_valid(number.replace("20263", "20265"))
    assert not certificate_number_valid("BJIP-2026")


def test_san_the_register_reads_the_ministrys_exam_numbers_and_the_bureaus_own() -> None:
    """三: exam certificates are the ministry's (their number as entered), reviews' the bureau's
    BJIP-… with its check character; junk is neither (the old check knew only BJIP-…)."""
    assert national_certificate_number_valid("2611001100000042")
    assert certificate_number_valid("2611001100000042")
    assert certificate_number_valid(certificate_number(2026, Level.SENIOR, 13))
    assert not certificate_number_valid("BJIP-202630000010")  # its check character is X
    assert not certificate_number_valid("2611 0011")
    assert not national_certificate_number_valid("BJIP-202630000013")


def test_liu_yi_only_a_finding_of_fraud_holds_the_employer_responsible() -> None:
    """六(一): the employer answers for false materials it vouched for, i.e. where fraud is found."""
    ruling = {"objection_id": "OBJ-1", "upheld": True, "findings": "证明不实", "fraud": True}
    assert RuleObjection.model_validate(ruling | {"employer_fault": "false-proof"}).employer_fault is (
        EmployerFault.FALSE_PROOF
    )
    with pytest.raises(ValueError, match="employer_fault"):
        RuleObjection.model_validate(ruling | {"fraud": False, "employer_fault": "unchecked"})
