"""Learners (inburgeringsplichtigen) with their route, DUO term, group modules and exam components."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.enums import ModuleStatus
from provider_portal.models.types import UTCDateTime, from_cents, utcnow


class Learner(SQLModel, table=True):
    """One learner at one provider. The BSN is unique per provider and never shown unmasked in lists."""

    __table_args__ = (sa.UniqueConstraint("provider_id", "bsn", name="uq_learner_provider_bsn"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    bsn: str = Field(max_length=9)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100, index=True)
    date_of_birth: date
    migrant_type: str = Field(max_length=10)
    route: str = Field(max_length=12, index=True)
    municipality: str = Field(max_length=100, index=True)
    postcode: str = Field(max_length=7)
    street_address: str = Field(default="", max_length=120)  # street and house number, for letters
    place: str = Field(default="", max_length=100)  # woonplaats; the municipality when empty
    duo_term_start: date
    duo_term_end: date
    duo_term_extended_until: date | None = None
    loan_amount_cents: int = 0
    # The obligation met (exam passed, Z-route interview, exemption or a decision): billing releases
    # the rest and the final invoice falls due. Set only through `exam_path.obligation`, audited.
    obligation_met_on: date | None = None
    obligation_ground: str | None = Field(default=None, max_length=12)
    obligation_reason: str = Field(default="", max_length=500, sa_column_kwargs={"server_default": ""})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_bsn(self) -> str:
        """Only the last three digits, as lists and planners see it."""
        return "******" + self.bsn[-3:]

    @property
    def loan_amount(self) -> Decimal:
        return from_cents(self.loan_amount_cents)

    @property
    def term_deadline(self) -> date:
        """The end of the DUO term, extension included."""
        return self.duo_term_extended_until or self.duo_term_end


class LearnerLanguage(SQLModel, table=True):
    """A language the learner speaks (ISO 639 code), used to match cohorts' languages of instruction."""

    __tablename__ = "learner_language"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    language: str = Field(max_length=3, primary_key=True, index=True)


class LearnerModule(SQLModel, table=True):
    """The learner's status in a group module (KNM, PVT, MAP) their route requires."""

    __tablename__ = "learner_module"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    module: str = Field(max_length=3, primary_key=True)
    status: str = Field(default=ModuleStatus.REQUIRED, max_length=10)


class LearnerExam(SQLModel, table=True):
    """The learner's status and attempts used for one exam component."""

    __tablename__ = "learner_exam"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    component: str = Field(max_length=10, primary_key=True)
    status: str = Field(max_length=10)
    attempts: int = 0
