"""What a running job may do: read its parameters, report progress, and notice cancellation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, col

from provider_portal.models import Job
from provider_portal.models.types import utcnow


class JobCancelled(Exception):
    """Raised by `check_cancelled` so a handler stops cleanly when the user pressed cancel."""


class JobRefused(Exception):
    """A handler's refusal with a result to keep: the job fails with this message (in English, the
    pages translate it) and `result` (e.g. an import's row errors)."""

    def __init__(self, message: str, result: dict[str, Any]) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class JobContext:
    """Handed to each handler; progress is committed in its own transaction so the portal sees it."""

    engine: Engine
    job_id: int
    kind: str
    params: dict[str, Any]
    provider_id: int | None
    solver_threads: int = 2  # threads a solver may use (JOBS_SOLVER_THREADS)

    def session(self) -> Session:
        """A new session for the handler's own work (the handler commits it)."""
        return Session(self.engine, expire_on_commit=False)

    def progress(self, percent: int, message: str = "") -> None:
        """Record progress (0-100) and a short message; progress is also a heartbeat."""
        with Session(self.engine) as session:
            session.execute(sa.update(Job).where(col(Job.id) == self.job_id)
                            .values(progress=max(0, min(100, percent)), message=message[:500],
                                    heartbeat_at=utcnow()))
            session.commit()

    def heartbeat(self) -> None:
        """Tell the reaper this job is still alive."""
        beat(self.engine, self.job_id)

    def cancel_requested(self) -> bool:
        """True once somebody pressed cancel in the portal."""
        with Session(self.engine) as session:
            stmt = sa.select(col(Job.cancel_requested)).where(col(Job.id) == self.job_id)
            return bool(session.execute(stmt).scalar_one())

    def check_cancelled(self) -> None:
        """Stop the handler if cancel was requested."""
        if self.cancel_requested():
            raise JobCancelled()


def beat(engine: Engine, job_id: int) -> None:
    """Write the job's heartbeat (only while it is running: a reaped job stays reaped)."""
    with Session(engine) as session:
        session.execute(sa.update(Job).where(col(Job.id) == job_id, col(Job.status) == "running")
                        .values(heartbeat_at=utcnow()))
        session.commit()
