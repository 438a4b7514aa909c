"""What the register and attendance pages read besides the register itself (`service.register_rows`):
the week's lessons, a learner's lessons of a day, the classes a teacher teaches, a learner's first
enrolment. Plain data out; every statement runs through the tenant filter of the session it is given."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import Attendance, ClassTeacher, CourseClass, Enrolment, Lesson


def week_lessons(session: Session, monday: date, teacher_id: int | None) -> list[tuple[Lesson, CourseClass]]:
    """The lessons of the week from `monday` with their class, by day, time and class; only the
    classes `teacher_id` teaches when given."""
    stmt = (
        sa.select(Lesson, CourseClass)
        .join(CourseClass, col(CourseClass.id) == col(Lesson.class_id))
        .where(col(Lesson.lesson_date).between(monday, monday + timedelta(days=6)))
        .order_by(col(Lesson.lesson_date), col(Lesson.start_time), col(CourseClass.name))
    )
    if teacher_id is not None:
        stmt = stmt.where(col(Lesson.class_id).in_(taught_statement(teacher_id)))
    return [(lesson, course) for lesson, course in session.execute(stmt)]


def taught_statement(teacher_id: int) -> sa.Select[int]:
    return sa.select(col(ClassTeacher.class_id)).where(col(ClassTeacher.user_id) == teacher_id)


def taught_class_ids(session: Session, teacher_id: int) -> list[int]:
    """The classes a teacher teaches."""
    return list(session.execute(taught_statement(teacher_id)).scalars())


def day_lessons_of(
    session: Session, learner_id: int, day: date
) -> list[tuple[Lesson, CourseClass, Attendance | None]]:
    """The lessons on `day` the reader sees, by start time, with the learner's mark (if any)."""
    rows = session.execute(
        sa.select(Lesson, CourseClass, Attendance)
        .join(CourseClass, col(CourseClass.id) == col(Lesson.class_id))
        .outerjoin(
            Attendance,
            sa.and_(col(Attendance.lesson_id) == col(Lesson.id), col(Attendance.learner_id) == learner_id),
        )
        .where(col(Lesson.lesson_date) == day)
        .order_by(col(Lesson.start_time))
    )
    return [(lesson, course, mark) for lesson, course, mark in rows]


def first_enrolment_day(session: Session, learner_id: int) -> date | None:
    """The day the learner's first enrolment starts, None without one."""
    return session.execute(sa.select(sa.func.min(col(Enrolment.from_date)))
                           .where(col(Enrolment.learner_id) == learner_id)).scalar()
