"""Intellectual-property professional titles: 《北京市知识产权专业职称评价试行办法》,
京人社事业发〔2021〕32号. This module starts with the committee vote; eligibility and the
review round come with the rest of the procedure.

四(二)5: the committee votes by secret ballot. "评审结果需由全体评审委员会委员三分之二以上
出席并参加投票方为有效，通过人选需获得出席委员三分之二以上同意票数": the vote is valid only if
at least two thirds of all members attend and vote, and an applicant passes with at least
two thirds of those voting. "以上" includes the number itself (民法典 第一千二百五十九条), so
the rules are `3 * voting >= 2 * members` and `3 * yes >= 2 * voting`, in integers.
"""

from __future__ import annotations

from collections.abc import Collection, Set

from govflow.domain.errors import DecisionRefusedError, InvalidInputError


class BallotRefusedError(DecisionRefusedError):
    """A ballot the vote cannot take: from a non-member, or a second one from a member."""

    code = "BallotRefused"


def quorum_met(members: int, voting: int) -> bool:
    """四(二)5: at least two thirds of all members attended and voted."""
    check_counts(members, voting)
    return 3 * voting >= 2 * members


def passes(voting: int, yes: int) -> bool:
    """四(二)5: at least two thirds of those voting approved."""
    if not 0 <= yes <= voting:
        raise InvalidInputError(f"yes: {yes} approvals cannot come from {voting} ballots")
    return 3 * yes >= 2 * voting


def check_counts(members: int, voting: int) -> None:
    if members < 1:
        raise InvalidInputError("members: a committee has at least one member")
    if not 0 <= voting <= members:
        raise InvalidInputError(f"voting: {voting} ballots cannot come from {members} members")


def check_ballot(voter: str, members: Collection[str], voted: Set[str]) -> None:
    """A member votes once per applicant; nobody else votes."""
    if voter not in members:
        raise BallotRefusedError(f"{voter} is not a member of this committee")
    if voter in voted:
        raise BallotRefusedError(f"{voter} has already voted on this applicant")
