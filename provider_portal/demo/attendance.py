"""Demo classes with 12 weeks of register history, so every attendance screen has something real.

Each learner gets a personal reliability, so a handful fall under the 80 % alert; the newest
registers are left unsigned or untaken, as they would be on a Monday morning.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.classes.schedule import WeeklySlot
from provider_portal.classes.service import ClassData, save_class
from provider_portal.clock import AMSTERDAM
from provider_portal.models import Attendance, AttendanceChange, CourseClass, Enrolment, Learner, Lesson, User
from provider_portal.models.enums import AttendanceStatus, Role
from provider_portal.models.keys import pk
from provider_portal.users.service import build_user

CLASSES_PER_PROVIDER = 8
CLASS_SIZE = 15
HISTORY_WEEKS = 12
LEARNER_LOGINS_PER_PROVIDER = 3
SCHEDULES = (
    ((0, time(9), time(12)), (2, time(9), time(12))),
    ((1, time(13), time(16)), (3, time(13), time(16))),
    ((0, time(18, 30), time(21)), (3, time(18, 30), time(21))),
    ((1, time(9), time(12)), (4, time(9), time(12))),
)
LEVELS = ("alfa", "A1", "A2", "A2", "B1", "B1", "A1", "B2")
ONA_CLASS = 5  # one B1 class per provider is an ONA class, so the DUO file shows ONA hours


def seed_attendance(
    session: Session, rng: random.Random, provider_id: int, domain: str, city: str, today: date, password: str
) -> list[tuple[str, str]]:
    """Classes, enrolments, lessons and register history for one provider; returns learner logins."""
    staff = session.execute(
        sa.select(User).where(
            col(User.provider_id) == provider_id, col(User.role).in_([Role.TEACHER, Role.PROVIDER_ADMIN])
        )
    ).scalars()
    teacher = next(u for u in staff if u.role == Role.TEACHER)
    learners = list(
        session.execute(sa.select(Learner).where(col(Learner.provider_id) == provider_id)
                        .order_by(col(Learner.id)))
        .scalars()
    )
    start = today - timedelta(weeks=HISTORY_WEEKS, days=today.weekday())
    for number in range(CLASSES_PER_PROVIDER):
        slots = tuple(WeeklySlot(*s) for s in SCHEDULES[number % len(SCHEDULES)])
        data = ClassData(
            name=f"{LEVELS[number]} {city} {number + 1}",
            level=LEVELS[number],
            location=f"Leslocatie {city}",
            room=f"{number // 4 + 1}.0{number % 4 + 1}",
            start_date=start,
            end_date=start + timedelta(weeks=30),
            max_size=CLASS_SIZE + 1,
            teacher_ids=(teacher.id,),
            slots=slots,
            ona=number == ONA_CLASS,
        )
        course = save_class(session, data, CourseClass(provider_id=provider_id))  # type: ignore[call-arg]
        group = learners[number * CLASS_SIZE : (number + 1) * CLASS_SIZE]
        _enrol_and_attend(session, rng, course, group, teacher, today)
    return _learner_logins(session, learners[:LEARNER_LOGINS_PER_PROVIDER], domain, password)


def _enrol_and_attend(
    session: Session,
    rng: random.Random,
    course: CourseClass,
    group: list[Learner],
    teacher: User,
    today: date,
) -> None:
    joined: dict[int, date] = {}
    for learner in group:
        late_start = rng.random() < 0.15
        joined[pk(learner)] = course.start_date + timedelta(weeks=rng.randint(2, 6) if late_start else 0)
        session.add(
            Enrolment(
                provider_id=course.provider_id,
                class_id=pk(course),
                learner_id=pk(learner),
                from_date=joined[pk(learner)],
            )
        )
    reliability = {pk(x): rng.choice([0.97, 0.93, 0.9, 0.85, 0.6]) for x in group}
    lessons = (
        session.execute(
            sa.select(Lesson)
            .where(col(Lesson.class_id) == course.id, col(Lesson.lesson_date) < today)
            .order_by(col(Lesson.lesson_date))
        )
        .scalars()
        .all()
    )
    for index, lesson in enumerate(lessons):
        if index == len(lessons) - 1 and rng.random() < 0.5:
            continue  # the newest register not taken yet
        present = [x for x in group if joined[pk(x)] <= lesson.lesson_date]
        _take_register(session, rng, lesson, present, reliability, teacher)
        if index < len(lessons) - 2 or rng.random() < 0.3:
            lesson.signed_at, lesson.signed_by_id = lesson.register_taken_at, teacher.id


def _take_register(
    session: Session,
    rng: random.Random,
    lesson: Lesson,
    group: list[Learner],
    reliability: dict[int, float],
    teacher: User,
) -> None:
    taken = datetime.combine(lesson.lesson_date, lesson.end_time, tzinfo=AMSTERDAM)
    lesson.register_taken_at, lesson.version = taken, 1
    for learner in group:
        status, minutes = _draw(rng, reliability[pk(learner)], lesson.minutes)
        session.add(
            Attendance(
                learner_id=pk(learner),
                lesson_id=pk(lesson),
                status=status,
                minutes=minutes,
                updated_at=taken,
                updated_by_id=teacher.id,
                confirmed_at=taken - timedelta(minutes=lesson.minutes - 5)
                if minutes and rng.random() < 0.8
                else None,
            )
        )
        session.add(
            AttendanceChange(
                lesson_id=pk(lesson),
                learner_id=pk(learner),
                changed_by_id=teacher.id,
                changed_at=taken,
                old=None,
                new={"status": status, "minutes": minutes, "remark": ""},
            )
        )


def _draw(rng: random.Random, reliability: float, length: int) -> tuple[str, int]:
    roll = rng.random()
    if roll < reliability * 0.88:
        return AttendanceStatus.PRESENT, length
    if roll < reliability * 0.95:
        return AttendanceStatus.LATE, length - rng.choice([10, 15, 20, 30])
    if roll < reliability:
        return AttendanceStatus.LEFT_EARLY, length - rng.choice([30, 45, 60])
    if rng.random() < 0.6:
        return AttendanceStatus.ABSENT_NOTICE, 0
    return AttendanceStatus.ABSENT, 0


def _learner_logins(
    session: Session, learners: list[Learner], domain: str, password: str
) -> list[tuple[str, str]]:
    logins = []
    for number, learner in enumerate(learners, start=1):
        email = f"cursist{number}@{domain}"
        session.add(
            build_user(
                email=email,
                name=learner.full_name,
                role=Role.LEARNER,
                password=password,
                provider_id=learner.provider_id,
                learner_id=learner.id,
            )
        )
        logins.append((email, Role.LEARNER.value))
    return logins
