"""Course providers (taalaanbieders) holding a Blik op Werk Keurmerk."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.enums import KeurmerkStatus
from provider_portal.models.types import UTCDateTime, utcnow


class Provider(SQLModel, table=True):
    """A taalaanbieder. The BOW number identifies it to DUO; only a valid Keurmerk may bill DUO."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    bow_number: str = Field(max_length=20, sa_column_kwargs={"unique": True})
    keurmerk_status: str = Field(default=KeurmerkStatus.KEURMERK, max_length=20)
    keurmerk_valid_from: date | None = None
    keurmerk_valid_until: date | None = None
    kvk_number: str = Field(max_length=8)
    iban: str = Field(max_length=34)
    # btw-identificatienummer (NL + 9 digits + B + 2 digits): EN 16931 BT-31, needed on e-invoices
    vat_id: str | None = Field(default=None, max_length=14)
    street: str = Field(default="", max_length=200)
    postcode: str = Field(default="", max_length=7)
    city: str = Field(default="", max_length=100)
    # Every staff account (admin, teacher, finance) must log in with a second factor (TOTP)
    require_two_factor: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    phone: str = Field(default="", max_length=20)  # contact details on letters to learners
    email: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    def keurmerk_valid_on(self, day: date) -> bool:
        """True when the (aspirant-)Keurmerk covers `day`: the test for billing DUO."""
        if self.keurmerk_status not in (KeurmerkStatus.KEURMERK, KeurmerkStatus.ASPIRANT):
            return False
        starts_ok = self.keurmerk_valid_from is None or self.keurmerk_valid_from <= day
        return starts_ok and (self.keurmerk_valid_until is None or day <= self.keurmerk_valid_until)
