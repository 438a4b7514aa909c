"""Money in integer euro cents: parsing, rounding half-up and formatting, never floats."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


def round_half_up_cents(amount_in_cents: Decimal) -> int:
    """Round a cent amount to whole cents, halves away from zero (0.5 ct -> 1 ct)."""
    return int(amount_in_cents.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_cents(cents: int) -> str:
    """Cents as a plain decimal euro string with two decimals: 125000 -> \"1250.00\"."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def format_euro_nl(cents: int) -> str:
    """Cents in Dutch notation for documents: 125050 -> \"€ 1.250,50\"."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}€ {whole:,}".replace(",", ".") + f",{part:02d}"
