"""What the exam-path pages read: plain rows, every query through the tenant filter."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal import labels
from provider_portal.models import ExternalHours, LearnerExam
from provider_portal.models.enums import ExamStatus


def components(session: Session, learner_id: int, open_only: bool) -> list[tuple[str, object]]:
    """(code, name) of the learner's exam components, those still open only when `open_only`."""
    rows = session.execute(sa.select(LearnerExam).where(col(LearnerExam.learner_id) == learner_id)
                           .order_by(col(LearnerExam.component))).scalars()
    return [(e.component, labels.EXAM_COMPONENT.get(e.component, e.component)) for e in rows
            if not open_only or e.status not in (ExamStatus.PASSED, ExamStatus.EXEMPT)]


def external_hours(session: Session, learner_id: int) -> list[ExternalHours]:
    """The learner's hours at other providers, oldest period first."""
    return list(session.execute(sa.select(ExternalHours).where(col(ExternalHours.learner_id) == learner_id)
                                .order_by(col(ExternalHours.period_from))).scalars())
