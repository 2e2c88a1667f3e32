"""Which of the server's refusals the SDK sends again by itself, and which it reports. (The
intake's own refusals, IntakeBusyError and IntakeHandingOverError, are sent again too: see
tests/workflows/test_intake_handover.py and the fault tier, which file many cases at once.)"""

from __future__ import annotations

from temporalio.service import RPCError, RPCStatusCode

from govflow.client.sdk import _too_many_updates, _update_aborted


def refusal(message: str, status: RPCStatusCode) -> RPCError:
    return RPCError(message, status, b"")


def test_an_update_refused_because_the_workflow_has_ten_in_flight_is_sent_again() -> None:
    # The words of the server (temporal 1.32) when a workflow has its limit of updates in flight.
    busy = refusal(
        "limit on number of concurrent in-flight updates has been reached (10)",
        RPCStatusCode.RESOURCE_EXHAUSTED,
    )
    assert _too_many_updates(busy)


def test_other_refusals_are_reported_not_sent_again() -> None:
    assert not _too_many_updates(refusal("namespace rate limit exceeded", RPCStatusCode.RESOURCE_EXHAUSTED))
    assert not _too_many_updates(
        refusal(
            "limit on number of concurrent in-flight updates has been reached (10)", RPCStatusCode.NOT_FOUND
        )
    )


def test_an_update_the_server_aborted_when_the_run_ended_is_sent_again() -> None:
    # What the dev server answered filings admitted while the intake continued as new.
    assert _update_aborted(refusal("workflow update was aborted", RPCStatusCode.UNAVAILABLE))
    assert not _update_aborted(refusal("connection refused", RPCStatusCode.UNAVAILABLE))
