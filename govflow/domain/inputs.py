"""The boundary for input: what a person could not mean is refused, with the field named.

Every Record (govflow.domain.models) checks each of its fields with `check_plausible`:

- no control character in text except tab, newline and carriage return (NUL never:
  PostgreSQL cannot store it, and a case holding one could never record an event);
- no text longer than MAX_TEXT characters;
- numbers finite and within ±MAX_NUMBER; dates from EARLIEST to LATEST.

Input models narrow this per field with the types below (Name, Text, Identifier, Postcode,
Amount, Year, ResidentId, ...). Dates carry a `DateWindow`: its fixed bounds are checked by
the model, its bound relative to the case's own today by `check_dates`, which the client
runs before a case is started and the workflow's update validator before a decision is
recorded. A model never checks a date against the clock itself: a history is deserialised
again on every replay, years later, and must not become invalid with time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from govflow.domain.errors import InvalidInputError

MAX_TEXT = 20_000
"""No text of any model is longer (a decision's reasons, a notice's body included)."""
MAX_NUMBER = 10**12
EARLIEST = date(1950, 1, 1)
LATEST = date(2100, 12, 31)
CASE_EPOCH = date(2000, 1, 1)
"""Nothing that happened in a case (a receipt, a finding, an expense) is older than this."""

MAX_AMOUNT = Decimal("100000000000")  # ¥100 billion: far above any claim, far below overflow

_ALLOWED_CONTROLS = frozenset("\t\n\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")


def check_plausible(value: Any) -> None:
    """Raise ValueError for what no person could mean (see the module docstring); nested
    lists, tuples and dicts are walked, nested models check themselves."""
    if isinstance(value, str):
        _check_text(value)
    elif isinstance(value, bool) or value is None or isinstance(value, BaseModel):
        return
    elif isinstance(value, int):
        if abs(value) > MAX_NUMBER:
            raise ValueError(f"{value} is not a plausible number (at most {MAX_NUMBER:.0e})")
    elif isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise ValueError(f"{value} is not a plausible number")
    elif isinstance(value, Decimal):
        if not value.is_finite() or abs(value) > MAX_NUMBER:
            raise ValueError(f"{value} is not a plausible amount")
    elif isinstance(value, date):
        day = value.date() if isinstance(value, datetime) else value
        if not EARLIEST <= day <= LATEST:
            raise ValueError(f"{value.isoformat()} is not a plausible date ({EARLIEST}–{LATEST})")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            check_plausible(key)
            check_plausible(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            check_plausible(item)


def _check_text(text: str) -> None:
    if len(text) > MAX_TEXT:
        raise ValueError(f"text of {len(text)} characters is longer than any field takes ({MAX_TEXT})")
    found = _CONTROL.search(text)
    if found and found.group() not in _ALLOWED_CONTROLS:
        raise ValueError(f"control character U+{ord(found.group()):04X} is not allowed in text")


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank")
    return text


# -- text -------------------------------------------------------------------------------------

Name = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_not_blank)]
"""A person's, an enterprise's or a body's name, a title, a project's name."""
Address = Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_not_blank)]
Contact = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_not_blank)]
"""A telephone number or e-mail, with whom to ask for if need be."""
Text = Annotated[str, StringConstraints(min_length=1, max_length=5000), AfterValidator(_not_blank)]
"""Free text: reasons, findings, opinions, summaries."""
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64,
                                              pattern=r"^[0-9A-Za-z][0-9A-Za-z._:/-]*$")]
"""An internal id: a person's staff number, an expert's id, a receipt number."""
Postcode = Annotated[str, StringConstraints(pattern=r"^[1-9]\d{5}$")]
"""A postcode of the mainland (6 digits)."""
RequestId = Annotated[str, StringConstraints(min_length=1, max_length=128,
                                             pattern=r"^[0-9A-Za-z][0-9A-Za-z._:-]*$")]


# -- numbers ------------------------------------------------------------------------------------

Amount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False, decimal_places=2)]
"""Yuan, to the fen: finite, not negative, within MAX_AMOUNT."""
Year = Annotated[int, Field(ge=2000, le=2100)]


# -- identifiers with check digits ----------------------------------------------------------------

_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RIC_CHECK = "10X98765432"
_RIC_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


def resident_id_check_character(first17: str) -> str:
    """GB 11643-1999: the 18th character of a citizen identity number (ISO 7064 MOD 11-2)."""
    return _RIC_CHECK[sum(int(c) * w for c, w in zip(first17, _RIC_WEIGHTS, strict=True)) % 11]


def check_resident_id(number: str) -> str:
    """A resident identity card number (公民身份号码): 18 characters, a birth date that exists,
    and the GB 11643 check character."""
    if not _RIC_SHAPE.fullmatch(number):
        raise ValueError("not a citizen identity number (17 digits and a digit or X)")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError("the birth date in the identity number does not exist") from None
    if not date(1900, 1, 1) <= born <= LATEST:
        raise ValueError("the birth date in the identity number is not plausible")
    if resident_id_check_character(number[:17]) != number[17]:
        raise ValueError("the check character of the identity number is wrong (GB 11643-1999)")
    return number


ResidentId = Annotated[str, AfterValidator(check_resident_id)]


def _check_uscc(code: str) -> str:
    from govflow.domain.identifiers import is_valid_uscc

    if not is_valid_uscc(code):
        raise ValueError("not a valid unified social credit code (GB 32100-2015)")
    return code


Uscc = Annotated[str, AfterValidator(_check_uscc)]


# -- dates --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateWindow:
    """Where a date of a field may lie: from `earliest`, to `ahead` days after the case's today."""

    earliest: date
    ahead: int
    what: str

    def check_fixed(self, day: date) -> date:
        if not self.earliest <= day <= LATEST:
            raise ValueError(f"{day.isoformat()} is not plausible for {self.what} "
                             f"(from {self.earliest.isoformat()})")
        return day

    def latest(self, today: date) -> date:
        return today + timedelta(days=self.ahead)


def _window(earliest: date, ahead: int, what: str) -> Any:
    window = DateWindow(earliest, ahead, what)
    return Annotated[date, window, AfterValidator(window.check_fixed)]


FactDate = _window(CASE_EPOCH, 0, "a fact of the case (it cannot lie ahead)")
"""Something that has happened: a receipt, a finding, an expense, a completion."""
CareerDate = _window(EARLIEST, 0, "a date of a career (it cannot lie ahead)")
"""A graduation, a title obtained, a start of work, an achievement."""
PlannedDate = _window(CASE_EPOCH, 366, "a date set ahead (at most a year)")
"""A date an authority sets ahead: a rectification date, a planned reply, a call's deadline."""
ValidityDate = _window(CASE_EPOCH, 366 * 5, "the end of a validity (at most five years ahead)")


def date_problems(model: BaseModel, today: date, path: str = "") -> Iterator[str]:
    """Each date of `model` (nested models included) that lies beyond its window as seen from
    `today`, as `field.path: why`."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        where = f"{path}{name}"
        window = next((m for m in field.metadata if isinstance(m, DateWindow)), None)
        if window is None:
            window = _window_of(field.annotation)
        if window is not None and isinstance(value, date) and value > window.latest(today):
            yield (f"{where}: {value.isoformat()} lies ahead of today ({today.isoformat()}); "
                   f"{window.what}")
        yield from _nested_problems(value, today, where)


def _nested_problems(value: Any, today: date, where: str) -> Iterator[str]:
    if isinstance(value, BaseModel):
        yield from date_problems(value, today, f"{where}.")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if isinstance(item, BaseModel):
                yield from date_problems(item, today, f"{where}.{index}.")


def _window_of(annotation: Any) -> DateWindow | None:
    """The window of an optional date field (`FactDate | None`)."""
    for argument in getattr(annotation, "__args__", ()):
        for meta in getattr(argument, "__metadata__", ()):
            if isinstance(meta, DateWindow):
                return meta
    return None


def check_dates(model: BaseModel, today: date) -> None:
    """Refuse a model with a date beyond its window as seen from the case's `today`."""
    problem = next(date_problems(model, today), None)
    if problem is not None:
        raise InvalidInputError(problem)


def check_application(application: BaseModel, today: date) -> None:
    """What a start file must satisfy beyond its model, as seen from `today`: its dates."""
    check_dates(application, today)
