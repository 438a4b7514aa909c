"""What a running job may do: read its parameters, report progress, and notice cancellation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from provider_portal.models import Job


class JobCancelled(Exception):
    """Raised by `check_cancelled` so a handler stops cleanly when the user pressed cancel."""


@dataclass
class JobContext:
    """Handed to each handler; progress is committed in its own transaction so the portal sees it."""

    engine: Engine
    job_id: int
    kind: str
    params: dict[str, Any]
    provider_id: int | None

    def session(self) -> Session:
        """A new session for the handler's own work (the handler commits it)."""
        return Session(self.engine, expire_on_commit=False)

    def progress(self, percent: int, message: str = "") -> None:
        """Record progress (0-100) and a short message."""
        with Session(self.engine) as session:
            session.execute(sa.update(Job).where(Job.id == self.job_id)
                            .values(progress=max(0, min(100, percent)), message=message[:500]))
            session.commit()

    def cancel_requested(self) -> bool:
        """True once somebody pressed cancel in the portal."""
        with Session(self.engine) as session:
            stmt = sa.select(Job.cancel_requested).where(Job.id == self.job_id)
            return bool(session.execute(stmt).scalar_one())

    def check_cancelled(self) -> None:
        """Stop the handler if cancel was requested."""
        if self.cancel_requested():
            raise JobCancelled()
