"""The one place where errors cross between the domain and Temporal.

Domain errors become non-retryable ApplicationErrors whose `type` is the error's
code; the client maps the code back to the domain class.

In an activity, an error is either transient (a database or server that does not answer, a
connection that drops, a timeout: `is_transient`) and left to the retry policy, which waits
it out without limit, or it is one no retry can mend (a refusal by a rule or by another case,
a value PostgreSQL cannot store, a template that does not render, a bug) and fails the
activity for good. The case that called it then records that it needs an operator
(`CaseNeedsAttention`, see workflows.core) instead of retrying in silence.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import asyncpg
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from domain.errors import DomainError, error_for_code

P = ParamSpec("P")
R = TypeVar("R")

# Errors of the machinery that go away by themselves: a retry mends them.
_TRANSIENT = (
    OSError,  # ConnectionRefusedError, ConnectionResetError, a full disk
    TimeoutError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,  # "connection is closed", "pool is closing"
    asyncpg.CannotConnectNowError,  # "the database system is starting up"
    asyncpg.OperatorInterventionError,  # an administrator's shutdown
    asyncpg.TransactionRollbackError,  # serialization failure, deadlock
    asyncpg.InsufficientResourcesError,  # too many connections, out of memory
    # A connection cut mid-transaction by a shutdown can leave the driver's protocol in a state
    # it reports as "cannot switch to state …; another operation is in progress" (seen in about
    # one transaction in five cut by a PostgreSQL restart): the next attempt gets a new connection.
    asyncpg.InternalClientError,
)
_TRANSIENT_RPC = frozenset(
    {
        RPCStatusCode.UNAVAILABLE,
        RPCStatusCode.DEADLINE_EXCEEDED,
        RPCStatusCode.RESOURCE_EXHAUSTED,
        RPCStatusCode.ABORTED,
        RPCStatusCode.CANCELLED,
        RPCStatusCode.UNKNOWN,
        RPCStatusCode.INTERNAL,
    }
)


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


def is_transient(error: BaseException) -> bool:
    """Whether a retry can mend `error` (see the module docstring)."""
    if isinstance(error, RPCError):
        return error.status in _TRANSIENT_RPC
    return isinstance(error, _TRANSIENT)


def permanent_failure(error: ActivityError) -> ApplicationError | None:
    """The non-retryable ApplicationError that failed an activity for good, if that is why it
    failed (not a cancellation or a timeout of the workflow's own making)."""
    cause = error.cause
    if isinstance(cause, ApplicationError) and cause.non_retryable:
        return cause
    return None


def translate_activity_errors(fn: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Decorate an activity: transient errors retry, every other error fails it for good."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(*args, **kwargs)
        except ApplicationError:
            raise
        except DomainError as error:
            raise to_application_error(error) from error
        except Exception as error:
            if is_transient(error):
                raise
            raise ApplicationError(_one_line(error), type=type(error).__name__, non_retryable=True) from error

    return wrapper


def _one_line(error: BaseException) -> str:
    text = str(error).replace("\x00", "\\x00").strip() or type(error).__name__
    return text.splitlines()[0][:500]
