"""Spreadsheet files in and out: CSV uploads read strictly, export cells never run as formulas.

Exports: a learner named `=HYPERLINK("http://x","y")` must show as that text in Excel or
LibreOffice (OWASP CSV injection). Every exporter, in `billing/` and in the portal, writes its user
data through `csv_cell`/`csv_row`/`append_xlsx_row`. Numbers stay numbers: only text is touched,
so a negative amount column stays numeric.

Uploads: every CSV import decodes and splits its file with `csv_text` and `csv_records`, which
refuse UTF-16, binary files, other encodings and over-long cells with a `CsvFileError`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
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


DELIMITER = ";"  # what Dutch spreadsheet settings expect, and DUO's files use


def write_csv(header: Sequence[Any], rows: Iterable[Iterable[Any]], delimiter: str = DELIMITER,
              bom: bool = False) -> str:
    """The project's one CSV writer: a header row, then the rows with every text cell neutralised
    (`csv_cell`), `delimiter`-separated with CRLF line ends, as text; `bom` puts a byte-order mark
    in front so Excel opens the UTF-8 right. DUO's files, exports and rosters all come from here.
    """
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(csv_row(header))
    writer.writerows(csv_row(row) for row in rows)
    return out.getvalue()


def append_xlsx_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append a row whose text cells are stored as text, never as formulas.

    openpyxl takes any str starting with "=" for a formula; setting the cell's data type back to
    text makes Excel show it as written.
    """
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


MAX_CELL_CHARS = 10_000  # far beyond any name, address or remark; the csv module stops at 131,072
NOT_UTF8 = "the file is not UTF-8 text"
UTF16 = "the file is UTF-16 text, not UTF-8"
BINARY = "the file is not a text file"
CELL_TOO_LONG = "a cell is longer than %(max)s characters"
MALFORMED = "the row cannot be read as CSV (check its quotes)"


class CsvFileError(ValueError):
    """A CSV upload that cannot be read: an English `template` with `params`, and where (row 0: the file)."""

    def __init__(self, template: str, row: int = 0, column: int | None = None, **params: object) -> None:
        super().__init__(template % params if params else template)
        self.template, self.row, self.column, self.params = template, row, column, params


def csv_text(data: bytes) -> str:
    """The upload as text: UTF-8 with or without a BOM, nothing else (UTF-16 and binary are refused)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CsvFileError(UTF16)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(BINARY if b"\x00" in data else NOT_UTF8) from exc
    if "\x00" in text:  # UTF-16 without a BOM, or a binary file that happens to be valid UTF-8
        raise CsvFileError(BINARY)
    return text


def csv_records(text: str, delimiter: str) -> list[list[str]]:
    """The rows of `text`; a cell over MAX_CELL_CHARS or a broken row is a CsvFileError naming it."""
    return list(iter_csv_records(text, delimiter))


def iter_csv_records(text: str, delimiter: str) -> Iterator[list[str]]:
    """`csv_records` one row at a time, so a reader with a row limit can stop early."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    count = 0
    try:
        for row in reader:
            for column, cell in enumerate(row):
                if len(cell) > MAX_CELL_CHARS:
                    raise CsvFileError(CELL_TOO_LONG, count + 1, column, max=MAX_CELL_CHARS)
            count += 1
            yield row
    except csv.Error as exc:  # over the csv module's own limit (131,072) or a stray quote
        line = text.splitlines()[reader.line_num - 1] if reader.line_num else ""
        parts = line.split(delimiter)
        if len(line) > MAX_CELL_CHARS:
            longest = max(range(len(parts)), key=lambda i: len(parts[i]))
            raise CsvFileError(CELL_TOO_LONG, count + 1, longest, max=MAX_CELL_CHARS) from exc
        raise CsvFileError(MALFORMED, count + 1) from exc
