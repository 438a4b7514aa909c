"""A learner's way from exam readiness to the obligation met: readiness per component, DUO's
results, hours at other providers (for the exemption dossier), their audit trail, and the dated
policy figures these rules read (lead time, free attempts, fee, exemption hours and attempts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.types import UTCDateTime, utcnow


class PolicySetting(SQLModel, table=True):
    """A policy figure (`key`, see `provider_portal.policy`) from `effective_from` on; global, dated."""

    __tablename__ = "policy_setting"
    __table_args__ = (sa.UniqueConstraint("key", "effective_from", name="uq_policy_setting_key_from"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40)
    value: int
    effective_from: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    # seeded by the demo from a day no source gives (the lowered exemption attempts): the admin's
    # page labels it and lets the admin correct it, which clears the mark
    demo_value: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class ExamReadiness(SQLModel, table=True):
    """A teacher or provider admin declared the learner ready ("examenklaar") for a component."""

    __tablename__ = "exam_readiness"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    component: str = Field(max_length=10, primary_key=True)
    ready_on: date
    level: str = Field(max_length=2)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")


class ExamResult(SQLModel, table=True):
    """One attempt at one component as DUO reported it (imported) or staff entered it (manual)."""

    __tablename__ = "exam_result"
    __table_args__ = (
        sa.UniqueConstraint("learner_id", "component", "attempt", name="uq_exam_result_attempt"),
    )

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    component: str = Field(max_length=10)
    exam_date: date
    level: str = Field(max_length=2)
    passed: bool
    attempt: int
    source: str = Field(max_length=10)  # "import" or "manual"
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")


class ExternalHours(SQLModel, table=True):
    """Lesson hours the learner followed at another provider, with the evidence file as uploaded."""

    __tablename__ = "external_hours"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    provider_name: str = Field(max_length=200)
    keurmerk: bool = True
    period_from: date
    period_to: date
    minutes: int
    evidence_name: str = Field(max_length=200)
    evidence_type: str = Field(max_length=100)
    evidence: bytes = Field(sa_type=sa.LargeBinary)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")


class ExamPathChange(SQLModel, table=True):
    """Who changed a learner's readiness, results, obligation or outside hours when, from what to
    what, and why. Rows are never updated (like the register's `attendance_change`)."""

    __tablename__ = "exam_path_change"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="learner.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)  # readiness, result, obligation, external_hours
    component: str | None = Field(default=None, max_length=10)
    changed_by_id: int | None = Field(default=None, foreign_key="user.id")
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    old: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    new: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    reason: str = Field(default="", max_length=500)
