"""Money in integer euro cents: parsing, rounding half-up and formatting, never floats.

The one money module of the project: files (`parse_cents`, `format_cents`), what people type
(`parse_euros`: "1.234,50", "€ 1000", "-250.5") and what people read (`format_euro`, Babel's
notation per locale). The portal's forms, imports, pages and documents all call these.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

from billing.errors import BillingInputError

CENT = Decimal("0.01")


def to_decimal(value: object, where: str) -> Decimal:
    """A Decimal from a string, int or Decimal; floats are refused as they cannot hold cents."""
    if isinstance(value, bool) or isinstance(value, float):
        raise BillingInputError(where, "must be a decimal string such as \"12.50\", not a float")
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise BillingInputError(where, f"{value!r} is not a decimal number") from None
    else:
        raise BillingInputError(where, "must be a decimal number")
    if not number.is_finite():
        raise BillingInputError(where, "must be a finite decimal number")
    return number


def parse_cents(value: object, where: str) -> int:
    """Euros with at most two decimals (\"1250.00\") as integer cents; more is an error."""
    number = to_decimal(value, where)
    if number != number.quantize(CENT):
        raise BillingInputError(where, f"{value} has more than two decimals")
    return int(number * 100)


_AMBIGUOUS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+")
_TYPED = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?|[+-]?\d+(?:\.\d+)?")


def parse_euros(text: object, where: str) -> Decimal:
    """An amount as people type it, exactly: "1234,50", "1.234,50", "1234.50", "€ 1.000", "EUR -5".

    A comma is the decimal separator when there is one (points then group thousands, in threes);
    without a comma a single point is the decimal point. "1.000" (a point before exactly three
    digits, no comma) could be one euro or a thousand, so it is refused: write "1000" or
    "1.000,00". Never through float arithmetic.
    """
    raw = str(text or "").strip().replace("€", "").replace("\xa0", "").replace(" ", "")
    if raw.upper().startswith("EUR"):
        raw = raw[3:]
    if not _TYPED.fullmatch(raw):
        raise BillingInputError(where, f"{text!r} is not an amount such as 1234,50")
    if "," not in raw and _AMBIGUOUS.fullmatch(raw):
        raise BillingInputError(where, f"{text!r} is ambiguous: write 1000 or 1.000,00 for a thousand euros")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    return Decimal(raw)


def euros_to_cents(amount: Decimal) -> int:
    """Euros to integer cents, half-up as Dutch invoices round."""
    return round_half_up_cents(amount * 100)


def round_half_up_cents(amount_in_cents: Decimal) -> int:
    """Round a cent amount to whole cents, halves away from zero (0.5 ct -> 1 ct)."""
    return int(amount_in_cents.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_cents(cents: int) -> str:
    """Cents as a plain decimal euro string with two decimals: 125000 -> \"1250.00\"."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def format_euro(cents: int, locale: str = "nl_NL") -> str:
    """Cents as a reader of `locale` writes euros (Babel): nl_NL 125050 -> "€ 1.250,50"."""
    return format_currency(Decimal(cents) / 100, "EUR", locale=locale)


def format_euro_nl(cents: int) -> str:
    """Cents in Dutch notation for documents, with a plain space: 125050 -> "€ 1.250,50"."""
    return format_euro(cents, "nl_NL").replace("\xa0", " ")
