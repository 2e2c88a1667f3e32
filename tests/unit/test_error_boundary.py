"""Every domain error crosses the Temporal boundary and comes back as itself."""

import pytest
from temporalio.exceptions import ApplicationError

from activities.boundary import from_application_error, to_application_error
from domain.errors import DomainError, all_domain_errors


def test_every_domain_error_has_its_own_code() -> None:
    codes = [error.code for error in all_domain_errors()]
    assert len(codes) == len(set(codes)), codes
    assert len(codes) >= 9


@pytest.mark.parametrize("error_class", all_domain_errors(), ids=lambda e: e.__name__)
def test_domain_error_maps_to_non_retryable_failure_and_back(error_class: type[DomainError]) -> None:
    failure = to_application_error(error_class("the message"))
    assert failure.non_retryable
    assert failure.type == error_class.code
    wrapped = RuntimeError("update failed")
    wrapped.__cause__ = failure
    back = from_application_error(wrapped)
    assert type(back) is error_class
    assert back.message == "the message"


def test_a_failure_that_is_not_a_domain_error_is_not_mistaken_for_one() -> None:
    assert from_application_error(ApplicationError("boom", type="ConnectionError")) is None
