"""Course contracts between a provider and a learner (the Keurmerk model contract)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.enums import ContractStatus
from provider_portal.models.types import UTCDateTime, from_cents, utcnow


class Contract(SQLModel, table=True):
    """Purchased hours at an hourly rate; terminated contracts keep their date and reason."""

    __table_args__ = (sa.UniqueConstraint("provider_id", "number", name="uq_contract_number"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    number: str = Field(max_length=30)
    start_date: date
    end_date: date
    purchased_hours: int
    hourly_rate_cents: int
    total_price_cents: int
    status: str = Field(default=ContractStatus.ACTIVE, max_length=12)
    terminated_on: date | None = None
    termination_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def hourly_rate(self) -> Decimal:
        return from_cents(self.hourly_rate_cents)

    @property
    def total_price(self) -> Decimal:
        return from_cents(self.total_price_cents)
