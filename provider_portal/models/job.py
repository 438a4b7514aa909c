"""Background jobs run by the jobs process, shown in the portal with their progress and outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.enums import JobStatus
from provider_portal.models.types import UTCDateTime, utcnow

ACTIVE = sa.text("status IN ('queued', 'running')")


class Job(SQLModel, table=True):
    """One run of a background task. `dedupe_key` makes scheduled runs idempotent across processes;
    `active_key` allows one queued or running job per key (a partial unique index), e.g. one solver
    run per planner, municipalities and kind, so a double click queues one run."""

    __table_args__ = (sa.Index("uq_job_active_key", "active_key", unique=True,
                               postgresql_where=ACTIVE, sqlite_where=ACTIVE),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=50, index=True)
    status: str = Field(default=JobStatus.QUEUED, max_length=10, index=True)
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    dedupe_key: str | None = Field(default=None, max_length=120, sa_column_kwargs={"unique": True})
    active_key: str | None = Field(default=None, max_length=200)
    params: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    progress: int = 0
    message: str = Field(default="", max_length=500)
    result: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    error: str | None = None
    cancel_requested: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Written on claim, on progress and every few seconds while running; a stale one means the
    # jobs process died (the reaper then retries or fails the job).
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class ImportUpload(SQLModel, table=True):
    """The file of an import too large for a web request, kept until its job (`transfer.import`) has
    read it; the job deletes it when it ends, whatever the outcome."""

    __tablename__ = "import_upload"

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(max_length=20)
    filename: str = Field(max_length=255)
    rows: int
    content: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
