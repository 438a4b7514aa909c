"""Readers of the billing input's leaf values: exact decimals, cents, hours and dates.

Each takes the decoded JSON value and the path it came from and raises BillingInputError naming
it; the file model (billing/schema.py) applies them to every field of their kind.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from billing.errors import BillingInputError
from billing.money import parse_cents, to_decimal

# Bounds that no real input reaches; beyond them a number is a mistake (and Decimal arithmetic on
# 1e999999999 would overflow), so it is refused with its path instead of failing with a traceback.
MAX_EUROS = Decimal(1_000_000_000)
MAX_HOURS = Decimal(24)  # a lesson is the hours attended on one day
MAX_DECIMALS = 12
DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # the schema's strings: no exponent, no "+", no NaN


class Number(str):
    """A JSON number token, kept as its text so that it is never rounded through a float."""


class Constant(str):
    """NaN, Infinity or -Infinity: not JSON, but Python's decoder reads them."""


def parse_date(value: Any, where: str) -> date:
    """An ISO date `YYYY-MM-DD`."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise BillingInputError(where, f"{value!r} is not a date such as \"2026-07-01\"") from None


def optional_date(value: Any, where: str) -> date | None:
    """A date or null."""
    return None if value is None else parse_date(value, where)


def decimal_number(value: Any, where: str, limit: Decimal) -> Decimal:
    """A number as the schema allows it: a JSON number or a plain decimal string, finite, at most `limit`."""
    if isinstance(value, Constant):
        raise BillingInputError(where, f"{value} is not a number; write a decimal such as \"12.50\"")
    written_as_text = isinstance(value, str) and not isinstance(value, Number)
    if written_as_text and not DECIMAL_TEXT.fullmatch(value):
        raise BillingInputError(where, f"{_shown(value)} is not a decimal such as \"12.50\" "
                                "(no exponent, no sign but a leading -)")
    number = to_decimal(value, where)
    if number.copy_abs() > limit:  # abs() would round to the context and overflow on 1e999999999
        bound = f"at least -{limit}" if number < 0 else f"at most {limit}"
        raise BillingInputError(where, f"{_shown(value)} is out of range; {bound}")
    if number and int(number.as_tuple().exponent) < -MAX_DECIMALS:
        raise BillingInputError(where, f"{_shown(value)} has more than {MAX_DECIMALS} decimals")
    return number


def _shown(value: Any) -> str:
    """The value as an error message quotes it, cut short when it is absurdly long."""
    text = repr(str(value)) if isinstance(value, str) and not isinstance(value, Number) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def amount(value: Any, where: str) -> int:
    """Euros with at most two decimals, as cents."""
    decimal_number(value, where, MAX_EUROS)
    return parse_cents(value, where)


def cents(value: Any, where: str) -> int:
    """A zero or positive amount, as cents."""
    cents = amount(value, where)
    if cents < 0:
        raise BillingInputError(where, "must be a zero or positive decimal")
    return cents


def positive_cents(value: Any, where: str) -> int:
    """A positive amount, as cents (None: missing)."""
    if value is None:
        raise BillingInputError(where, "is missing; must be a positive decimal")
    cents = amount(value, where)
    if cents <= 0:
        raise BillingInputError(where, "must be a positive decimal")
    return cents


def hours(value: Any, where: str) -> Decimal:
    """The hours of one lesson: a decimal from 0 to 24."""
    number = decimal_number(value, where, MAX_HOURS)
    if number < 0:
        raise BillingInputError(where, "must not be negative")
    return number
