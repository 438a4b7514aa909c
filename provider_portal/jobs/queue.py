"""The job queue: enqueue from the portal, claim and run in the jobs process.

Claiming is a conditional UPDATE (`status='queued'` → `running`), so two jobs processes never
run the same job; `dedupe_key` is UNIQUE, so a scheduled run enqueued twice exists once.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from provider_portal.jobs.context import JobCancelled, JobContext
from provider_portal.jobs.registry import HANDLERS, Handler
from provider_portal.models import Job
from provider_portal.models.enums import JobStatus
from provider_portal.models.types import utcnow

log = logging.getLogger(__name__)


class UnknownJobKind(ValueError):
    """No handler is registered for this kind."""


def handler_for(kind: str) -> Handler | None:
    """The registered handler; importing `handlers` here (not at import time) avoids import cycles."""
    from provider_portal.jobs import handlers  # noqa: F401  (registers every kind)

    return HANDLERS.get(kind)


def enqueue(session: Session, kind: str, *, params: dict[str, Any] | None = None,
            provider_id: int | None = None, created_by_id: int | None = None,
            dedupe_key: str | None = None) -> Job:
    """Queue a job; with a `dedupe_key` that already exists, return the existing job instead."""
    if handler_for(kind) is None:
        raise UnknownJobKind(kind)
    job = Job(kind=kind, params=params or {}, provider_id=provider_id, created_by_id=created_by_id,
              dedupe_key=dedupe_key)
    session.add(job)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = session.execute(sa.select(Job).where(Job.dedupe_key == dedupe_key)).scalar_one()
        return existing
    return job


def request_cancel(session: Session, job: Job) -> None:
    """Ask a queued or running job to stop; a queued one is cancelled at once."""
    if job.finished:
        return
    job.cancel_requested = True
    if job.status == JobStatus.QUEUED:
        job.status, job.finished_at = JobStatus.CANCELLED, utcnow()
    session.commit()


def claim_next(engine: Engine) -> int | None:
    """Atomically move the oldest queued job to running and return its id (None when idle)."""
    with Session(engine) as session:
        candidates = session.execute(sa.select(Job.id).where(Job.status == JobStatus.QUEUED)
                                     .order_by(Job.created_at, Job.id).limit(5)).scalars().all()
        for job_id in candidates:
            claimed = session.execute(
                sa.update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                .values(status=JobStatus.RUNNING, started_at=utcnow())
            )
            session.commit()
            if claimed.rowcount == 1:
                return job_id
    return None


def run_job(engine: Engine, job_id: int) -> str:
    """Run one claimed job to its end and record the outcome; returns the final status."""
    with Session(engine) as session:
        job = session.execute(sa.select(Job).where(Job.id == job_id)).scalar_one()
        ctx = JobContext(engine, job_id, job.kind, dict(job.params or {}), job.provider_id)
    status, result, error = _execute(ctx)
    with Session(engine) as session:
        session.execute(sa.update(Job).where(Job.id == job_id).values(
            status=status, result=result, error=error, finished_at=utcnow(),
            progress=100 if status == JobStatus.SUCCEEDED else Job.progress))
        session.commit()
    return status


def _execute(ctx: JobContext) -> tuple[str, dict[str, Any] | None, str | None]:
    handler = handler_for(ctx.kind)
    if handler is None:
        return JobStatus.FAILED, None, f"no handler for job kind {ctx.kind!r}"
    try:
        return JobStatus.SUCCEEDED, handler(ctx), None
    except JobCancelled:
        return JobStatus.CANCELLED, None, None
    except Exception as exc:  # a failing job must never take the jobs process down
        log.error("job %s (%s) failed:\n%s", ctx.job_id, ctx.kind, traceback.format_exc())
        return JobStatus.FAILED, None, f"{type(exc).__name__}: {exc}"


def run_pending(engine: Engine, limit: int = 10) -> int:
    """Claim and run queued jobs one by one; the dispatcher calls this every few seconds."""
    done = 0
    while done < limit and (job_id := claim_next(engine)) is not None:
        run_job(engine, job_id)
        done += 1
    return done
