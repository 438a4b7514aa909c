"""Exam readiness ("examenklaar") per learner and component, and what an exam run may book.

A component may be booked only once a teacher or provider admin declared the learner ready for it,
and not before the registration lead time (a dated policy figure) has passed since then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from provider_portal.db import savepoint
from provider_portal.exam_path.audit import record_change
from provider_portal.models import ExamReadiness, Learner, LearnerExam
from provider_portal.models.enums import ExamStatus
from provider_portal.policy import Figures
from provider_portal.service_errors import DomainError

LEVELS = ("A2", "B1")


@dataclass(frozen=True)
class Ready:
    component: str
    ready_on: date
    level: str


def readiness_of(session: Session, learner_ids: list[int] | sa.Select[Any]) -> dict[int, dict[str, Ready]]:
    """Per learner (a list of ids, or a select of them), the components declared ready (one query)."""
    out: dict[int, dict[str, Ready]] = {}
    stmt = sa.select(col(ExamReadiness.learner_id), col(ExamReadiness.component), col(ExamReadiness.ready_on),
                     col(ExamReadiness.level)).where(col(ExamReadiness.learner_id).in_(learner_ids))
    for learner_id, component, ready_on, level in session.execute(stmt):
        out.setdefault(learner_id, {})[component] = Ready(component, ready_on, level)
    return out


def earliest_exam_day(ready_on: date, plan_date: date, figures: Figures) -> date:
    """The first day a component can be sat: registered no earlier than it was declared ready (and
    no earlier than today), then the lead time."""
    return max(ready_on, plan_date) + timedelta(weeks=figures.exam_lead_weeks)


def _exam_row(session: Session, learner: Learner, component: str) -> LearnerExam:
    row = session.execute(sa.select(LearnerExam).where(
        col(LearnerExam.learner_id) == learner.id, col(LearnerExam.component) == component)
    ).scalar_one_or_none()
    if row is None:
        raise DomainError("component", _l("Component: this learner's route has no such exam component."))
    return row


def set_readiness(session: Session, learner: Learner, component: str, ready_on: date | None, level: str,
                  user_id: int | None, today: date) -> None:
    """Declare (or, with `ready_on` None, withdraw) readiness for one component, audited (the
    caller's unit of work commits)."""
    exam = _exam_row(session, learner, component)
    if ready_on is not None:
        if exam.status in (ExamStatus.PASSED, ExamStatus.EXEMPT):
            raise DomainError("component", _l("Component: already passed or exempt."))
        if level not in LEVELS:
            raise DomainError("level", _l("Level: choose A2 or B1."))
        if ready_on > today:
            raise DomainError("ready_on", _l("Date: a learner is declared ready on or before today."))
    current = session.execute(sa.select(ExamReadiness).where(
        col(ExamReadiness.learner_id) == learner.id, col(ExamReadiness.component) == component)
        .with_for_update()
    ).scalar_one_or_none()
    old = None if current is None else {"ready_on": current.ready_on.isoformat(), "level": current.level}
    new = None if ready_on is None else {"ready_on": ready_on.isoformat(), "level": level}
    if old == new:
        return
    try:
        with savepoint(session):  # a declaration stored at the same moment undoes only this one
            if current is not None and ready_on is None:
                session.delete(current)
            elif current is not None and ready_on is not None:
                current.ready_on, current.level, current.updated_by_id = ready_on, level, user_id
            elif ready_on is not None:
                session.add(ExamReadiness(learner_id=learner.id or 0, component=component, ready_on=ready_on,
                                          level=level, updated_by_id=user_id))
            record_change(session, learner.id or 0, "readiness", component=component, old=old, new=new,
                          user_id=user_id)
            session.flush()
    except IntegrityError:
        raise DomainError("component",
                          _l("Someone changed this component at the same moment; try again.")) from None
