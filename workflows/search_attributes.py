"""The six custom search attributes of the contract; the dev stack registers them."""

from __future__ import annotations

from datetime import datetime

from temporalio.common import SearchAttributeKey

CASE_NO = SearchAttributeKey.for_keyword("CaseNo")
CASE_TYPE = SearchAttributeKey.for_keyword("CaseType")
STAGE = SearchAttributeKey.for_keyword("Stage")
APPLICANT_ID = SearchAttributeKey.for_keyword("ApplicantId")
DISTRICT = SearchAttributeKey.for_keyword("District")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")

ALL: tuple[SearchAttributeKey[str] | SearchAttributeKey[datetime], ...] = (
    CASE_NO,
    CASE_TYPE,
    STAGE,
    APPLICANT_ID,
    DISTRICT,
    NEXT_DEADLINE,
)


def cli_flags() -> list[str]:
    """`--search-attribute NAME=Type` flags for `temporal server start-dev`."""
    kinds = {"KEYWORD": "Keyword", "DATETIME": "Datetime"}
    return [f"--search-attribute={key.name}={kinds[key.indexed_value_type.name]}" for key in ALL]
