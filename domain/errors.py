"""Domain errors: every rule that refuses something refuses it with one of these.

    DomainError                     a rule of a procedure refuses the request
    ├── InvalidInputError           a file or payload that does not validate (names the field)
    │   └── UnknownCertificateError a title certificate number the register does not hold
    ├── UnknownProcedureError       a procedure name that is not in the contract
    ├── CaseExistsError             a case of that number was started already
    ├── CaseClosedError             a decision for a case that has already ended
    └── DecisionRefusedError        a decision the case will not take
        ├── CaseOpeningError        the case has not finished opening yet (try again)
        ├── AwaitingOperatorError   a step failed for good; the case waits for an operator's resume
        ├── UnknownDecisionError    the procedure has no such decision
        ├── WrongStageError         the decision is not allowed in the case's current stage
        ├── WrongRoleError          the actor's role may not take this decision
        ├── DuplicateRequestError   the request id was already used on this case
        ├── ClockStateError         a clock cannot do that now (pause a paused clock, extend a met one)
        ├── BallotRefusedError      a ballot from a non-member, or a second one from a member
        ├── NoBallotOpenError       no ballot box is open for the case
        ├── AlreadyRevokedError     a title certificate already revoked
        └── RateLimitedError        too many code look-ups by one caller in a minute

Each error has a stable `code`; the boundary between domain and Temporal
(activities.boundary) turns it into a non-retryable ApplicationError whose type is that
code, and the client turns the code back into the class. Every class is defined here, so
that every code is known wherever an error is turned back.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the gazette, or of the case contract, refuses the request."""

    code = "DomainError"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInputError(DomainError):
    """Input that does not validate; the message names the field."""

    code = "InvalidInput"


class UnknownProcedureError(DomainError):
    """A procedure name that the contract does not list."""

    code = "UnknownProcedure"


class CaseExistsError(DomainError):
    """A case of that number was started already; it is not started again."""

    code = "CaseExists"


class CaseClosedError(DomainError):
    """The case has ended; it takes no further decision."""

    code = "CaseClosed"


class DecisionRefusedError(DomainError):
    """The case refuses the decision; nothing was recorded."""

    code = "DecisionRefused"


class CaseOpeningError(DecisionRefusedError):
    """The workflow has not yet recorded that the case is open; the client may try again."""

    code = "CaseOpening"


class IntakeBusyError(DecisionRefusedError):
    """The intake is numbering another filing; nothing was written, and the client sends the
    filing again in a moment."""

    code = "IntakeBusy"


class IntakeHandingOverError(DecisionRefusedError):
    """The intake is handing over to its next run (continue-as-new) and takes no filing until
    it has; nothing was written, and the client sends the filing again shortly."""

    code = "IntakeHandingOver"


class AwaitingOperatorError(DecisionRefusedError):
    """A step of the case failed in a way no retry mends; nothing is decided until an
    operator has resumed it."""

    code = "AwaitingOperator"


class UnknownDecisionError(DecisionRefusedError):
    """The procedure has no decision of that name."""

    code = "UnknownDecision"


class WrongStageError(DecisionRefusedError):
    """The decision is not one the case's current stage accepts."""

    code = "WrongStage"


class WrongRoleError(DecisionRefusedError):
    """The actor's role may not take the decision."""

    code = "WrongRole"


class DuplicateRequestError(DecisionRefusedError):
    """A request id already used on this case: the decision was taken once already."""

    code = "DuplicateRequest"


class ClockStateError(DecisionRefusedError):
    """A statutory clock refuses the change in its present state."""

    code = "ClockState"


class UnknownCertificateError(InvalidInputError):
    """六(一), 五(二)7: a certificate number the title register does not hold."""

    code = "UnknownCertificate"


class UnauthenticatedError(DecisionRefusedError):
    """No identity token, or one that does not verify (expired, another key, another issuer
    or audience): who acts is not proven, so nothing is done."""

    code = "Unauthenticated"


class NotPermittedError(DecisionRefusedError):
    """The proven identity may not do this: its token does not name the actor the request is
    signed as, or a party rule forbids it (an applicant never takes an officer's decision on
    their own case)."""

    code = "NotPermitted"


class BallotRefusedError(DecisionRefusedError):
    """A ballot the vote cannot take: from a non-member, or a second one from a member."""

    code = "BallotRefused"


class NoBallotOpenError(DecisionRefusedError):
    """No ballot box is open for the case: unknown case, not at the vote, or closed."""

    code = "NoBallotOpen"


class AlreadyRevokedError(DecisionRefusedError):
    """六(一): the title certificate has been revoked already."""

    code = "AlreadyRevoked"


class RateLimitedError(DecisionRefusedError):
    """附件2 三: too many look-ups of verification codes by one caller in a minute."""

    code = "RateLimited"


def all_domain_errors() -> list[type[DomainError]]:
    """Every DomainError class, the root included (for the mapping test)."""
    found: list[type[DomainError]] = [DomainError]
    index = 0
    while index < len(found):
        found.extend(found[index].__subclasses__())
        index += 1
    return found


def error_for_code(code: str) -> type[DomainError] | None:
    """The DomainError class whose `code` is `code`, if any."""
    for error in all_domain_errors():
        if error.code == code:
            return error
    return None
