"""四(二)5 of 京人社事业发〔2021〕32号: the two-thirds quorum and the two-thirds majority."""

import pytest

from govflow.domain.errors import InvalidInputError
from govflow.domain.title import BallotRefusedError, check_ballot, passes, quorum_met


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
def test_the_vote_is_valid_only_with_two_thirds_of_all_members_voting(members: int, voting: int, valid: bool) -> None:
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
