"""Identifiers that appear in search attributes: case numbers and unified social credit codes.

Search attributes hold identifiers only, never a person's name or ID-card number.
"""

from __future__ import annotations

import re

from domain.errors import InvalidInputError

CASE_NO_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{1,15}(-[A-Z0-9]{1,18}){1,4}$")

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_SHAPE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def format_case_no(prefix: str, year: int, serial: int) -> str:
    """A case number as the system assigns it: PREFIX-YEAR-NNNNNN, e.g. CMPL-2026-000042."""
    if serial < 1:
        raise ValueError("serial numbers start at 1")
    return f"{prefix}-{year:04d}-{serial:06d}"


def check_case_no(case_no: str) -> str:
    """A case number given by a front office must be upper-case words joined by hyphens.

    It becomes the workflow id and a file name of the notices folder, so nothing else is let in.
    """
    if not CASE_NO_PATTERN.fullmatch(case_no):
        raise InvalidInputError(
            f"case_no: {case_no!r} is not a case number (upper-case letters and digits in "
            "2 to 5 parts joined by '-', e.g. CMPL-2026-000042)"
        )
    return case_no


def parse_case_no(case_no: str, prefix: str) -> tuple[int, int]:
    """(year, serial) of a number as the system assigns them to a procedure of `prefix`."""
    found = re.fullmatch(rf"{re.escape(prefix)}-(\d{{4}})-(\d{{6}})", case_no)
    if found is None:
        raise InvalidInputError(
            f"case_no: {case_no!r} is not a number of this procedure ({prefix}-YYYY-NNNNNN, "
            f"e.g. {format_case_no(prefix, 2026, 42)})"
        )
    year, serial = int(found.group(1)), int(found.group(2))
    if serial < 1 or not 2000 <= year <= 2100:
        raise InvalidInputError(f"case_no: {case_no!r} has no such year or serial")
    return year, serial


def uscc_check_character(first17: str) -> str:
    """GB 32100-2015: the 18th character of a unified social credit code."""
    total = sum(_USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """A unified social credit code (统一社会信用代码) of the right shape and check character."""
    return bool(_USCC_SHAPE.fullmatch(code)) and uscc_check_character(code[:17]) == code[17]
