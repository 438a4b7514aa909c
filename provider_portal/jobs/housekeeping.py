"""Nightly housekeeping: old finished jobs are deleted so the jobs table stays small, and so are
log-ins (`user_session` rows) that ended, by log-out, revocation or age, more than
`SESSION_RETENTION_DAYS` ago (the jobs process passes the setting and the session lifetime as params),
and an import's stored file left behind by a jobs process that died (its job deletes it otherwise)
after a day.

Scheduled runs that carry a dedupe key (the quarterly drafts) are kept: their row is the record
that the run was done, and the tick would otherwise queue the same quarter again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult
from sqlmodel import col

from provider_portal import clock
from provider_portal.auth.sessions import purge_ended
from provider_portal.db import unit_of_work
from provider_portal.jobs.context import JobContext
from provider_portal.jobs.registry import job_handler
from provider_portal.models import ImportUpload, Job
from provider_portal.models.enums import JobStatus
from provider_portal.models.types import utcnow

KIND = "housekeeping"
RETENTION_DAYS = 90
SESSION_RETENTION_DAYS = 30
SESSION_LIFETIME_SECONDS = 8 * 3600
UPLOAD_RETENTION = timedelta(days=1)


@job_handler(KIND, retry=True)
def purge_old_jobs(ctx: JobContext) -> dict[str, Any]:
    """Delete finished jobs older than the retention (default 90 days, param `retention_days`), and
    log-ins ended longer ago than `session_retention_days` (default 30)."""
    days = int(ctx.params.get("retention_days", RETENTION_DAYS))
    session_days = int(ctx.params.get("session_retention_days", SESSION_RETENTION_DAYS))
    lifetime = timedelta(seconds=int(ctx.params.get("session_lifetime_seconds", SESSION_LIFETIME_SECONDS)))
    cutoff = utcnow() - timedelta(days=days)
    finished = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)
    with unit_of_work(ctx.engine) as session:
        deleted = session.execute(
            sa.delete(Job).where(col(Job.status).in_(finished), col(Job.finished_at) < cutoff,
                                 col(Job.id) != ctx.job_id,
                                 sa.or_(col(Job.dedupe_key).is_(None), col(Job.kind) == KIND)))
        sessions_deleted = purge_ended(session, now=clock.now(), lifetime=lifetime,
                                       retention=timedelta(days=session_days))
        session.execute(sa.delete(ImportUpload)
                        .where(col(ImportUpload.created_at) < utcnow() - UPLOAD_RETENTION))
    return {"deleted": cast("CursorResult[Any]", deleted).rowcount, "retention_days": days,
            "sessions_deleted": sessions_deleted, "session_retention_days": session_days}
