"""The reads of the jobs pages: the filtered, sorted list (docs/architecture.md).

Every query runs in the request's session, so the tenancy filter decides whose jobs are listed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import Job


def job_list(status: str, kind: str, oldest_first: bool) -> sa.Select[Job]:
    """Jobs with this status and kind (any when ""), newest first unless `oldest_first`."""
    stmt = sa.select(Job)
    if status:
        stmt = stmt.where(col(Job.status) == status)
    if kind:
        stmt = stmt.where(col(Job.kind) == kind)
    return stmt.order_by(*((col(Job.created_at).asc(), col(Job.id).asc()) if oldest_first
                           else (col(Job.created_at).desc(), col(Job.id).desc())))


def first_rows(session: Session, stmt: sa.Select[Job], limit: int) -> Sequence[Job]:
    """At most `limit` jobs of a list (the CSV download)."""
    return session.execute(stmt.limit(limit)).scalars().all()
