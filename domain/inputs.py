"""The boundary for input: what a person could not mean is refused, with the field named.

Every Record (domain.models) checks each of its fields with `check_plausible`:

- no control character in text except tab, newline and carriage return (NUL never:
  PostgreSQL cannot store it, and a case holding one could never record an event);
- no text longer than MAX_TEXT characters;
- numbers finite and within ±MAX_NUMBER; dates from EARLIEST to LATEST.

Input models narrow this per field with the types below (Name, Text, Identifier, Postcode,
Amount, Year, ResidentId, FactDate, ...). Their rules are enforced at the boundary only: when
a model is validated with `boundary_context(today)` — by the client for a start file
(`check_application`) and by the workflow's update validator for a decision — not when a
history is deserialised on replay. So a rule added later never makes a case that was
accepted before fail to replay, and a date is judged against the case's own today, never
against the clock of the machine that replays it years later.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, StringConstraints, ValidationError, ValidationInfo

from domain.errors import InvalidInputError
from domain.identifiers import is_valid_uscc

MAX_TEXT = 20_000
"""No text of any model is longer (a decision's reasons, a notice's body included)."""
MAX_NUMBER = 10**12
EARLIEST = date(1950, 1, 1)
LATEST = date(2100, 12, 31)
CASE_EPOCH = date(2000, 1, 1)
"""Nothing that happened in a case (a receipt, a finding, an expense) is older than this."""

MAX_AMOUNT = Decimal("100000000000")  # ¥100 billion: far above any claim, far below overflow

M = TypeVar("M", bound=BaseModel)

_ALLOWED_CONTROLS = frozenset("\t\n\r")
# C0 and C1 controls, DEL, line and paragraph separators, zero-width and direction-override
# characters (invisible, or reordering what a reader sees), a byte-order mark inside text, and
# lone surrogates (no UTF-8 for them: PostgreSQL and JSON would both refuse them later).
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]"
)


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
        raise ValueError(f"control or invisible character U+{ord(found.group()):04X} is not allowed in text")


BOUNDARY = "govflow.input-boundary"
"""The validation context key that turns the boundary rules on; its value is the case's today."""


def boundary_context(today: date) -> dict[str, Any]:
    """The context to validate an input with at the boundary, as of `today` in Beijing."""
    return {BOUNDARY: today}


def boundary_today(info: ValidationInfo) -> date | None:
    """The case's today if this validation is at the boundary, else None (lenient)."""
    context = info.context
    return context.get(BOUNDARY) if isinstance(context, dict) else None


@dataclass(frozen=True)
class TextRule:
    """Text that is not blank and not longer than `max_length` (and, if given, of `pattern`)."""

    max_length: int
    pattern: str | None = None
    shape: str = ""

    def __call__(self, text: str, info: ValidationInfo) -> str:
        if boundary_today(info) is None:
            return text
        if not text.strip():
            raise ValueError("must not be blank")
        if len(text) > self.max_length:
            raise ValueError(f"at most {self.max_length} characters ({len(text)} given)")
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            raise ValueError(f"not {self.shape}")
        return text


# -- text -------------------------------------------------------------------------------------

Name = Annotated[str, AfterValidator(TextRule(200))]
"""A person's, an enterprise's or a body's name, a title, a project's name."""
Address = Annotated[str, AfterValidator(TextRule(300))]
Contact = Annotated[str, AfterValidator(TextRule(200))]
"""A telephone number or e-mail, with whom to ask for if need be."""
Text = Annotated[str, AfterValidator(TextRule(5000))]
"""Free text: reasons, findings, opinions, summaries."""
Identifier = Annotated[
    str,
    AfterValidator(
        TextRule(64, r"[0-9A-Za-z][0-9A-Za-z._:/-]*", "an identifier (letters, digits and . _ : / -)")
    ),
]
"""An internal id: a person's staff number, an expert's id, a receipt number."""
Postcode = Annotated[str, AfterValidator(TextRule(6, r"[1-9]\d{5}", "a postcode (6 digits)"))]
"""A postcode of the mainland (6 digits)."""
RequestId = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=r"^[0-9A-Za-z][0-9A-Za-z._:-]*$")
]
"""A decision's request id; checked always (it is the client's own, never from a history)."""


# -- numbers ------------------------------------------------------------------------------------


def _amount(value: Decimal, info: ValidationInfo) -> Decimal:
    if boundary_today(info) is None:
        return value
    if value < 0:
        raise ValueError("an amount is not negative")
    if value > MAX_AMOUNT:
        raise ValueError(f"{value} yuan is more than any amount a case takes ({MAX_AMOUNT})")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("yuan to the fen: at most two decimal places")
    return value


def _year(value: int, info: ValidationInfo) -> int:
    if boundary_today(info) is not None and not 2000 <= value <= 2100:
        raise ValueError(f"{value} is not a plausible year")
    return value


Amount = Annotated[Decimal, AfterValidator(_amount)]
"""Yuan, to the fen: not negative, within MAX_AMOUNT."""
Year = Annotated[int, AfterValidator(_year)]


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


def _resident_id(number: str, info: ValidationInfo) -> str:
    return check_resident_id(number) if boundary_today(info) is not None else number


def _uscc(code: str, info: ValidationInfo) -> str:
    if boundary_today(info) is not None and not is_valid_uscc(code):
        raise ValueError("not a valid unified social credit code (GB 32100-2015)")
    return code


ResidentId = Annotated[str, AfterValidator(_resident_id)]
Uscc = Annotated[str, AfterValidator(_uscc)]
"""A unified social credit code (统一社会信用代码), GB 32100-2015 check character included."""


# -- dates --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DateWindow:
    """Where a date of a field may lie: from `earliest` to `ahead` days after the case's today."""

    earliest: date
    ahead: int
    what: str

    def __call__(self, day: date, info: ValidationInfo) -> date:
        today = boundary_today(info)
        if today is None:
            return day
        if day < self.earliest:
            raise ValueError(
                f"{day.isoformat()} is before {self.earliest.isoformat()}, earlier than {self.what} can be"
            )
        latest = today + timedelta(days=self.ahead)
        if day > latest:
            raise ValueError(f"{day.isoformat()} lies after {latest.isoformat()}: {self.ahead_means}")
        return day

    @property
    def ahead_means(self) -> str:
        if self.ahead == 0:
            return f"{self.what} cannot lie ahead of today"
        return f"{self.what} lies at most {self.ahead} days ahead of today"


FactDate = Annotated[date, AfterValidator(DateWindow(CASE_EPOCH, 0, "a fact of the case"))]
"""Something that has happened: a receipt, a finding, an expense, a completion."""
CareerDate = Annotated[date, AfterValidator(DateWindow(EARLIEST, 0, "a date of a career"))]
"""A graduation, a title obtained, a start of work, an achievement."""
PlannedDate = Annotated[date, AfterValidator(DateWindow(CASE_EPOCH, 366, "a date set ahead"))]
"""A date an authority sets ahead: a rectification date, a planned reply, a call's deadline."""
ValidityDate = Annotated[date, AfterValidator(DateWindow(CASE_EPOCH, 366 * 5, "the end of a validity"))]


def check_application(application: BaseModel, today: date) -> BaseModel:
    """The start file's model validated again at the boundary, as of `today`: every rule of
    this module, each refusal naming its field."""
    return validate_at_boundary(type(application), application.model_dump(mode="json"), today)


def validate_at_boundary(model: type[M], data: Any, today: date) -> M:
    """Validate `data` as `model` with the boundary rules as of `today`; InvalidInputError
    names the first field that fails."""
    from domain.case import describe_validation_error

    try:
        return model.model_validate(data, context=boundary_context(today))
    except ValidationError as error:
        raise InvalidInputError(describe_validation_error(error)) from None
