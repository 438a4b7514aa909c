"""Exam seats under concurrency: lock the sessions a publish books into, then re-count them.

Exam sessions are DUO's and shared by every municipality's planners, so two runs built at the same
time both saw the same free seats. Publishing therefore locks the sessions it books into (in id
order, so two publishers never deadlock) until its transaction ends, and counts the bookings after
its own were written: PostgreSQL `SELECT ... FOR UPDATE` (the second publisher waits, then counts
the first one's committed bookings); SQLite has no row locks, so a no-op UPDATE takes the database
write lock, which serialises all writers (the pattern of `invoicing.locking`).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.db import lock_rows
from provider_portal.i18n import message_day
from provider_portal.models import ExamBooking, ExamLocation, ExamSession
from provider_portal.planning.runs import RunError


def lock_sessions(session: Session, ids: Iterable[int]) -> None:
    """Hold the exam-session rows of `ids` until the transaction ends."""
    lock_rows(session, ExamSession, ids, col(ExamSession.seats))


def check_seats(session: Session, ids: Iterable[int]) -> None:
    """Refuse (RunError naming every session) when any of `ids` holds more bookings than seats."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    rows = session.execute(
        sa.select(ExamSession, col(ExamLocation.name), sa.func.count(col(ExamBooking.learner_id)))
        .join(ExamLocation, col(ExamLocation.id) == col(ExamSession.location_id))
        .join(ExamBooking, col(ExamBooking.session_id) == col(ExamSession.id))
        .where(col(ExamSession.id).in_(wanted))
        .group_by(col(ExamSession.id), col(ExamLocation.name))
        .having(sa.func.count(col(ExamBooking.learner_id)) > col(ExamSession.seats))
        .order_by(col(ExamSession.day), col(ExamSession.start_time), col(ExamSession.id))
    ).all()
    if rows:
        over = "; ".join(
            f"{name} {message_day(s.day)} {s.start_time:%H:%M} {s.component} ({booked}/{s.seats})"
            for s, name, booked in rows
        )
        raise RunError("run", _l("Nothing was published: these exam sessions would be over capacity "
                                 "(booked/seats), because another planner published into them since "
                                 "this run was made: %(sessions)s. Start a new run.", sessions=over))
