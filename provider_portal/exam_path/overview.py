"""What the learner page and the planner see per exam component: readiness, attempts, results and
the fee the next attempt costs, flagged before anyone books it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.exam_path.readiness import Ready, earliest_exam_day, readiness_of
from provider_portal.exam_path.results import next_attempt_fee, results_of
from provider_portal.models import ExamResult, Learner, LearnerExam
from provider_portal.models.enums import ExamStatus
from provider_portal.policy import Figures


@dataclass(frozen=True)
class ComponentView:
    component: str
    status: str
    ready: Ready | None
    earliest: date | None  # the first day an exam run may book it
    attempts: int
    next_fee_cents: int  # 0 while the next attempt is free
    results: tuple[ExamResult, ...]

    @property
    def open(self) -> bool:
        return self.status not in (ExamStatus.PASSED, ExamStatus.EXEMPT)


def exam_overview(session: Session, learners: list[Learner],
                  figures: Figures) -> dict[int, list[ComponentView]]:
    """Per learner, one row per exam component of their route (four queries for any number)."""
    ids = [x.id or 0 for x in learners]
    finished = {x.id for x in learners if x.obligation_met_on is not None}  # no exam is booked any more
    ready, results = readiness_of(session, ids), results_of(session, ids)
    out: dict[int, list[ComponentView]] = {i: [] for i in ids}
    for e in session.execute(sa.select(LearnerExam).where(col(LearnerExam.learner_id).in_(ids))
                             .order_by(col(LearnerExam.learner_id), col(LearnerExam.component))).scalars():
        mine = tuple(r for r in results.get(e.learner_id, []) if r.component == e.component)
        attempts = max([e.attempts, *(r.attempt for r in mine)])
        done = e.status in (ExamStatus.PASSED, ExamStatus.EXEMPT)
        r = None if done else ready.get(e.learner_id, {}).get(e.component)
        earliest = (earliest_exam_day(r.ready_on, figures.on, figures)
                    if r is not None and e.learner_id not in finished else None)
        out[e.learner_id].append(ComponentView(
            e.component, e.status, r, earliest,
            attempts, 0 if done or e.learner_id in finished else next_attempt_fee(attempts, figures), mine))
    return out
