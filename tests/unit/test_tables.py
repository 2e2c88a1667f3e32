"""Human output's tables line up in a terminal, where a Chinese character takes two columns;
dates and amounts read as the notices write them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from govflow.cli.tables import chinese_date, day_text, display_width, table, yuan


def test_a_chinese_character_takes_two_columns_and_a_combining_mark_none() -> None:
    assert display_width("CMPL") == 4
    assert display_width("受理审查 reviewing") == 18
    assert display_width("（第（2）项）") == 13  # full-width brackets are wide, the digit is not
    assert display_width("e\u0301") == 1


def test_columns_line_up_by_display_width_not_by_characters() -> None:
    rendered = table(["环节", "件数"], [["投诉处理 handling", 1], ["补正 supplementing", 12]], right={1})
    assert rendered.splitlines() == [
        "环节                件数",
        "------------------  ----",
        "投诉处理 handling      1",
        "补正 supplementing    12",
    ]
    # every row ends (its count flush right) at the same terminal column
    assert {display_width(line) for line in rendered.splitlines()} == {24}


def test_an_empty_cell_and_a_line_break_keep_a_row_on_one_line() -> None:
    rendered = table(["a", "b", "c"], [[None, "two\nlines", "x"]])
    assert rendered.splitlines()[2] == "   two lines  x"


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="a row of 1 cells under a header of 2"):
        table(["a", "b"], [["only"]])


def test_dates_as_the_notices_write_them_and_iso_in_english() -> None:
    assert chinese_date(date(2026, 11, 27)) == "2026年11月27日"
    assert day_text(date(2026, 9, 3)) == "2026年9月3日"
    assert day_text(date(2026, 9, 3), "en") == "2026-09-03"


def test_amounts_in_yuan_with_thousands_and_two_decimals() -> None:
    assert yuan(Decimal("315000")) == "315,000.00 元"
    assert yuan(1234567) == "1,234,567.00 元"
    assert yuan(Decimal("0.5")) == "0.50 元"
