"""The reads of the learner pages: plain rows for the views to render (docs/architecture.md).

Every query runs in the request's session, so the tenancy filter applies to each of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import Contract, CourseClass, Enrolment, Learner, User
from provider_portal.models.enums import Role


def first_rows(session: Session, stmt: sa.Select[tuple[Learner]], limit: int) -> Sequence[Learner]:
    """At most `limit` learners of a list (the CSV download)."""
    return session.execute(stmt.limit(limit)).scalars().all()


def contracts_of(session: Session, learner: Learner) -> Sequence[Contract]:
    """The learner's contracts, the newest start first."""
    stmt = (sa.select(Contract).where(col(Contract.learner_id) == learner.id)
            .order_by(col(Contract.start_date).desc()))
    return session.execute(stmt).scalars().all()


def classes_of(session: Session, learner: Learner) -> list[tuple[Enrolment, CourseClass]]:
    """The learner's enrolments with their classes, the latest first."""
    stmt = (sa.select(Enrolment, CourseClass)
            .join(CourseClass, col(CourseClass.id) == col(Enrolment.class_id))
            .where(col(Enrolment.learner_id) == learner.id).order_by(col(Enrolment.from_date).desc()))
    return [(e, c) for e, c in session.execute(stmt)]


def login_of(session: Session, learner: Learner) -> User | None:
    """The learner's own login, if they have one."""
    stmt = sa.select(User).where(col(User.learner_id) == learner.id, col(User.role) == Role.LEARNER)
    return session.execute(stmt).scalar_one_or_none()
