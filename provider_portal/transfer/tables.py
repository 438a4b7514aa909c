"""Reading uploaded CSV/XLSX files into rows and writing exports as CSV/XLSX bytes."""

from __future__ import annotations

import io
import re
from collections.abc import Generator, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from billing import spreadsheet
from billing.spreadsheet import (
    CELL_TOO_LONG,
    MAX_CELL_CHARS,
    CsvFileError,
    append_xlsx_row,
    csv_text,
    iter_csv_records,
)
from provider_portal.service_errors import DomainError

MAX_ROWS = 5000  # a provider's whole learner file fits; anything larger is a mistake or an attack
MAX_LINES = 10 * MAX_ROWS  # rows read at all, blank ones included
CSV_DELIMITERS = ";,\t"


class TableError(DomainError):
    """The file as a whole cannot be read; `reason` is the user-facing (lazy) message."""

    def __init__(self, reason: object) -> None:
        super().__init__("file", reason)
        self.reason = reason


@dataclass(frozen=True)
class Table:
    """The header row and the data rows with their row number in the file (the header is row 1)."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]


def normalise_header(name: Any) -> str:
    """`Voornaam `, `first-name` and `First Name` all become `voornaam` / `first_name`."""
    return re.sub(r"[^a-z0-9]+", "_", str(name or "").strip().lower()).strip("_")


def read_table(filename: str, data: bytes) -> Table:
    """Read a .csv or .xlsx upload; blank rows are skipped but keep their number."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix == "csv":
        lines = _csv_rows(data)
    elif suffix == "xlsx":
        lines = _xlsx_rows(data)
    else:
        raise TableError(_l("Upload a .csv or .xlsx file."))
    with closing(lines):  # an XLSX reader holds its workbook open until closed
        return _collect(lines)


def _collect(lines: Generator[list[Any], None, None]) -> Table:
    """Header and non-blank rows, stopping at the first row past the limit (never reading the rest)."""
    headers = next(lines, None)
    if headers is None:
        raise TableError(_l("The file is empty."))
    rows: list[tuple[int, list[Any]]] = []
    for number, row in enumerate(lines, start=2):
        if number > MAX_LINES:  # blank rows are cheap but not free: a sheet ending at row 1,048,576
            raise TableError(_l("The file has more than %(n)s rows; split it.", n=MAX_LINES))
        if any(cell not in (None, "") and str(cell).strip() for cell in row):
            if len(rows) == MAX_ROWS:
                raise TableError(_l("The file has more than %(n)s rows; split it.", n=MAX_ROWS))
            rows.append((number, row))
    return Table([normalise_header(h) for h in headers], rows)


def _csv_rows(data: bytes) -> Generator[list[Any], None, None]:
    try:
        content = csv_text(data)
    except CsvFileError as exc:
        raise TableError(_l("The file is not UTF-8 text (it may be UTF-16, another encoding or not a "
                            "CSV file at all). In Excel, save it as \"CSV UTF-8\".")) from exc
    first = content.split("\n", 1)[0]
    delimiter = max(CSV_DELIMITERS, key=first.count)
    return _csv_lines(content, delimiter, first.split(delimiter))


def _csv_lines(content: str, delimiter: str, headers: list[str]) -> Generator[list[Any], None, None]:
    try:
        for row in iter_csv_records(content, delimiter):
            yield list(row)
    except CsvFileError as exc:
        raise TableError(_cell_problem(exc, headers)) from exc


def _cell_problem(exc: CsvFileError, headers: list[str]) -> object:
    if exc.template != CELL_TOO_LONG or exc.column is None:
        return _l("Row %(row)s cannot be read as CSV: check its quotes.", row=exc.row)
    column = headers[exc.column].strip() if exc.column < len(headers) else str(exc.column + 1)
    return _l("Row %(row)s, column %(column)s: a cell is longer than %(max)s characters.",
              row=exc.row, column=column, max=MAX_CELL_CHARS)


def _xlsx_rows(data: bytes) -> Generator[list[Any], None, None]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise TableError(_l("This is not a readable .xlsx file.")) from exc
    return _xlsx_lines(book)


def _xlsx_lines(book: Any) -> Generator[list[Any], None, None]:
    """The first sheet's rows as read-only openpyxl streams them: one row in memory at a time."""
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return "" if value is None else value


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], delimiter: str = ";") -> bytes:
    """CSV as UTF-8 with a header row; dates as yyyy-mm-dd, times as HH:MM, formulas neutralised."""
    cells = ([_cell(v) for v in row] for row in rows)
    return spreadsheet.write_csv(headers, cells, delimiter).encode("utf-8")


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str) -> bytes:
    """A one-sheet workbook with a bold header row; text cells are text, never formulas."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_xlsx_row(sheet, [_cell(v) if isinstance(v, time) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
