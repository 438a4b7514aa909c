"""A learner's consent to share their progress with their municipality, and its audit trail.

Seed 004: a provider may share a learner's progress with the municipality only when the learner
agreed. One row per learner holds the consent as it stands (given on, scope, withdrawn on); every
change adds a `ConsentEvent` (who, when, old and new), which is never updated.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.types import UTCDateTime, utcnow


class LearnerConsent(SQLModel, table=True):
    """What the learner agreed may be shared, from `given_on` until the day before `withdrawn_on`."""

    __tablename__ = "learner_consent"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    given_on: date
    share_hours: bool = False  # hours and attendance rate
    share_modules: bool = False  # KNM, PVT, MAP status
    share_exams: bool = False  # exam bookings (and results, once they are recorded)
    withdrawn_on: date | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ConsentEvent(SQLModel, table=True):
    """One recorded change of a learner's consent: given, changed or withdrawn. Never updated."""

    __tablename__ = "consent_event"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    action: str = Field(max_length=10)  # given | changed | withdrawn
    changed_by_id: int | None = Field(default=None, foreign_key="user.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    old: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    new: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
