"""Spreadsheet cells: text that a spreadsheet would run as a formula is neutralised, numbers are not."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from billing.spreadsheet import (
    CELL_TOO_LONG,
    MAX_CELL_CHARS,
    CsvFileError,
    append_xlsx_row,
    csv_cell,
    csv_records,
    csv_text,
)


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


@pytest.mark.parametrize("data,reason", [
    ("a;b".encode("utf-16"), "UTF-16"), ("a;b".encode("utf-16-le"), "not a text file"),
    (b"\x89PNG\r\n\x1a\n\x00", "not a text file"), ("é;b".encode("cp1252"), "not UTF-8"),
])
def test_an_upload_that_is_not_utf8_text_is_refused_with_the_reason(data: bytes, reason: str) -> None:
    with pytest.raises(CsvFileError, match=reason):
        csv_text(data)


def test_utf8_with_or_without_a_bom_is_read() -> None:
    assert csv_text("é;b".encode("utf-8-sig")) == csv_text("é;b".encode()) == "é;b"


@pytest.mark.parametrize("length", [MAX_CELL_CHARS + 1, 131_073])
def test_a_cell_over_the_limit_names_its_row_and_column(length: int) -> None:
    with pytest.raises(CsvFileError) as caught:
        csv_records(f"a;b;c\n1;2;3\n4;{'x' * length};6\n", ";")
    assert (caught.value.template, caught.value.row, caught.value.column) == (CELL_TOO_LONG, 3, 1)
