"""Cells of CSV and XLSX exports that a spreadsheet never runs as a formula (OWASP CSV injection).

A learner named `=HYPERLINK("http://x","y")` must show as that text in Excel or LibreOffice.
Every exporter, in `billing/` and in the portal, writes its user data through these two helpers.
Numbers stay numbers: only text is touched, so a negative amount column stays numeric.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """Text starting with = + - @ TAB or CR gets a leading single quote; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """`csv_cell` over a whole row."""
    return [csv_cell(v) for v in values]


def append_xlsx_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row whose text cells are stored as text, never as formulas.

    openpyxl takes any str starting with "=" for a formula; setting the cell's data type back to
    text makes Excel show it as written.
    """
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
