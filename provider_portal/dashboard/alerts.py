"""Dashboard alerts: DUO terms expired or ending, and for provider staff low attendance, registers
not taken or not signed, contracts about to run out of purchased hours. Each is one or two grouped
queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.attendance.roster import counts_at_lesson
from provider_portal.models import Attendance, Contract, CourseClass, Enrolment, Learner, Lesson
from provider_portal.models.enums import ATTENDED, ContractStatus, LessonStatus

HOURS_WARNING_SHARE = 0.9
TERM_DEADLINE = sa.func.coalesce(Learner.duo_term_extended_until, Learner.duo_term_end)  # extension included


def terms_expired(today: date) -> sa.ColumnElement[bool]:
    """SQL: the learner's DUO term (extension included) ended before today and the obligation is not met.

    The most urgent term alert, shown before the terms that end soon.
    """
    return sa.and_(TERM_DEADLINE < today, col(Learner.obligation_met_on).is_(None))


def terms_ending(today: date, within: timedelta) -> sa.ColumnElement[bool]:
    """SQL: the learner's DUO term ends between today and `within` from now, obligation not yet met."""
    return sa.and_(TERM_DEADLINE.between(today, today + within), col(Learner.obligation_met_on).is_(None))


@dataclass(frozen=True)
class LowAttendance:
    learner: Learner
    held: int
    attended: int

    @property
    def rate(self) -> float:
        return self.attended / self.held


def low_attendance(session: Session, today: date, threshold: float, weeks: int) -> list[LowAttendance]:
    """Learners whose attendance over the last `weeks` weeks lies under `threshold` (0..1)."""
    since = today - timedelta(weeks=weeks)
    held = (
        sa.select(col(Enrolment.learner_id), col(Lesson.id).label("lesson_id"))
        .join(Lesson, col(Lesson.class_id) == col(Enrolment.class_id))
        .where(
            col(Lesson.status) == LessonStatus.SCHEDULED,
            col(Lesson.lesson_date).between(since, today),
            col(Lesson.lesson_date) >= col(Enrolment.from_date),
            sa.or_(col(Enrolment.to_date).is_(None), col(Lesson.lesson_date) <= col(Enrolment.to_date)),
            counts_at_lesson(col(Enrolment.learner_id)),
        )
    ).subquery()
    attended = sa.func.count(col(Attendance.lesson_id))
    rows = session.execute(
        sa.select(held.c.learner_id, sa.func.count(held.c.lesson_id), attended)
        .outerjoin(
            Attendance,
            sa.and_(
                col(Attendance.lesson_id) == held.c.lesson_id,
                col(Attendance.learner_id) == held.c.learner_id,
                col(Attendance.status).in_(ATTENDED),
            ),
        )
        .group_by(held.c.learner_id)
    ).all()
    low = {lid: (n, a) for lid, n, a in rows if n and a / n < threshold}
    learners = session.execute(sa.select(Learner).where(col(Learner.id).in_(list(low)))).scalars()
    found = [LowAttendance(x, *low[x.id]) for x in learners]
    return sorted(found, key=lambda x: (x.rate, x.learner.last_name))


def open_registers(
    session: Session, today: date
) -> tuple[list[tuple[Lesson, str]], list[tuple[Lesson, str]]]:
    """Past lessons whose register was never taken, and taken ones never signed (newest first)."""
    base = (
        sa.select(Lesson, col(CourseClass.name))
        .join(CourseClass, col(CourseClass.id) == col(Lesson.class_id))
        .where(col(Lesson.status) == LessonStatus.SCHEDULED, col(Lesson.lesson_date) < today)
        .order_by(col(Lesson.lesson_date).desc(), col(Lesson.start_time).desc())
    )
    untaken = session.execute(base.where(col(Lesson.register_taken_at).is_(None)).limit(50)).all()
    unsigned = session.execute(
        base.where(col(Lesson.register_taken_at).is_not(None), col(Lesson.signed_at).is_(None)).limit(50)
    ).all()
    return [(lesson, name) for lesson, name in untaken], [(lesson, name) for lesson, name in unsigned]


def contracts_running_out(session: Session) -> list[tuple[Contract, Learner, float]]:
    """Active contracts of which at least 90 % of the purchased hours have been attended."""
    minutes = (
        sa.select(col(Attendance.learner_id), sa.func.sum(col(Attendance.minutes)).label("minutes"))
        .where(col(Attendance.status).in_(ATTENDED))
        .group_by(col(Attendance.learner_id))
    ).subquery()
    rows = session.execute(
        sa.select(Contract, Learner, minutes.c.minutes)
        .join(Learner, col(Learner.id) == col(Contract.learner_id))
        .join(minutes, minutes.c.learner_id == col(Contract.learner_id))
        .where(
            col(Contract.status) == ContractStatus.ACTIVE,
            minutes.c.minutes >= col(Contract.purchased_hours) * 60 * HOURS_WARNING_SHARE,
        )
        .order_by(col(Learner.last_name))
    ).all()
    return [(contract, learner, used / 60 / contract.purchased_hours) for contract, learner, used in rows]
