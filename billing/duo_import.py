"""DUO's result file and weekly status overview: per-row status updates and every bad row."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from stdnum.nl import bsn as stdnum_bsn

from billing.spreadsheet import CsvFileError, csv_records, csv_text

RESULT_COLUMNS = ("factuurnummer", "bsn", "resultaat", "foutcode", "foutomschrijving")
STATUS_COLUMNS = ("factuurnummer", "bsn", "status", "statusdatum", "betaald_bedrag", "reden")


class DuoStatus(StrEnum):
    """Invoice states DUO reports, in the portal's own words."""

    SUBMITTED = "submitted"  # received by DUO, waiting for the learner
    ACCEPTED = "accepted"  # approved by the learner in Mijn Inburgering
    REJECTED = "rejected"  # refused by DUO or by the learner, with a reason
    PAID = "paid"


RESULT_VALUES = {"OK": DuoStatus.SUBMITTED, "FOUT": DuoStatus.REJECTED}
STATUS_VALUES = {"INGEDIEND": DuoStatus.SUBMITTED, "GOEDGEKEURD": DuoStatus.ACCEPTED,
                 "AFGEWEZEN": DuoStatus.REJECTED, "BETAALD": DuoStatus.PAID}


@dataclass(frozen=True, slots=True)
class StatusUpdate:
    """One good row: the invoice it is about and its new status."""

    row: int
    invoice_number: str
    bsn: str
    status: DuoStatus
    status_date: date | None = None
    reason: str = ""
    paid_cents: int | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """A bad row: its line number in the file (header = 1), the column and why.

    `template` and `params` are `reason` before formatting (`reason == template % dict(params)`),
    so the portal can show the reason in the reader's language; they play no part in equality.
    """

    row: int
    column: str
    reason: str
    template: str = field(default="", compare=False)
    params: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @classmethod
    def of(cls, row: int, column: str, template: str, **params: object) -> RowError:
        """A row error from a message template with %(name)s placeholders and their values."""
        values = tuple((key, str(value)) for key, value in params.items())
        return cls(row, column, template % dict(values), template, values)

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


@dataclass(frozen=True, slots=True)
class DuoImport:
    """The updates of the good rows and the errors of the bad ones; apply nothing unless `ok`."""

    updates: tuple[StatusUpdate, ...]
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        """True when every row could be read."""
        return not self.errors


def parse_result_file(content: str | bytes) -> DuoImport:
    """Read "Resultaat aanbieden facturen": OK rows are submitted, FOUT rows rejected with a code."""
    return _parse(content, RESULT_COLUMNS, _result_row)


def parse_status_file(content: str | bytes) -> DuoImport:
    """Read the weekly overview of invoice statuses (submitted, accepted, rejected, paid)."""
    return _parse(content, STATUS_COLUMNS, _status_row)


def _parse(content: str | bytes, columns: tuple[str, ...],
           read_row: Callable[[int, dict[str, str]], StatusUpdate]) -> DuoImport:
    try:
        text = csv_text(content) if isinstance(content, bytes) else content
    except CsvFileError as exc:
        return DuoImport((), (RowError.of(0, "-", exc.template),))
    try:
        rows = csv_records(text.lstrip("\ufeff"), ";")
    except CsvFileError as exc:
        return DuoImport((), (_row_error(exc, text),))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    missing = [c for c in columns if c not in header]
    if missing:
        return DuoImport((), tuple(RowError.of(1, c, "column is missing from the header") for c in missing))
    updates, errors = [], []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.append(RowError.of(number, "-", "has %(count)s fields, expected %(expected)s",
                                      count=len(cells), expected=len(header)))
            continue
        record = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        try:
            updates.append(read_row(number, record))
        except _BadCell as bad:
            errors.append(RowError.of(number, bad.column, bad.template, **bad.params))
    return DuoImport(tuple(updates), tuple(errors))


def _row_error(exc: CsvFileError, text: str) -> RowError:
    """A row with an over-long cell (named by its header) or broken quotes, as one row error."""
    headers = text.lstrip("\ufeff").split("\n", 1)[0].strip().split(";")
    if exc.column is None:
        column = "-"
    elif exc.column < len(headers):
        column = headers[exc.column].strip().lower()
    else:
        column = str(exc.column + 1)
    return RowError.of(exc.row, column, exc.template, **exc.params)


class _BadCell(Exception):
    def __init__(self, column: str, template: str, **params: object) -> None:
        super().__init__(template)
        self.column, self.template, self.params = column, template, params


AMOUNT = re.compile(r"[0-9]{1,7}(\.[0-9]{1,2})?")  # euros with a point, as in our own export


def _paid_cents(text: str) -> int:
    """The amount DUO paid: more than zero, euros with at most two decimals (1044.00)."""
    if not text:
        raise _BadCell("betaald_bedrag", "is empty on a BETAALD row")
    if text.startswith("-"):
        raise _BadCell("betaald_bedrag", "'%(value)s' is negative; DUO reports what it paid", value=text)
    if not AMOUNT.fullmatch(text):
        raise _BadCell("betaald_bedrag", "'%(value)s' is not an amount in euros such as 1044.00", value=text)
    cents = int(Decimal(text) * 100)
    if cents == 0:
        raise _BadCell("betaald_bedrag", "is 0.00 on a BETAALD row")
    return cents


def _common(record: dict[str, str]) -> tuple[str, str]:
    if not record["factuurnummer"]:
        raise _BadCell("factuurnummer", "is empty")
    if not stdnum_bsn.is_valid(record["bsn"]):
        raise _BadCell("bsn", "is not a valid BSN")  # never echo a BSN
    return record["factuurnummer"], record["bsn"]


def _result_row(number: int, record: dict[str, str]) -> StatusUpdate:
    invoice, bsn = _common(record)
    status = RESULT_VALUES.get(record["resultaat"].upper())
    if status is None:
        raise _BadCell("resultaat", "'%(value)s' is not OK or FOUT", value=record["resultaat"])
    if status is DuoStatus.REJECTED and not record["foutcode"]:
        raise _BadCell("foutcode", "is empty on a FOUT row")
    reason = " ".join(filter(None, (record["foutcode"], record["foutomschrijving"])))
    return StatusUpdate(number, invoice, bsn, status, reason=reason)


def _status_row(number: int, record: dict[str, str]) -> StatusUpdate:
    invoice, bsn = _common(record)
    status = STATUS_VALUES.get(record["status"].upper())
    if status is None:
        raise _BadCell("status", "'%(value)s' is not one of %(allowed)s", value=record["status"],
                       allowed=", ".join(STATUS_VALUES))
    try:
        day = date.fromisoformat(record["statusdatum"])
    except ValueError:
        raise _BadCell("statusdatum", "'%(value)s' is not a date (YYYY-MM-DD)",
                       value=record["statusdatum"]) from None
    paid = _paid_cents(record["betaald_bedrag"]) if status is DuoStatus.PAID else None
    if status is DuoStatus.REJECTED and not record["reden"]:
        raise _BadCell("reden", "is empty on an AFGEWEZEN row")
    return StatusUpdate(number, invoice, bsn, status, day, record["reden"], paid)
