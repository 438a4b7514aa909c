"""DUO's exam results: one row per attempt, imported from DUO's result file or entered by hand.

Recording a result updates the component's status and attempts (`learner_exam`, what the exam run
reads) and, once every component of the learner's route is passed, records the obligation as met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.exam_path.audit import record_change
from provider_portal.models import ExamResult, Learner, LearnerExam
from provider_portal.models.enums import ExamStatus
from provider_portal.policy import Figures
from provider_portal.service_errors import AlreadyRecorded, DomainError
from scheduler.exams.constraints import attempt_fee


@dataclass(frozen=True)
class ResultData:
    """One attempt as entered or imported; `attempt` None means the next one."""

    component: str
    exam_date: date
    level: str
    passed: bool
    attempt: int | None = None


def results_of(session: Session, learner_ids: list[int]) -> dict[int, list[ExamResult]]:
    """Per learner, the results by component and attempt (one query)."""
    out: dict[int, list[ExamResult]] = {}
    stmt = (sa.select(ExamResult).where(col(ExamResult.learner_id).in_(learner_ids))
            .order_by(col(ExamResult.component), col(ExamResult.attempt)))
    for row in session.execute(stmt).scalars():
        out.setdefault(row.learner_id, []).append(row)
    return out


def next_attempt_fee(attempts_used: int, figures: Figures) -> int:
    """The fee in cents the next attempt costs: nothing within the free attempts (the exam core's
    rule, `scheduler.exams.constraints.attempt_fee`, with the dated figures)."""
    return attempt_fee(attempts_used, figures.exam_free_attempts, figures.exam_fee_cents)[1]


def stage_result(session: Session, learner: Learner, data: ResultData, source: str,
                 user_id: int | None) -> ExamResult:
    """Stage one result (no commit): the component must be the learner's and the attempt new."""
    exam = session.execute(sa.select(LearnerExam).where(
        col(LearnerExam.learner_id) == learner.id, col(LearnerExam.component) == data.component)
        .with_for_update()
    ).scalar_one_or_none()
    if exam is None:
        raise DomainError("component", _l("this learner's route has no such exam component"))
    recorded = {row.attempt: row.exam_date for row in session.execute(sa.select(ExamResult).where(
        col(ExamResult.learner_id) == learner.id, col(ExamResult.component) == data.component)).scalars()}
    taken = set(recorded)
    same_day = sorted(n for n, day in recorded.items() if day == data.exam_date)
    if same_day:  # one sitting per component and day: the same result sent again (a double submit)
        raise AlreadyRecorded("exam_date", _l("a result of this component on this date is already recorded "
                                              "(attempt %(n)s)", n=same_day[0]))
    attempt = data.attempt or max(taken | {exam.attempts}) + 1
    if attempt in taken:
        raise DomainError("attempt", _l("attempt %(n)s of this component is already recorded", n=attempt))
    if exam.status == ExamStatus.PASSED and data.passed:
        raise DomainError("component", _l("this component is already passed"))
    result = ExamResult(learner_id=learner.id or 0, component=data.component, exam_date=data.exam_date,
                        level=data.level, passed=data.passed, attempt=attempt, source=source,
                        recorded_by_id=user_id)
    session.add(result)
    exam.attempts = max(exam.attempts, attempt)
    if data.passed:
        exam.status = ExamStatus.PASSED
    record_change(session, learner.id or 0, "result", component=data.component, old=None,
                  new={"exam_date": data.exam_date.isoformat(), "level": data.level,
                       "passed": data.passed, "attempt": attempt, "source": source}, user_id=user_id)
    return result


def all_passed_on(session: Session, learner: Learner) -> date | None:
    """The exam date of the last component passed, when every component of the route is passed."""
    exams = session.execute(sa.select(LearnerExam)
                            .where(col(LearnerExam.learner_id) == learner.id)).scalars().all()
    needed = [e for e in exams if e.status != ExamStatus.EXEMPT]
    if not needed or any(e.status != ExamStatus.PASSED for e in needed):
        return None
    return session.execute(sa.select(sa.func.max(col(ExamResult.exam_date))).where(
        col(ExamResult.learner_id) == learner.id, col(ExamResult.passed))).scalar_one_or_none()
