"""The ballot box of the committee vote (京人社事业发〔2021〕32号 五(二)5): secret, one ballot per
member, countable.

A ballot is one transaction that checks the member, marks them as having voted, and adds one
to the counter of their choice. Nothing stores the two together: the attendance row has the
member and no time or choice; the counters have the choices and no member, and every counter
of the box is rewritten by every ballot, so that not even the rows' transaction ids tell which
one a ballot raised. Ballots never pass through Temporal (whose history keeps every update's
input) nor through `case_events`; the case records the tally when the box is closed.
"""

from __future__ import annotations

import asyncpg

from activities.db.connection import Connection
from domain.errors import BallotRefusedError, InvalidInputError, NoBallotOpenError
from domain.title import Choice, Tally


async def open_box(conn: Connection, case_no: str, ballot_no: int, members: tuple[str, ...]) -> None:
    """Open ballot `ballot_no` of the case (idempotent: an activity may run twice)."""
    async with conn.transaction():
        inserted = await conn.fetchval(
            """INSERT INTO ballot_boxes (case_no, ballot_no, members) VALUES ($1, $2, $3)
               ON CONFLICT DO NOTHING RETURNING true""",
            case_no,
            ballot_no,
            list(members),
        )
        if inserted:
            await conn.executemany(
                "INSERT INTO ballot_counts (case_no, ballot_no, choice) VALUES ($1, $2, $3)",
                [(case_no, ballot_no, choice.value) for choice in Choice],
            )


async def cast(conn: Connection, case_no: str, member: str, choice: str) -> int:
    """Cast `member`'s ballot in the open box of the case; returns the ballot number.
    Refused, with nothing written: no open box, a non-member, a second ballot, an unknown
    choice."""
    try:
        chosen = Choice(choice)
    except ValueError:
        raise InvalidInputError(f"choice: one of {', '.join(Choice)}") from None
    async with conn.transaction():
        box = await conn.fetchrow(
            """SELECT ballot_no, members FROM ballot_boxes WHERE case_no = $1 AND NOT closed
               ORDER BY ballot_no DESC LIMIT 1 FOR UPDATE""",
            case_no,
        )
        if box is None:
            raise NoBallotOpenError(f"{case_no}: no ballot is open for this case")
        if member not in box["members"]:
            raise BallotRefusedError(f"{member} is not a member of this committee")
        try:
            await conn.execute(
                "INSERT INTO ballot_attendance (case_no, ballot_no, member) VALUES ($1, $2, $3)",
                case_no,
                box["ballot_no"],
                member,
            )
        except asyncpg.UniqueViolationError:
            raise BallotRefusedError(f"{member} has already voted on this applicant") from None
        await conn.execute(
            """UPDATE ballot_counts SET count = count + (choice = $3)::int
               WHERE case_no = $1 AND ballot_no = $2""",
            case_no,
            box["ballot_no"],
            chosen.value,
        )
        return int(box["ballot_no"])


async def close_box(conn: Connection, case_no: str, ballot_no: int) -> Tally:
    """Close the box and take the tally (idempotent: a closed box gives the same tally)."""
    async with conn.transaction():
        members = await conn.fetchval(
            """UPDATE ballot_boxes SET closed = true WHERE case_no = $1 AND ballot_no = $2
               RETURNING members""",
            case_no,
            ballot_no,
        )
        if members is None:
            raise NoBallotOpenError(f"{case_no}: ballot {ballot_no} was never opened")
        attendance = await conn.fetch(
            """SELECT member FROM ballot_attendance WHERE case_no = $1 AND ballot_no = $2
               ORDER BY member""",
            case_no,
            ballot_no,
        )
        counts = {
            r["choice"]: r["count"]
            for r in await conn.fetch(
                "SELECT choice, count FROM ballot_counts WHERE case_no = $1 AND ballot_no = $2",
                case_no,
                ballot_no,
            )
        }
    return Tally(
        ballot_no=ballot_no,
        members=tuple(sorted(members)),
        attendance=tuple(r["member"] for r in attendance),
        approve=counts[Choice.APPROVE],
        reject=counts[Choice.REJECT],
        abstain=counts[Choice.ABSTAIN],
    )
