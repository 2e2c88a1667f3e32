"""The committee's secret ballot (京人社事业发〔2021〕32号 五(二)5): cast on the committee's voting
terminal straight into the ballot box in PostgreSQL (activities.db.ballots).

This is the one client operation that needs the database (DATABASE_URL, or the local stack's):
a ballot never passes through Temporal, whose history would keep the member and the choice
together for good. The choice is sealed here, on the terminal, to the box's public tally key:
the database receives only the sealed value. The case opens and closes the box; it never sees
a ballot.

Who votes is proven as every other request is: the member's identity token (govflow login, or
GOVFLOW_TOKEN) is verified here against the same key set the worker uses (GOVFLOW_JWKS), and the
ballot is cast for the member the token names, in the role `committee-member`: a member cannot
cast another's. The ballot box's own guard is the database's: the terminal's credentials are
what let a ballot in, so they are given to the committee's terminals alone.
"""

from __future__ import annotations

from activities.db import ballots
from activities.db.connection import DatabaseUnreachableError, create_pool
from domain.errors import DomainError, InvalidInputError, NoBallotOpenError, NotPermittedError
from govflow.client import errors
from workers.database import resolve_database_url
from workers.identity import Verifier
from workers.settings import Settings

MEMBER_ROLE = "committee-member"


def ballot_member(settings: Settings, token: str | None) -> str:
    """The committee member the token proves (DecisionRejectedError, one line, if none)."""
    verifier = Verifier(settings.jwks_source, issuer=settings.jwt_issuer, audience=settings.jwt_audience)
    try:
        identity = verifier.verify(token)
        if MEMBER_ROLE not in identity.roles:
            raise NotPermittedError(f"{identity.label} is not logged in as a {MEMBER_ROLE}")
    except DomainError as error:
        raise errors.DecisionRejectedError("ballot", error) from None
    return identity.subject


async def cast_ballot(settings: Settings, case_no: str, token: str | None, choice: str) -> tuple[str, int]:
    """Cast the ballot of the member `token` proves on the applicant of `case_no`; returns the
    member and the ballot's number."""
    member = ballot_member(settings, token)
    try:
        pool = await create_pool(resolve_database_url(settings), max_size=1)
    except DatabaseUnreachableError as error:
        raise errors.DatabaseUnreachableError(str(error)) from None
    try:
        async with pool.acquire() as conn:
            try:
                return member, await ballots.cast(conn, case_no, member, choice)
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
