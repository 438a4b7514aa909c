"""Classes (course groups), their weekly schedule, the lessons generated from it, and closures."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.enums import LessonStatus
from provider_portal.models.types import UTCDateTime, utcnow


class CourseClass(SQLModel, table=True):
    """A course group at a location, taught on fixed weekdays between a start and an end date."""

    __tablename__ = "course_class"

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    name: str = Field(max_length=120)
    level: str = Field(max_length=5)
    location: str = Field(max_length=200)
    room: str = Field(default="", max_length=60)
    start_date: date
    end_date: date
    max_size: int
    # An ONA class (Oriëntatie op de Nederlandse Arbeidsmarkt): hours attended in its lessons are
    # the ONA hours DUO asks for in the monthly contract data (docs/duo-contract-data.md).
    ona: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ClassTeacher(SQLModel, table=True):
    """A teacher who teaches (and may sign the registers of) a class."""

    __tablename__ = "class_teacher"

    class_id: int = Field(foreign_key="course_class.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")


class ClassSlot(SQLModel, table=True):
    """One weekly meeting of a class: a weekday (0 = Monday) with start and end time."""

    __tablename__ = "class_slot"

    id: int | None = Field(default=None, primary_key=True)
    class_id: int = Field(foreign_key="course_class.id", index=True, ondelete="CASCADE")
    weekday: int
    start_time: time
    end_time: time


class Closure(SQLModel, table=True):
    """A period the provider is closed (holidays of its own); no lessons are generated in it."""

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    first_day: date
    last_day: date
    reason: str = Field(max_length=200)


class Lesson(SQLModel, table=True):
    """One lesson of a class. `version` guards the register against concurrent overwrites."""

    __table_args__ = (sa.Index("ix_lesson_class_date", "class_id", "lesson_date"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    class_id: int = Field(foreign_key="course_class.id", ondelete="CASCADE")
    lesson_date: date = Field(index=True)
    start_time: time
    end_time: time
    status: str = Field(default=LessonStatus.SCHEDULED, max_length=10)
    manual: bool = False
    note: str = Field(default="", max_length=200)
    register_taken_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    signed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    signed_by_id: int | None = Field(default=None, foreign_key="user.id")
    version: int = 0

    @property
    def minutes(self) -> int:
        """The lesson's length in minutes."""
        return (self.end_time.hour * 60 + self.end_time.minute) - (
            self.start_time.hour * 60 + self.start_time.minute)

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class Enrolment(SQLModel, table=True):
    """A learner in a class from one date to (optionally) another; outside it they are never absent."""

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    class_id: int = Field(foreign_key="course_class.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="learner.id", index=True)
    from_date: date
    to_date: date | None = None

    def covers(self, day: date) -> bool:
        """True when the learner belongs to the class on `day`."""
        return self.from_date <= day and (self.to_date is None or day <= self.to_date)
