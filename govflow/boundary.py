"""The one place where errors cross between the domain and Temporal.

Domain errors become non-retryable ApplicationErrors whose `type` is the error's
code; the client maps the code back to the domain class. Errors of the machinery
(a database that is down, a network that drops) are not translated: they stay
retryable, and the activity's retry policy waits them out.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from temporalio.exceptions import ApplicationError

from govflow.domain.errors import DomainError, error_for_code

P = ParamSpec("P")
R = TypeVar("R")


class PermanentActivityError(Exception):
    """A failure no retry can mend (a missing template, a log conflict): fail, don't retry."""


def to_application_error(error: DomainError) -> ApplicationError:
    return ApplicationError(error.message, type=error.code, non_retryable=True)


def from_application_error(error: BaseException) -> DomainError | None:
    """The domain error a failure carries, found anywhere down its chain of causes."""
    current: BaseException | None = error
    while current is not None:
        if isinstance(current, ApplicationError) and current.type:
            domain_class = error_for_code(current.type)
            if domain_class is not None:
                return domain_class(current.message)
        current = current.__cause__
    return None


def translate_activity_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorate an activity: domain and permanent errors fail it for good, others retry."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except DomainError as error:
            raise to_application_error(error) from error
        except PermanentActivityError as error:
            raise ApplicationError(
                str(error), type=type(error).__name__, non_retryable=True
            ) from error

    return wrapper
