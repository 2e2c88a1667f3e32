"""The committee's secret ballot (京人社事业发〔2021〕32号 五(二)5): cast on the committee's voting
terminal straight into the ballot box in PostgreSQL (activities.db.ballots).

This is the one client operation that needs the database (DATABASE_URL, or the local stack's):
a ballot never passes through Temporal, whose history would keep the member and the choice
together for good. The case opens and closes the box; it never sees a ballot.
"""

from __future__ import annotations

from activities.db import ballots
from activities.db.connection import DatabaseUnreachableError, create_pool
from domain.errors import DomainError, InvalidInputError, NoBallotOpenError
from govflow.client import errors
from workers.database import resolve_database_url
from workers.settings import Settings


async def cast_ballot(settings: Settings, case_no: str, member: str, choice: str) -> int:
    """Cast `member`'s ballot on the applicant of `case_no`; returns the ballot's number."""
    try:
        pool = await create_pool(resolve_database_url(settings), max_size=1)
    except DatabaseUnreachableError as error:
        raise errors.DatabaseUnreachableError(str(error)) from None
    try:
        async with pool.acquire() as conn:
            try:
                return await ballots.cast(conn, case_no, member, choice)
            except NoBallotOpenError as error:
                known = await conn.fetchval("SELECT true FROM cases WHERE case_no = $1", case_no)
                if not known:
                    raise errors.CaseNotFoundError(f"no case {case_no}") from None
                raise errors.DecisionRejectedError(case_no, error) from None
            except InvalidInputError as error:
                raise errors.InputError(error.message) from None
            except DomainError as error:
                raise errors.DecisionRejectedError(case_no, error) from None
    finally:
        await pool.close()
