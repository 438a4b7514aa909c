"""What the class pages read: the class list, one class with its schedule, people and lessons,
the pickers' choices and the closures. Plain data out; every statement runs through the tenant
filter of the session it is given."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.learners.service import LearnerFilter, search_statement
from provider_portal.models import (
    ClassSlot,
    ClassTeacher,
    Closure,
    CourseClass,
    Enrolment,
    Learner,
    Lesson,
    User,
)
from provider_portal.models.enums import Role
from provider_portal.pagination import Page, paginate

CLASS_SORTS: dict[str, tuple[Any, ...]] = {
    "name": (col(CourseClass.name),),
    "level": (col(CourseClass.level), col(CourseClass.name)),
    "location": (col(CourseClass.location), col(CourseClass.name)),
    "start": (col(CourseClass.start_date), col(CourseClass.name)),
}
CLASS_STATES = ("", "current", "upcoming", "ended")


@dataclass(frozen=True)
class ClassFilter:
    """The class list as asked: a search on name or location, the state on `today` (running,
    upcoming, ended; "" for all), the sort column and its direction."""

    today: date
    query: str = ""
    state: str = ""
    sort: str = "start"
    descending: bool = True


def _class_statement(filters: ClassFilter) -> sa.Select[CourseClass]:
    stmt = sa.select(CourseClass)
    if filters.query:
        term = f"%{filters.query.lower()}%"
        stmt = stmt.where(sa.or_(sa.func.lower(col(CourseClass.name)).like(term),
                                 sa.func.lower(col(CourseClass.location)).like(term)))
    start, end = col(CourseClass.start_date), col(CourseClass.end_date)
    if filters.state == "current":
        stmt = stmt.where(start <= filters.today, end >= filters.today)
    elif filters.state == "upcoming":
        stmt = stmt.where(start > filters.today)
    elif filters.state == "ended":
        stmt = stmt.where(end < filters.today)
    columns = [c.desc() if filters.descending else c.asc() for c in CLASS_SORTS[filters.sort]]
    return stmt.order_by(*columns, col(CourseClass.id))


def class_page(session: Session, filters: ClassFilter, number: int, size: int) -> Page[CourseClass]:
    """One page of the filtered, sorted class list."""
    return paginate(session, _class_statement(filters), number, size)


def class_rows(session: Session, filters: ClassFilter, limit: int) -> Iterator[CourseClass]:
    """The filtered, sorted class list, at most `limit` classes (an export)."""
    return iter(session.execute(_class_statement(filters).limit(limit)).scalars())


def class_sizes(session: Session, today: date) -> dict[int, int]:
    """Per class: the learners enrolled today or later."""
    rows = session.execute(
        sa.select(col(Enrolment.class_id), sa.func.count())
        .where(sa.or_(col(Enrolment.to_date).is_(None), col(Enrolment.to_date) >= today))
        .group_by(col(Enrolment.class_id))
    )
    return {class_id: int(count) for class_id, count in rows}


@dataclass(frozen=True)
class ClassDetail:
    """One class's page: its weekly slots, teachers' names, enrolments with their learner, lessons,
    and whether the reader teaches it."""

    slots: list[ClassSlot]
    teachers: list[str]
    enrolments: list[tuple[Enrolment, Learner]]
    lessons: list[Lesson]
    is_teacher: bool


def class_detail(session: Session, class_id: int, reader_id: int | None) -> ClassDetail:
    slots = session.execute(
        sa.select(ClassSlot).where(col(ClassSlot.class_id) == class_id).order_by(col(ClassSlot.weekday))
    ).scalars().all()
    teachers = session.execute(
        sa.select(col(User.name))
        .join(ClassTeacher, col(ClassTeacher.user_id) == col(User.id))
        .where(col(ClassTeacher.class_id) == class_id)
    ).scalars().all()
    enrolments = session.execute(
        sa.select(Enrolment, Learner)
        .join(Learner, col(Learner.id) == col(Enrolment.learner_id))
        .where(col(Enrolment.class_id) == class_id)
        .order_by(col(Learner.last_name), col(Learner.first_name))
    )
    lessons = session.execute(
        sa.select(Lesson)
        .where(col(Lesson.class_id) == class_id)
        .order_by(col(Lesson.lesson_date), col(Lesson.start_time))
    ).scalars().all()
    is_teacher = session.execute(sa.select(col(ClassTeacher.user_id)).where(
        col(ClassTeacher.class_id) == class_id, col(ClassTeacher.user_id) == reader_id)).first() is not None
    pairs = [(enrolment, learner) for enrolment, learner in enrolments]
    return ClassDetail(list(slots), list(teachers), pairs, list(lessons), is_teacher)


def visible_learner_ids(session: Session) -> list[int]:
    """Every learner the reader may see (a posted enrolment form accepts any of them)."""
    return list(session.execute(sa.select(col(Learner.id))).scalars())


def learners_to_enrol(session: Session, course_id: int, query: str, today: date, limit: int) -> list[Learner]:
    """The picker's learners matching `query` (a name or a BSN's last digits), at most `limit`,
    without those enrolled in the class today or later."""
    enrolled = sa.select(col(Enrolment.learner_id)).where(
        col(Enrolment.class_id) == course_id,
        sa.or_(col(Enrolment.to_date).is_(None), col(Enrolment.to_date) >= today))
    stmt = search_statement(LearnerFilter(q=query)).limit(limit)
    return list(session.execute(stmt.where(col(Learner.id).not_in(enrolled))).scalars())


def teacher_choices(session: Session) -> list[tuple[int, str]]:
    """Active teachers and provider admins, by name: who may teach a class."""
    rows = session.execute(
        sa.select(col(User.id), col(User.name))
        .where(col(User.role).in_([Role.TEACHER, Role.PROVIDER_ADMIN]), col(User.active))
        .order_by(col(User.name))
    )
    return [(user_id, name) for user_id, name in rows if user_id is not None]


def class_teacher_ids(session: Session, class_id: int) -> list[int]:
    return list(session.execute(
        sa.select(col(ClassTeacher.user_id)).where(col(ClassTeacher.class_id) == class_id)).scalars())


def class_times(session: Session, class_id: int) -> list[tuple[int, time, time]]:
    """The class's weekly slots as (weekday, start, end)."""
    rows = session.execute(
        sa.select(col(ClassSlot.weekday), col(ClassSlot.start_time), col(ClassSlot.end_time))
        .where(col(ClassSlot.class_id) == class_id)
    )
    return [(weekday, start, end) for weekday, start, end in rows]


def closure_list(session: Session) -> list[Closure]:
    """The provider's closures, latest first."""
    return list(session.execute(sa.select(Closure).order_by(col(Closure.first_day).desc())).scalars())
