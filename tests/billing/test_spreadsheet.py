"""Spreadsheet cells: text that a spreadsheet would run as a formula is neutralised, numbers are not."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from billing.spreadsheet import append_xlsx_row, csv_cell


@pytest.mark.parametrize("text", ["=1+1", "+31", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_text_starting_with_a_formula_character_gets_a_leading_quote(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Amina", "", "3511AB", -5, Decimal("-12.50"), 0, None])
def test_plain_text_and_numbers_pass_unchanged(value: object) -> None:
    assert csv_cell(value) == value


def test_an_xlsx_row_keeps_formula_text_as_text_and_numbers_as_numbers() -> None:
    book = Workbook()
    append_xlsx_row(book.active, ['=HYPERLINK("http://x","y")', Decimal("-12.5"), -3])
    out = BytesIO()
    book.save(out)
    cells = list(load_workbook(BytesIO(out.getvalue())).active.iter_rows())[0]
    assert [(c.value, c.data_type) for c in cells] == [('=HYPERLINK("http://x","y")', "s"), (-12.5, "n"),
                                                       (-3, "n")]
