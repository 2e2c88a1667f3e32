"""What human output shares: aligned tables whose cells hold Chinese, dates as the notices write
them (2026年11月27日), amounts as 315,000.00 元.

A terminal gives a Chinese character two columns (Unicode's East Asian Width, W and F), so
columns are padded by display width, never by `len`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from decimal import Decimal

from domain.labels import Lang

GAP = "  "


def display_width(text: str) -> int:
    """The columns `text` takes in a terminal: two for a wide (W) or full-width (F) character,
    none for a combining mark, one for any other."""
    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
        for char in text
    )


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` filled with spaces to `width` display columns (on the left when `right`)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def table(header: Sequence[str], rows: Iterable[Sequence[object]], *, right: Collection[int] = ()) -> str:
    """Rows under a header, each column as wide as its widest cell, a rule under the header.
    `right` names the columns (by index) set flush right, as counts are. None is an empty
    cell; a line break in a cell is shown as a space, so that a row stays one line."""
    cells = [[_cell(value) for value in header]]
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a row of {len(row)} cells under a header of {len(header)}")
        cells.append([_cell(value) for value in row])
    widths = [max(display_width(line[column]) for line in cells) for column in range(len(header))]
    rule = ["-" * width for width in widths]
    lines = [
        GAP.join(
            pad(cell, width, right=column in right)
            for column, (cell, width) in enumerate(zip(line, widths, strict=True))
        )
        for line in (cells[0], rule, *cells[1:])
    ]
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: object) -> str:
    if value is None:
        return ""
    return " ".join(str(value).splitlines())


def chinese_date(day: date) -> str:
    """As the notices write a date: 2026年11月27日."""
    return f"{day.year}年{day.month}月{day.day}日"


def day_text(day: date, lang: Lang = "zh") -> str:
    """A date as a person reads it: 2026年11月27日, or 2026-11-27 in English."""
    return chinese_date(day) if lang == "zh" else day.isoformat()


def yuan(amount: Decimal | int) -> str:
    """An amount as the notices write it: 315,000.00 元."""
    return f"{Decimal(amount):,.2f} 元"
