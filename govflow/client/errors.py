"""What the SDK raises. Every error is one clear sentence, fit for a command line.

    GovflowError
    ├── CaseNotFoundError        no case with that number
    ├── CaseExistsError          a case with that number was already started
    ├── DecisionRejectedError    the case refused a decision (carries the domain error)
    ├── InputError               a file or model that does not validate (names the field)
    ├── ServerUnreachableError   Temporal does not answer
    └── DatabaseUnreachableError PostgreSQL does not answer
"""

from __future__ import annotations

from govflow.domain.errors import DomainError


class GovflowError(Exception):
    pass


class CaseNotFoundError(GovflowError):
    pass


class CaseExistsError(GovflowError):
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
