"""Who acts, once proven: the identity a verified token names, and the rules that bind a
request's actor to it.

A request (a decision, a resume, a start) is signed as an actor `role:id`. The identity token
that came with it (workers.identity verifies it) names a subject and the roles the identity
provider grants; the request is taken only if the token names its actor. On top of the role,
party rules: whoever is the case's applicant (the token's subject or its `pid` claim, the ID
number or credit code of the person or company the subject is) takes only a party's decisions
on that case, never an officer's.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.case import Actor
from domain.errors import NotPermittedError

PARTY_ROLES = frozenset({"applicant", "enterprise", "public", "employer-hr"})
"""Roles a party to a case holds: the applicant, the complaining enterprise, the public that may
object, an applicant's employer. Every other role is an officer's (or an expert's)."""


@dataclass(frozen=True)
class Identity:
    """What a verified token says: who (`subject`), in which roles, and, for a person or company
    that may be a party, their ID number or credit code (`party`)."""

    subject: str
    roles: tuple[str, ...]
    party: str | None = None

    @property
    def label(self) -> str:
        return f"{self.subject} ({', '.join(self.roles) or 'no role'})"


SELF_ROLES = frozenset({"applicant", "enterprise"})
"""Roles only the case's own applicant holds on it (a company claiming its own subsidy, an
applicant objecting to their own credit entry): the token must be that applicant's."""


def _same_id(a: str | None, b: str | None) -> bool:
    """ID numbers and credit codes as typed: case and spaces do not make another person."""
    if a is None or b is None or not a.strip():
        return False
    return a.strip().upper() == b.strip().upper()


def check_actor(identity: Identity, actor: Actor, applicant_id: str | None = None) -> None:
    """Refuse a request signed as `actor` unless the token names it; an officer's request from
    the case's own applicant; and an applicant's request from anyone but that applicant
    (`applicant_id`: the case's, when there is a case)."""
    if actor.id != identity.subject or actor.role not in identity.roles:
        raise NotPermittedError(
            f"the request is signed as {actor.role}:{actor.id}, but the identity token is {identity.label}'s"
        )
    if not applicant_id:
        return
    is_applicant = _same_id(applicant_id, identity.subject) or _same_id(applicant_id, identity.party)
    if actor.role not in PARTY_ROLES and is_applicant:
        raise NotPermittedError(
            f"{identity.subject} is the applicant of this case and may not take an officer's "
            f"decision ({actor.role}) on it"
        )
    if actor.role in SELF_ROLES and not is_applicant:
        raise NotPermittedError(
            f"{identity.subject} is not the applicant of this case and may not act as its {actor.role}"
        )
