"""Class use cases: create and edit with a weekly schedule, keep lessons in step, enrol learners.

Every use case changes and flushes in the session it is given; the caller's `db.unit_of_work`
commits (docs/architecture.md, "Transactions")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.classes.schedule import PlannedLesson, WeeklySlot, lesson_plan
from provider_portal.db import savepoint
from provider_portal.input_guards import MAX_SPAN_DAYS, span_too_long
from provider_portal.models import (
    Attendance,
    ClassSlot,
    ClassTeacher,
    Closure,
    CourseClass,
    Enrolment,
    Learner,
    Lesson,
)
from provider_portal.models.enums import LessonStatus
from provider_portal.models.keys import pk
from provider_portal.service_errors import DomainError


class ClassError(DomainError):
    """A class, lesson or enrolment change is refused; `field` names the form field."""


@dataclass(frozen=True)
class ClassData:
    name: str
    level: str
    location: str
    room: str
    start_date: date
    end_date: date
    max_size: int
    teacher_ids: tuple[int, ...]
    slots: tuple[WeeklySlot, ...]
    ona: bool = False  # an ONA class: its hours are reported to DUO as ONA hours too


def save_class(session: Session, data: ClassData, course: CourseClass | None = None) -> CourseClass:
    """Create or update a class, its teachers and schedule, then bring its lessons in step."""
    if span_too_long(data.start_date, data.end_date):
        raise ClassError("end_date", _l("A class may last at most %(days)s days (two years).",
                                        days=MAX_SPAN_DAYS))
    course = course or CourseClass()  # type: ignore[call-arg]
    for name in ("name", "level", "location", "room", "start_date", "end_date", "max_size", "ona"):
        setattr(course, name, getattr(data, name))
    session.add(course)
    session.flush()
    session.execute(sa.delete(ClassTeacher).where(col(ClassTeacher.class_id) == course.id))
    session.execute(sa.delete(ClassSlot).where(col(ClassSlot.class_id) == course.id))
    class_id = pk(course)
    session.add_all(ClassTeacher(class_id=class_id, user_id=uid) for uid in sorted(set(data.teacher_ids)))
    session.add_all(
        ClassSlot(class_id=class_id, weekday=s.weekday, start_time=s.start_time, end_time=s.end_time)
        for s in data.slots
    )
    session.flush()
    sync_lessons(session, course)
    return course


def _closures(session: Session, provider_id: int) -> list[tuple[date, date]]:
    rows = session.execute(
        sa.select(col(Closure.first_day), col(Closure.last_day))
        .where(col(Closure.provider_id) == provider_id)
    )
    return [(a, b) for a, b in rows]


def sync_lessons(session: Session, course: CourseClass) -> tuple[int, int]:
    """Add the lessons the schedule yields and drop generated ones it no longer yields.

    Lessons added or moved by hand, and lessons with any attendance, are never dropped.
    Returns (added, removed).
    """
    slots = session.execute(sa.select(ClassSlot).where(col(ClassSlot.class_id) == course.id)).scalars()
    wanted = set(
        lesson_plan(
            course.start_date,
            min(course.end_date, course.start_date + timedelta(days=MAX_SPAN_DAYS)),
            [WeeklySlot(s.weekday, s.start_time, s.end_time) for s in slots],
            _closures(session, course.provider_id),
        )
    )
    existing = session.execute(sa.select(Lesson).where(col(Lesson.class_id) == course.id)).scalars().all()
    have = {PlannedLesson(x.lesson_date, x.start_time, x.end_time): x for x in existing if not x.manual}
    with_attendance = set(
        session.execute(
            sa.select(col(Attendance.lesson_id))
            .distinct()
            .where(col(Attendance.lesson_id).in_([x.id for x in existing]))
        ).scalars()
    )
    removed = 0
    for key, lesson in have.items():
        if key not in wanted and lesson.id not in with_attendance:
            session.delete(lesson)
            removed += 1
    added = [
        Lesson(
            provider_id=course.provider_id,
            class_id=pk(course),
            lesson_date=p.lesson_date,
            start_time=p.start_time,
            end_time=p.end_time,
        )
        for p in sorted(wanted - set(have))
    ]
    session.add_all(added)
    session.flush()
    return len(added), removed


def resync_provider(session: Session, provider_id: int) -> None:
    """After a closure changes: bring every class of the provider in step."""
    courses = session.execute(sa.select(CourseClass).where(col(CourseClass.provider_id) == provider_id))
    for course in courses.scalars().all():
        sync_lessons(session, course)


def add_closure(session: Session, provider_id: int, first_day: date, last_day: date, reason: str) -> Closure:
    """Close the provider for a period; generated lessons in it without attendance disappear."""
    if last_day < first_day:
        raise ClassError("last_day", _l("The closure must end on or after its first day."))
    if span_too_long(first_day, last_day):
        raise ClassError("last_day", _l("A closure may last at most %(days)s days (two years).",
                                        days=MAX_SPAN_DAYS))
    closure = Closure(provider_id=provider_id, first_day=first_day, last_day=last_day, reason=reason.strip())
    session.add(closure)
    session.flush()
    resync_provider(session, provider_id)
    return closure


def remove_closure(session: Session, closure: Closure) -> None:
    """Reopen a closed period: its lessons come back."""
    provider_id = closure.provider_id
    session.delete(closure)
    session.flush()
    resync_provider(session, provider_id)


def _has_attendance(session: Session, lesson: Lesson) -> bool:
    stmt = sa.select(col(Attendance.lesson_id)).where(col(Attendance.lesson_id) == lesson.id).limit(1)
    return session.execute(stmt).first() is not None


def move_lesson(session: Session, lesson: Lesson, day: date, start: time, end: time) -> None:
    """Move one lesson; it then counts as set by hand and survives schedule changes."""
    if end <= start:
        raise ClassError("end_time", _l("The lesson must end after it starts."))
    if _has_attendance(session, lesson):
        raise ClassError("lesson_date", _l("This lesson already has attendance; it cannot be moved."))
    note = _l("moved from %(d)s", d=lesson.lesson_date.isoformat())
    lesson.lesson_date, lesson.start_time, lesson.end_time = day, start, end
    lesson.manual, lesson.note = True, str(note)
    session.flush()


def cancel_lesson(session: Session, lesson: Lesson, reason: str) -> None:
    """Cancel a lesson: no attendance is taken and it counts for nobody's hours or rate."""
    if _has_attendance(session, lesson):
        raise ClassError("reason", _l("This lesson already has attendance; it cannot be cancelled."))
    lesson.status, lesson.manual, lesson.note = LessonStatus.CANCELLED, True, reason.strip()[:200]
    session.flush()


def add_lesson(session: Session, course: CourseClass, day: date, start: time, end: time, note: str) -> Lesson:
    """An extra lesson outside the weekly schedule."""
    if end <= start:
        raise ClassError("end_time", _l("The lesson must end after it starts."))
    lesson = Lesson(
        provider_id=course.provider_id,
        class_id=pk(course),
        lesson_date=day,
        start_time=start,
        end_time=end,
        manual=True,
        note=note.strip()[:200],
    )
    session.add(lesson)
    session.flush()
    return lesson


class SignedRegistersTouched(ClassError):
    """The enrolment's period covers lessons whose registers are signed: the admin confirms first."""

    def __init__(self, lessons: list[Lesson]) -> None:
        super().__init__("from_date", _l("This enrolment starts before lessons whose registers are signed."))
        self.lessons = lessons


def signed_lessons_in(
    session: Session, course: CourseClass, from_date: date, to_date: date | None
) -> list[Lesson]:
    """The class's lessons in the period whose registers are signed (and so will not list the learner)."""
    stmt = sa.select(Lesson).where(
        col(Lesson.class_id) == course.id,
        col(Lesson.signed_at).is_not(None),
        col(Lesson.lesson_date) >= from_date,
    )
    if to_date is not None:
        stmt = stmt.where(col(Lesson.lesson_date) <= to_date)
    return list(session.execute(stmt.order_by(col(Lesson.lesson_date), col(Lesson.start_time))).scalars())


def enrol(
    session: Session,
    course: CourseClass,
    learner: Learner,
    from_date: date,
    to_date: date | None = None,
    *,
    signed_confirmed: bool = False,
) -> Enrolment:
    """Put a learner in a class; refuses a second overlapping enrolment and a full class.

    A period that covers signed registers is refused with `SignedRegistersTouched` until the admin
    has seen them (`signed_confirmed`): those registers stay as signed and never list the learner
    (see `attendance.roster`); adding the learner to one is an audited correction with a reason.
    """
    with savepoint(session):  # a refusal takes back the staged enrolment, nothing else of the caller's
        enrolment = stage_enrolment(session, course, learner, from_date, to_date)
        signed = signed_lessons_in(session, course, from_date, to_date)
        if signed and not signed_confirmed:
            raise SignedRegistersTouched(signed)
    return enrolment


def stage_enrolment(
    session: Session, course: CourseClass, learner: Learner, from_date: date, to_date: date | None = None
) -> Enrolment:
    """The enrolment rules, staged and flushed in the caller's transaction (an import enrols many
    learners in one)."""
    if to_date is not None and to_date < from_date:
        raise ClassError("to_date", _l("The enrolment must end on or after it starts."))
    stmt = sa.select(Enrolment).where(col(Enrolment.class_id) == course.id)
    current = session.execute(stmt).scalars().all()
    if any(e.learner_id == learner.id and _overlap(e, from_date, to_date) for e in current):
        raise ClassError("learner_id", _l("This learner is already in this class in that period."))
    if sum(1 for e in current if _overlap(e, from_date, to_date)) >= course.max_size:
        raise ClassError("learner_id", _l("The class is full (%(n)s learners).", n=course.max_size))
    enrolment = Enrolment(
        provider_id=course.provider_id,
        class_id=pk(course),
        learner_id=pk(learner),
        from_date=from_date,
        to_date=to_date,
    )
    session.add(enrolment)
    session.flush()
    return enrolment


def _overlap(e: Enrolment, start: date, end: date | None) -> bool:
    return (e.to_date is None or start <= e.to_date) and (end is None or e.from_date <= end)


def end_enrolment(session: Session, enrolment: Enrolment, last_day: date) -> None:
    """A learner leaves the class after `last_day`; later lessons no longer count for them."""
    if last_day < enrolment.from_date:
        raise ClassError("to_date", _l("The enrolment cannot end before it starts."))
    enrolment.to_date = last_day
    session.flush()
