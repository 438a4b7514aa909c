"""The attendance register: one row per learner per lesson, and its append-only audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.types import UTCDateTime, utcnow


class Attendance(SQLModel, table=True):
    """A learner's presence at a lesson; `confirmed_at` is the learner's own confirmation (norm 2.9.3)."""

    learner_id: int = Field(foreign_key="learner.id", primary_key=True)
    # The key leads with the learner; a lesson's register reads by lesson (index: h17l, issue 17).
    lesson_id: int = Field(foreign_key="lesson.id", primary_key=True, ondelete="CASCADE", index=True)
    status: str = Field(max_length=20)
    minutes: int = 0
    remark: str = Field(default="", max_length=300)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class AttendanceChange(SQLModel, table=True):
    """Who changed which attendance when, from what to what, and why. Rows are never updated."""

    __tablename__ = "attendance_change"

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lesson.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="learner.id", index=True)
    changed_by_id: int | None = Field(default=None, foreign_key="user.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    old: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    new: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    reason: str = Field(default="", max_length=300)


class PresenceFailure(SQLModel, table=True):
    """A wrong presence code a learner typed for a lesson, kept for the teacher. Rows are never updated.

    `attempt` numbers a learner's wrong codes for one lesson 1, 2, ...; the unique key makes the limit
    (`attendance.codes.MAX_FAILURES`) hold across web workers: two requests cannot both take attempt 5.
    """

    __tablename__ = "presence_failure"
    __table_args__ = (sa.UniqueConstraint("lesson_id", "learner_id", "attempt"),)

    id: int | None = Field(default=None, primary_key=True)
    lesson_id: int = Field(foreign_key="lesson.id", ondelete="CASCADE")
    learner_id: int = Field(foreign_key="learner.id")
    attempt: int
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
