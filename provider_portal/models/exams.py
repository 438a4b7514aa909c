"""DUO exam locations, their calendar of exam sessions, and the published exam bookings.

Locations and sessions are shared configuration (DUO's calendar), the same for every planner;
bookings belong to learners and are seen through them.
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.types import UTCDateTime, utcnow


class ExamLocation(SQLModel, table=True):
    """A DUO exam location; `facilities` such as accessible or extra_time serve learners' needs."""

    __tablename__ = "exam_location"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=30, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=120)
    address: str = Field(default="", max_length=200)  # street, postcode and town, for letters
    lat: float
    lon: float
    facilities: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    closed_dates: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # ISO dates
    active: bool = True


class ExamSession(SQLModel, table=True):
    """One sitting of one component at a location and time; for ONA `seats` is examiners free."""

    __tablename__ = "exam_session"
    __table_args__ = (sa.UniqueConstraint("location_id", "day", "component", "start_time"),)

    id: int | None = Field(default=None, primary_key=True)
    location_id: int = Field(foreign_key="exam_location.id", index=True)
    day: date = Field(index=True)
    component: str = Field(max_length=10)
    start_time: time
    minutes: int
    seats: int


class ExamBooking(SQLModel, table=True):
    """A learner's published booking of one component; pinned ones every later run keeps."""

    __tablename__ = "exam_booking"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    component: str = Field(max_length=10, primary_key=True)
    session_id: int = Field(foreign_key="exam_session.id", index=True)
    attempt: int = 1
    fee_cents: int = 0
    pinned: bool = False
    run_id: int | None = Field(default=None, foreign_key="plan_run.id")
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
