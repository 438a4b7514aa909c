"""Cell parsers for imported files: each returns a clean value or raises CellError with the reason."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.nl import bsn as stdnum_bsn
from stdnum.nl import postcode as stdnum_postcode

from billing.errors import BillingInputError
from billing.money import parse_euros
from provider_portal.service_errors import DomainError

DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")


class CellError(DomainError):
    """A cell's value is unusable; `reason` is the user-facing (lazy) message (the caller names the
    cell's row and column)."""

    def __init__(self, reason: object) -> None:
        super().__init__("", reason)
        self.reason = reason


def text(value: Any) -> str:
    """A cell as stripped text; spreadsheet integers lose their `.0`."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_bsn(value: Any) -> str:
    """9 digits passing the elfproef; a leading zero lost by a spreadsheet is put back."""
    raw = text(value)
    if raw.isdigit() and len(raw) == 8:
        raw = "0" + raw
    try:
        return stdnum_bsn.validate(raw)
    except StdnumError as exc:
        raise CellError(_l("not a valid BSN (9 digits passing the elfproef)")) from exc


def parse_date(value: Any) -> date:
    """A date cell, or text as yyyy-mm-dd or dd-mm-yyyy."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(_l("not a date (use yyyy-mm-dd or dd-mm-yyyy)"))


def parse_decimal(value: Any) -> Decimal:
    """An amount: 1234.50, 1234,50 or 1.234,50 (Dutch), as `billing.money.parse_euros` reads it."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return Decimal(value)  # a number cell of a spreadsheet
    try:
        return parse_euros(text(value), "amount")
    except BillingInputError:
        raise CellError(_l("not an amount (e.g. 1234,50)")) from None


def parse_int(value: Any) -> int:
    """A whole number."""
    raw = text(value)
    if not re.fullmatch(r"-?\d+", raw):
        raise CellError(_l("not a whole number"))
    return int(raw)


def parse_postcode(value: Any) -> str:
    """A Dutch postcode, stored as 3511AB."""
    try:
        return stdnum_postcode.validate(text(value)).replace(" ", "")
    except StdnumError as exc:
        raise CellError(_l("not a valid Dutch postcode (e.g. 3511 AB)")) from exc


def in_range(number: Decimal | int, low: Decimal | int, high: Decimal | int) -> None:
    """Refuse a number outside [low, high]."""
    if not low <= number <= high:
        raise CellError(_l("must lie between %(low)s and %(high)s", low=low, high=high))
