import pytest

from domain.errors import InvalidInputError
from domain.identifiers import check_case_no, format_case_no, is_valid_uscc
from domain.procedures import CASE_NO_PREFIXES, case_no_prefix

# Codes published on the national enterprise credit system, checked by hand against GB 32100-2015.
PUBLISHED_USCC = ["9144030071526726XG", "91330100716105852F", "914403001922038216"]


@pytest.mark.parametrize("code", PUBLISHED_USCC)
def test_published_credit_codes_are_valid(code: str) -> None:
    assert is_valid_uscc(code)


@pytest.mark.parametrize(
    "code",
    [
        "9144030071526726XA",  # wrong check character
        "9144030071526726X",  # 17 characters
        "9144030071526726XGG",  # 19 characters
        "9144O30071526726XG",  # letter O is not in the code's alphabet
        "9144030071526726xg",  # lower case
    ],
)
def test_malformed_credit_codes_are_refused(code: str) -> None:
    assert not is_valid_uscc(code)


def test_assigned_case_numbers_count_within_procedure_and_year() -> None:
    assert format_case_no("CMPL", 2026, 42) == "CMPL-2026-000042"
    assert check_case_no("CMPL-2026-000042") == "CMPL-2026-000042"


@pytest.mark.parametrize("bad", ["", "cmpl-2026-1", "CMPL 2026", "CMPL/2026/1", "CMPL", "A-" + "1" * 20])
def test_case_numbers_that_cannot_be_workflow_ids_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="case_no"):
        check_case_no(bad)


def test_every_contract_procedure_has_a_distinct_prefix() -> None:
    contract = {
        "complaint",
        "auction-permit",
        "spot-check",
        "credit-record",
        "subsidy",
        "ecommerce-subsidy",
        "title-exam",
        "title-review",
        "qualification-verification",
        "hr-park",
    }
    assert contract <= set(CASE_NO_PREFIXES)
    assert len(set(CASE_NO_PREFIXES.values())) == len(CASE_NO_PREFIXES)
    assert case_no_prefix("complaint") == "CMPL"
