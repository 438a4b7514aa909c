"""DUO's result file and weekly status overview: per-row status updates and every bad row."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from stdnum.nl import bsn as stdnum_bsn

from billing.errors import BillingInputError
from billing.money import parse_cents

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
    """A bad row: its line number in the file (header = 1), the column and why."""

    row: int
    column: str
    reason: str

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
        text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    except UnicodeDecodeError as exc:
        return DuoImport((), (RowError(0, "-", f"the file is not UTF-8: {exc.reason}"),))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    missing = [c for c in columns if c not in header]
    if missing:
        return DuoImport((), tuple(RowError(1, c, "column is missing from the header")
                                   for c in missing))
    updates, errors = [], []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            errors.append(RowError(number, "-", f"has {len(cells)} fields, expected {len(header)}"))
            continue
        record = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        try:
            updates.append(read_row(number, record))
        except _BadCell as bad:
            errors.append(RowError(number, bad.column, bad.reason))
    return DuoImport(tuple(updates), tuple(errors))


class _BadCell(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


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
        raise _BadCell("resultaat", f"{record['resultaat']!r} is not OK or FOUT")
    if status is DuoStatus.REJECTED and not record["foutcode"]:
        raise _BadCell("foutcode", "is empty on a FOUT row")
    reason = " ".join(filter(None, (record["foutcode"], record["foutomschrijving"])))
    return StatusUpdate(number, invoice, bsn, status, reason=reason)


def _status_row(number: int, record: dict[str, str]) -> StatusUpdate:
    invoice, bsn = _common(record)
    status = STATUS_VALUES.get(record["status"].upper())
    if status is None:
        raise _BadCell("status", f"{record['status']!r} is not one of {', '.join(STATUS_VALUES)}")
    try:
        day = date.fromisoformat(record["statusdatum"])
    except ValueError:
        raise _BadCell("statusdatum", f"{record['statusdatum']!r} is not a date") from None
    paid = None
    if status is DuoStatus.PAID:
        try:
            paid = parse_cents(record["betaald_bedrag"], "betaald_bedrag")
        except BillingInputError as exc:
            raise _BadCell("betaald_bedrag", exc.message) from None
    if status is DuoStatus.REJECTED and not record["reden"]:
        raise _BadCell("reden", "is empty on an AFGEWEZEN row")
    return StatusUpdate(number, invoice, bsn, status, day, record["reden"], paid)
