"""What the command's modules share: reading a file as a person hands it in, dates and months
from the command line, the --wait flag, Beijing time for people, the exit statuses."""

from __future__ import annotations

import argparse
import json
import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from domain.calendar import SHANGHAI, local_date
from domain.errors import DomainError
from domain.identifiers import check_case_no
from domain.inputs import RequestId, check_plausible
from domain.models import Record
from govflow.client import errors
from govflow.client.sdk import DEFAULT_WAIT

EXIT_REFUSED, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_PENDING = 1, 2, 3, 4
MAX_FILE_BYTES = 1024 * 1024
"""No start or decision file is larger; refused before anything is read into a case."""
MAX_NESTING = 32

Commands = Any  # argparse's subparsers action (a private class): what `register` adds to


class DecisionFile(Record):
    """The FILE of `govflow decide`: with what; request_id makes it idempotent. Who decides is
    not in the file: it is the identity the caller logged in as (the token), nothing else."""

    payload: dict[str, Any] = Field(default_factory=dict)
    request_id: RequestId | None = None
    effective_on: date | None = Field(
        default=None, description="the legal date of the act, when it is entered later (or --effective-on)"
    )

    actor: object = Field(default=None, exclude=True)  # refused when present: see below

    @field_validator("actor", mode="before")
    @classmethod
    def _no_actor(cls, value: object) -> object:
        raise ValueError("who decides is whoever is logged in (govflow login), not the file; remove it")

    @field_validator("request_id", mode="after")
    @classmethod
    def _plausible(cls, value: Any) -> Any:
        """As DecisionRequest: the payload's own model checks its fields and names the one that
        fails (`payload.note`), which a check of the whole dict here could not."""
        check_plausible(value)
        return value


def read_json(path: str) -> Any:
    """A JSON file as a person would hand it in; anything else is one line naming why."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            raise errors.InputError(f"{size} bytes is more than a case file may hold ({MAX_FILE_BYTES})")
        raw = Path(path).read_bytes()
    except OSError as error:
        raise errors.InputError(f"cannot read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise errors.InputError(f"not UTF-8 text (byte {error.start}: {raw[error.start]:#04x})") from None
    try:
        document = json.loads(text, parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        what = error.msg.removesuffix(" at")  # "Invalid control character at"
        if what.startswith("Invalid control character"):
            what = "a control character inside a string (write it as an escape, or leave it out)"
        raise errors.InputError(
            f"malformed JSON at line {error.lineno} column {error.colno}: {what}"
        ) from None
    except ValueError as error:  # an integer of thousands of digits
        raise errors.InputError(f"not a number a case takes ({str(error).split(';')[0]})") from None
    except RecursionError:
        raise errors.InputError(f"JSON nested deeper than {MAX_NESTING} levels") from None
    if _depth(document) > MAX_NESTING:
        raise errors.InputError(f"JSON nested deeper than {MAX_NESTING} levels")
    return document


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A key given twice is a mistake, not a choice of the last one."""
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise errors.InputError(f"{_one_line(key)}: given twice in one object")
        document[key] = value
    return document


def _one_line(text: str) -> str:
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def case_number(text: str) -> str:
    """A case number given on the command line: of the shape the system gives them."""
    try:
        return check_case_no(text)
    except DomainError as error:
        raise errors.InputError(error.message) from None


def _no_constant(name: str) -> Any:
    raise errors.InputError(f"{name} is not a number a case takes")


def _depth(value: Any, level: int = 1) -> int:
    if level > MAX_NESTING:
        return level
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return max((_depth(child, level + 1) for child in children), default=level)


def parse_month(text: str) -> date:
    try:
        return date.fromisoformat(f"{text}-01")
    except ValueError:
        raise errors.InputError(f"{text!r} is not a month (YYYY-MM)") from None


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise errors.InputError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _beijing(instant: datetime) -> str:
    """People read times in Beijing time: 2026-10-13 23:59 +08:00."""
    return instant.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M +08:00")


def lang_flag(parser: argparse.ArgumentParser) -> None:
    """`--lang zh|en`: Chinese first with the codes beside (the default, or GOVFLOW_LANG), or
    English and the codes alone."""
    default = os.environ.get("GOVFLOW_LANG", "zh")
    parser.add_argument(
        "--lang",
        choices=["zh", "en"],
        default=default if default in ("zh", "en") else "zh",
        help="zh: Chinese with the codes beside (default); en: English",
    )


def today() -> date:
    """Today in Beijing, the day a person's `days left` counts from."""
    return local_date(datetime.now(SHANGHAI))


def _wait_flag(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--wait",
        type=_seconds,
        default=DEFAULT_WAIT,
        metavar="SECONDS",
        help=f"how long to wait {what} (default {DEFAULT_WAIT:g})",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError("more than 0 and at most 3600 seconds")
    return value
