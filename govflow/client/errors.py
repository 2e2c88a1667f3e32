"""What the SDK raises. Every error is one clear sentence, fit for a command line.

GovflowError
├── CaseNotFoundError        no case with that number
├── CaseExistsError          a case with that number was already started
├── CaseStuckError           the case's workflow task keeps failing (a bug): an operator's matter
├── DecisionRejectedError    the case refused a decision (carries the domain error)
├── DecisionPendingError     the decision was accepted but not carried out within the wait
├── NoAnswerError            the case did not answer within the wait (is a worker running?)
├── InputError               a file or model that does not validate (names the field)
├── ServerUnreachableError   Temporal does not answer
└── DatabaseUnreachableError PostgreSQL does not answer
"""

from __future__ import annotations

from domain.errors import DomainError


class GovflowError(Exception):
    pass


class CaseNotFoundError(GovflowError):
    pass


class CaseExistsError(GovflowError):
    pass


class CaseStuckError(GovflowError):
    pass


class DecisionPendingError(GovflowError):
    """Accepted and recorded, still being carried out (e.g. the case waits for an operator)."""

    def __init__(
        self, case_no: str, decision: str, request_id: str, waited: float, held: str | None = None
    ) -> None:
        why = (
            f"the case now waits for an operator: {held}"
            if held
            else f"still being carried out after {waited:g} s"
        )
        super().__init__(
            f"{case_no}: {decision} was accepted and recorded; {why} (request {request_id}); "
            f"see `govflow status {case_no}`"
        )
        self.case_no, self.decision, self.request_id = case_no, decision, request_id


class NoAnswerError(GovflowError):
    pass


class DecisionRejectedError(GovflowError):
    def __init__(self, case_no: str, reason: DomainError) -> None:
        super().__init__(f"{case_no}: decision refused: {reason.message}")
        self.reason = reason


class InputError(GovflowError):
    pass


class ServerUnreachableError(GovflowError):
    pass


class DatabaseUnreachableError(GovflowError):
    pass
