"""Column types that keep the house rules: aware UTC datetimes and money in integer cents."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa

from billing.money import euros_to_cents


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC, returns aware datetimes on SQLite too (which would otherwise drop the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now as an aware UTC datetime; the default_factory of every timestamp."""
    return datetime.now(UTC)  # noqa: TID251 -- stored timestamps are wall time; business dates use clock


CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> int:
    """Euros to integer cents, half-up as Dutch invoices round (`billing.money`)."""
    return euros_to_cents(amount)


def from_cents(cents: int) -> Decimal:
    """Integer cents to euros as an exact Decimal."""
    return (Decimal(cents) / 100).quantize(CENT)


