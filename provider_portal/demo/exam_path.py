"""Demo exam paths: learners well into their term declared exam-ready for some components, a few
with failed attempts (so the planner sees the fee flagged before the third one)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.exam_path.results import ResultData, stage_result
from provider_portal.models import ExamReadiness, Learner, LearnerExam
from provider_portal.models.enums import ExamStatus


def seed_exam_path(session: Session, today: date) -> None:
    """Readiness and results for the demo; its own random stream, so other demo data stays as it was."""
    rng = random.Random(1212)
    open_exams: dict[int, list[str]] = {}
    for e in session.execute(sa.select(LearnerExam).where(LearnerExam.status == ExamStatus.OPEN)
                             .order_by(LearnerExam.learner_id, LearnerExam.component)).scalars():
        open_exams.setdefault(e.learner_id, []).append(e.component)
    learners = session.execute(sa.select(Learner).where(Learner.id.in_(list(open_exams)))
                               .order_by(Learner.id)).scalars().all()
    for learner in learners:
        if (today - learner.duo_term_start).days < 450 or rng.random() < 0.4:
            continue
        level = "B1" if rng.random() < 0.7 else "A2"
        for component in open_exams[learner.id or 0]:
            if component != "ONA" and rng.random() < 0.6:
                session.add(ExamReadiness(learner_id=learner.id or 0, component=component, level=level,
                                          ready_on=today - timedelta(days=rng.randint(3, 90))))
        if rng.random() < 0.15 and "spreken" in open_exams[learner.id or 0]:
            first = today - timedelta(days=rng.randint(120, 200))
            for attempt, day in enumerate((first, first + timedelta(days=70)), start=1):
                data = ResultData("spreken", day, level, False, attempt)
                stage_result(session, learner, data, "import", None)
    session.flush()
