"""The job queue: enqueue from the portal, claim and run in the jobs process, reap dead runs.

Claiming takes the oldest queued job: on PostgreSQL with `SELECT ... FOR UPDATE SKIP LOCKED`, so
any number of workers on any number of machines each get a different job without waiting on each
other; on SQLite (one writer at a time anyway) with a conditional UPDATE (`status='queued'` →
`running`). Either way two workers never run the same job. `dedupe_key` is UNIQUE, so a scheduled
run enqueued twice exists once. A running job writes a heartbeat; `reap_stale` turns jobs whose
heartbeat stopped (their jobs process died) into queued-again (idempotent kinds) or failed.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import CursorResult, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from provider_portal.db import savepoint
from provider_portal.jobs.context import JobCancelled, JobContext, JobRefused, beat
from provider_portal.jobs.registry import HANDLERS, Handler, KindOptions, options_for
from provider_portal.models import Job
from provider_portal.models.enums import JobStatus
from provider_portal.models.types import utcnow
from provider_portal.service_errors import Conflict

log = logging.getLogger(__name__)

# Stored in `job.error` in English; the pages show it translated (jobs/describe.py).
LOST = "The jobs process stopped during this run; start it again."
LOST_RETRIES = "The jobs process stopped during this job %(attempts)s times; it is not retried again."


class UnknownJobKind(ValueError):
    """No handler is registered for this kind."""


class AlreadyActive(Conflict):
    """A job with the same `active_key` is queued or running (`job`); nothing was queued."""

    def __init__(self, job: Job) -> None:
        super().__init__("", _l("The same job is already queued or running; nothing new was queued."))
        self.job = job


def kind_options(kind: str) -> KindOptions:
    """The kind's options, once every handler module has registered its kind."""
    handler_for(kind)
    return options_for(kind)


def handler_for(kind: str) -> Handler | None:
    """The registered handler; importing `handlers` here (not at import time) avoids import cycles."""
    from provider_portal.jobs import handlers  # noqa: F401  (registers every kind)

    return HANDLERS.get(kind)


def enqueue(session: Session, kind: str, *, params: dict[str, Any] | None = None,
            provider_id: int | None = None, created_by_id: int | None = None,
            dedupe_key: str | None = None, active_key: str | None = None) -> Job:
    """Add a job to the caller's transaction, which commits it (never commits or rolls back itself).

    With a `dedupe_key` that already exists, return the existing job instead. With an `active_key`
    held by a queued or running job, raise AlreadyActive: the partial unique index decides, so two
    requests at once queue one job. The INSERT runs in a SAVEPOINT, so a refused one undoes only
    itself: the caller's own rows stay in its transaction for it to commit or roll back.
    """
    if handler_for(kind) is None:
        raise UnknownJobKind(kind)
    if dedupe_key is not None:  # the usual case on every tick: already there, no failed INSERT
        found = session.execute(sa.select(Job).where(col(Job.dedupe_key) == dedupe_key)).scalar_one_or_none()
        if found is not None:
            return found
    job = Job(kind=kind, params=params or {}, provider_id=provider_id, created_by_id=created_by_id,
              dedupe_key=dedupe_key, active_key=active_key)
    try:
        with savepoint(session):  # a duplicate key rolls back to here, not further
            session.add(job)
    except IntegrityError:
        if dedupe_key is not None:
            found = session.execute(
                sa.select(Job).where(col(Job.dedupe_key) == dedupe_key)).scalar_one_or_none()
            if found is not None:
                return found
        if active_key is not None and (holder := active_job(session, active_key)) is not None:
            raise AlreadyActive(holder) from None
        raise
    return job


def active_job(session: Session, active_key: str) -> Job | None:
    """The queued or running job holding `active_key`, if any."""
    stmt = sa.select(Job).where(col(Job.active_key) == active_key,
                                col(Job.status).in_((JobStatus.QUEUED, JobStatus.RUNNING)))
    return session.execute(stmt).scalar_one_or_none()


def request_cancel(session: Session, job: Job) -> None:
    """Ask a queued or running job to stop; a queued one is cancelled at once (when the caller's
    unit of work commits)."""
    if job.finished:
        return
    job.cancel_requested = True
    if job.status == JobStatus.QUEUED:
        job.status, job.finished_at = JobStatus.CANCELLED, utcnow()


def _running_now() -> dict[str, Any]:
    now = utcnow()
    return {"status": JobStatus.RUNNING, "started_at": now, "heartbeat_at": now,
            "attempts": Job.attempts + 1}


def isolated_kinds() -> tuple[str, ...]:
    """The kinds that run in a subprocess (the solvers, forked by the fork server)."""
    handler_for("")
    return tuple(kind for kind in HANDLERS if options_for(kind).isolate)


def job_kind(engine: Engine, job_id: int) -> str:
    """The kind of a job."""
    with Session(engine) as session:
        return session.execute(sa.select(col(Job.kind)).where(col(Job.id) == job_id)).scalar_one()


def _queued(skip_kinds: tuple[str, ...]) -> sa.Select[int | None]:
    stmt = sa.select(col(Job.id)).where(col(Job.status) == JobStatus.QUEUED)
    if skip_kinds:
        stmt = stmt.where(col(Job.kind).not_in(skip_kinds))
    return stmt.order_by(col(Job.created_at), col(Job.id))


def claim_next(engine: Engine, skip_kinds: tuple[str, ...] = ()) -> int | None:
    """Atomically move the oldest queued job (not of `skip_kinds`) to running; None when idle."""
    if engine.dialect.name == "postgresql":
        return _claim_skip_locked(engine, skip_kinds)
    with Session(engine) as session:
        candidates = session.execute(_queued(skip_kinds).limit(5)).scalars().all()
        for job_id in candidates:
            claimed = session.execute(
                sa.update(Job).where(col(Job.id) == job_id,
                                     col(Job.status) == JobStatus.QUEUED).values(_running_now())
            )
            session.commit()
            if cast("CursorResult[Any]", claimed).rowcount == 1:
                return job_id
    return None


def _claim_skip_locked(engine: Engine, skip_kinds: tuple[str, ...]) -> int | None:
    """PostgreSQL: lock the oldest queued row nobody else has locked, and mark it running."""
    with Session(engine) as session:
        job_id = session.execute(
            _queued(skip_kinds).limit(1).with_for_update(skip_locked=True)
        ).scalar_one_or_none()
        if job_id is not None:
            session.execute(sa.update(Job).where(Job.id == job_id).values(_running_now()))
        session.commit()
        return job_id


def run_job(engine: Engine, job_id: int, *, isolate: bool = False, heartbeat_seconds: float | None = None,
            cpu_seconds: int | None = None, solver_threads: int = 2) -> str:
    """Run one claimed job to its end and record the outcome; returns the final status.

    With `isolate`, kinds registered as isolated (the solvers) run in a subprocess (jobs/isolated.py) limited
    to `cpu_seconds` of CPU; with `heartbeat_seconds`, a thread beats while the job runs. A solver
    uses `solver_threads` threads (JOBS_SOLVER_THREADS).
    """
    with Session(engine) as session:
        job = session.execute(sa.select(Job).where(col(Job.id) == job_id)).scalar_one()
        ctx = JobContext(engine, job_id, job.kind, dict(job.params or {}), job.provider_id, solver_threads)
        attempt = job.attempts
    log.info("job %s (%s) started, attempt %s", job_id, ctx.kind, attempt)
    started = time.monotonic()
    with _beating(engine, job_id, heartbeat_seconds):
        if isolate and kind_options(ctx.kind).isolate:
            from provider_portal.jobs.isolated import run_isolated

            status, result, error = run_isolated(ctx, cpu_seconds)
        else:
            status, result, error = _execute(ctx)
    with Session(engine) as session:
        # only this attempt's outcome: a job reaped or handed back meanwhile (and perhaps running
        # again elsewhere) keeps its newer state
        recorded = session.execute(sa.update(Job).where(col(Job.id) == job_id,
                                                        col(Job.status) == JobStatus.RUNNING,
                                                        col(Job.attempts) == attempt)
                                   .values(status=status, result=result, error=error, finished_at=utcnow(),
                                           progress=100 if status == JobStatus.SUCCEEDED
                                           else col(Job.progress)))
        session.commit()
    # the reaper gave up on it meanwhile; its verdict stands
    if cast("CursorResult[Any]", recorded).rowcount != 1:
        log.warning("job %s (%s) ended as %s after it was reaped; outcome not recorded",
                    job_id, ctx.kind, status)
        return status
    log.info("job %s (%s) %s in %.1f s%s", job_id, ctx.kind, status, time.monotonic() - started,
             f": {error}" if error else "")
    return status


@contextmanager
def _beating(engine: Engine, job_id: int, every: float | None) -> Iterator[None]:
    """Write the job's heartbeat every `every` seconds while the body runs."""
    if not every:
        yield
        return
    done = threading.Event()

    def loop() -> None:
        while not done.wait(every):
            try:
                beat(engine, job_id)
            except Exception:  # a missed beat is harmless; the next one may succeed
                log.warning("heartbeat of job %s failed", job_id, exc_info=True)

    thread = threading.Thread(target=loop, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


def _execute(ctx: JobContext) -> tuple[str, dict[str, Any] | None, str | None]:
    handler = handler_for(ctx.kind)
    if handler is None:
        return JobStatus.FAILED, None, f"no handler for job kind {ctx.kind!r}"
    try:
        return JobStatus.SUCCEEDED, handler(ctx), None
    except JobCancelled:
        return JobStatus.CANCELLED, None, None
    except JobRefused as refused:  # a refusal the handler explains: its result is kept
        return JobStatus.FAILED, refused.result, str(refused)
    except Exception as exc:  # a failing job must never take the jobs process down
        log.error("job %s (%s) failed:\n%s", ctx.job_id, ctx.kind, traceback.format_exc())
        return JobStatus.FAILED, None, f"{type(exc).__name__}: {exc}"


def run_pending(engine: Engine, limit: int = 10, solver_threads: int = 2) -> int:
    """Claim and run queued jobs one by one, in this thread (tests, `jobs run --once`)."""
    done = 0
    while done < limit and (job_id := claim_next(engine)) is not None:
        run_job(engine, job_id, solver_threads=solver_threads)
        done += 1
    return done


def reap_stale(engine: Engine, stale_after: timedelta, max_attempts: int) -> tuple[int, int]:
    """Requeue or fail running jobs whose heartbeat stopped; returns (requeued, failed)."""
    cutoff = utcnow() - stale_after
    is_stale = sa.and_(col(Job.status) == JobStatus.RUNNING,
                       sa.func.coalesce(col(Job.heartbeat_at), col(Job.started_at),
                                        col(Job.created_at)) < cutoff)
    requeued = failed = 0
    with Session(engine) as session:
        stale = session.execute(sa.select(col(Job.id), col(Job.kind),
                                          col(Job.attempts)).where(is_stale)).all()
        for job_id, kind, attempts in stale:
            values = _reaped(kind_options(kind).retry, attempts, max_attempts)
            changed = session.execute(sa.update(Job).where(Job.id == job_id, is_stale).values(values))
            session.commit()
            if cast("CursorResult[Any]", changed).rowcount == 1:
                requeued += values["status"] == JobStatus.QUEUED
                failed += values["status"] == JobStatus.FAILED
                log.warning("job %s (%s) lost its jobs process: now %s", job_id, kind, values["status"])
    return requeued, failed


def release_running(engine: Engine, job_ids: list[int], max_attempts: int) -> tuple[int, int]:
    """Hand back jobs this process still runs as it stops (graceful shutdown after the grace period),
    as the reaper would: idempotent kinds queued again, others failed; returns (requeued, failed)."""
    requeued = failed = 0
    with Session(engine) as session:
        rows = session.execute(sa.select(col(Job.id), col(Job.kind), col(Job.attempts))
                               .where(col(Job.id).in_(job_ids), col(Job.status) == JobStatus.RUNNING)).all()
        for job_id, kind, attempts in rows:
            values = _reaped(kind_options(kind).retry, attempts, max_attempts)
            changed = session.execute(sa.update(Job).where(col(Job.id) == job_id,
                                                           col(Job.status) == JobStatus.RUNNING,
                                                           col(Job.attempts) == attempts).values(values))
            session.commit()
            if cast("CursorResult[Any]", changed).rowcount == 1:
                requeued += values["status"] == JobStatus.QUEUED
                failed += values["status"] == JobStatus.FAILED
                log.warning("job %s (%s) unfinished as the jobs process stops: now %s", job_id, kind,
                            values["status"])
    return requeued, failed


def _reaped(retry: bool, attempts: int, max_attempts: int) -> dict[str, Any]:
    """What a stale job becomes: queued again while an idempotent kind has attempts left, else failed."""
    if retry and attempts < max_attempts:
        return {"status": JobStatus.QUEUED, "started_at": None, "heartbeat_at": None,
                "message": f"retrying: the jobs process stopped during attempt {attempts}"}
    error = LOST_RETRIES % {"attempts": attempts} if retry else LOST
    return {"status": JobStatus.FAILED, "finished_at": utcnow(), "error": error}
