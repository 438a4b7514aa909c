"""Build the benchmark provider with Core bulk inserts: 2,000 learners, 120 classes, a year of lessons."""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from provider_portal.classes.schedule import WeeklySlot, lesson_plan
from provider_portal.demo import elfproef_bsn
from provider_portal.models import (
    Attendance,
    ClassSlot,
    ClassTeacher,
    Contract,
    CourseClass,
    Enrolment,
    Learner,
    LearnerExam,
    LearnerLanguage,
    LearnerModule,
    Lesson,
    Provider,
    User,
)
from provider_portal.models.enums import EXAM_COMPONENTS, REQUIRED_MODULES, Route
from provider_portal.models.types import utcnow

LEARNERS, CLASSES, CLASS_SIZE = 2_000, 120, 25
PASSWORD = "bench-password"
ADMIN_EMAIL = "admin@bench.example"
ROUTES = (Route.B1, Route.B1, Route.B1_ENTREE, Route.ONDERWIJS, Route.Z)
LEVELS = ("alfa", "A1", "A2", "B1", "B2")
TIMES = ((time(9), time(12)), (time(13), time(16)), (time(18, 30), time(21, 30)))
STATUSES = ("present",) * 14 + ("late", "left_early", "absent_notice", "absent")


def _insert(conn: sa.Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5_000):
        conn.execute(sa.insert(model.__table__), rows[start : start + 5_000])


def build(engine: sa.Engine, today: date) -> dict[str, Any]:
    """Fill an empty, migrated database; returns the ids the measurements need."""
    rng, now = random.Random(42), utcnow()
    with engine.begin() as conn:
        provider_id = conn.execute(
            sa.insert(Provider.__table__)
            .values(
                name="Bench Taalschool",
                bow_number="BOW-99999",
                keurmerk_status="keurmerk",
                kvk_number="30123456",
                iban="NL91ABNA0417164300",
                created_at=now,
            )
            .returning(Provider.__table__.c.id)
        ).scalar_one()
        admin_id = conn.execute(
            sa.insert(User.__table__)
            .values(
                email=ADMIN_EMAIL,
                name="Bench Admin",
                role="provider_admin",
                active=True,
                created_at=now,
                password_hash=generate_password_hash(PASSWORD, method="scrypt"),
                provider_id=provider_id,
            )
            .returning(User.__table__.c.id)
        ).scalar_one()
        learner_ids = _learners(conn, rng, provider_id, now)
        lessons = _classes(conn, rng, provider_id, admin_id, today, now)
        _enrol_and_attend(conn, rng, provider_id, learner_ids, lessons, today, now)
    return {"provider_id": provider_id, "learner_ids": learner_ids, "lessons": lessons}


def _learners(conn: sa.Connection, rng: random.Random, provider_id: int, now: Any) -> list[int]:
    bsns: set[str] = set()
    while len(bsns) < LEARNERS:
        bsns.add(elfproef_bsn(rng))
    rows = [
        dict(
            provider_id=provider_id,
            bsn=bsn,
            first_name=f"Cursist{i}",
            last_name=f"Achternaam{i:04d}",
            date_of_birth=date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
            migrant_type="asiel",
            route=ROUTES[i % len(ROUTES)],
            municipality="Utrecht",
            postcode="3511AB",
            duo_term_start=date(2025, 1, 1),
            duo_term_end=date(2028, 1, 1),
            loan_amount_cents=1_000_000,
            created_at=now,
            updated_at=now,
        )
        for i, bsn in enumerate(sorted(bsns))
    ]
    _insert(conn, Learner, rows)
    ids = list(
        conn.execute(
            sa.select(Learner.id).where(Learner.provider_id == provider_id).order_by(Learner.id)
        ).scalars()
    )
    routes = {r["bsn"]: r["route"] for r in rows}
    by_id = dict(
        conn.execute(sa.select(Learner.id, Learner.bsn).where(Learner.provider_id == provider_id)).all()
    )
    _insert(conn, LearnerLanguage, [dict(learner_id=i, language="ar") for i in ids])
    _insert(
        conn,
        LearnerModule,
        [
            dict(learner_id=i, module=m, status="required")
            for i in ids
            for m in REQUIRED_MODULES[Route(routes[by_id[i]])]
        ],
    )
    _insert(
        conn,
        LearnerExam,
        [
            dict(learner_id=i, component=c, status="open", attempts=0)
            for i in ids
            for c in EXAM_COMPONENTS[Route(routes[by_id[i]])]
        ],
    )
    _insert(
        conn,
        Contract,
        [
            dict(
                provider_id=provider_id,
                learner_id=i,
                number=f"2026-{n:04d}",
                start_date=date(2025, 1, 1),
                end_date=date(2027, 12, 31),
                purchased_hours=600,
                hourly_rate_cents=1450,
                total_price_cents=870_000,
                status="active",
                created_at=now,
            )
            for n, i in enumerate(ids)
        ],
    )
    return ids


def _classes(
    conn: sa.Connection, rng: random.Random, provider_id: int, admin_id: int, today: date, now: Any
) -> list[dict[str, Any]]:
    first, last = today - timedelta(days=358), today + timedelta(days=7)
    lessons: list[dict[str, Any]] = []
    for n in range(CLASSES):
        class_id = conn.execute(
            sa.insert(CourseClass.__table__)
            .values(
                provider_id=provider_id,
                name=f"Klas {n:03d}",
                level=LEVELS[n % len(LEVELS)],
                location="Utrecht",
                room=f"{n % 9}.0{n % 7}",
                start_date=first,
                end_date=last,
                max_size=CLASS_SIZE,
                created_at=now,
            )
            .returning(CourseClass.__table__.c.id)
        ).scalar_one()
        start, end = TIMES[n % len(TIMES)]
        slots = [WeeklySlot(n % 5, start, end), WeeklySlot((n + 2) % 5, start, end)]
        _insert(
            conn,
            ClassSlot,
            [
                dict(class_id=class_id, weekday=s.weekday, start_time=s.start_time, end_time=s.end_time)
                for s in slots
            ],
        )
        _insert(conn, ClassTeacher, [dict(class_id=class_id, user_id=admin_id)])
        lessons += [
            dict(
                provider_id=provider_id,
                class_id=class_id,
                lesson_date=p.lesson_date,
                start_time=p.start_time,
                end_time=p.end_time,
                status="scheduled",
                manual=False,
                note="",
                version=0,
            )
            for p in lesson_plan(first, last, slots, [])
        ]
    _insert(conn, Lesson, lessons)
    return [
        dict(r._mapping)
        for r in conn.execute(
            sa.select(
                Lesson.id, Lesson.class_id, Lesson.lesson_date, Lesson.start_time, Lesson.end_time
            ).where(Lesson.provider_id == provider_id)
        )
    ]


def _enrol_and_attend(
    conn: sa.Connection,
    rng: random.Random,
    provider_id: int,
    learner_ids: list[int],
    lessons: list[dict[str, Any]],
    today: date,
    now: Any,
) -> None:
    class_ids = sorted({x["class_id"] for x in lessons})
    members = {
        c: [learner_ids[(n * CLASS_SIZE + k) % len(learner_ids)] for k in range(CLASS_SIZE)]
        for n, c in enumerate(class_ids)
    }
    first = min(x["lesson_date"] for x in lessons)
    _insert(
        conn,
        Enrolment,
        [
            dict(provider_id=provider_id, class_id=c, learner_id=lid, from_date=first)
            for c, lids in members.items()
            for lid in lids
        ],
    )
    rows, signed_before = [], today - timedelta(days=120)
    for lesson in lessons:
        if lesson["lesson_date"] >= today:
            continue
        length = (lesson["end_time"].hour * 60 + lesson["end_time"].minute) - (
            lesson["start_time"].hour * 60 + lesson["start_time"].minute
        )
        for lid in members[lesson["class_id"]]:
            status = rng.choice(STATUSES)
            minutes = (
                length if status == "present" else length - 30 if status in ("late", "left_early") else 0
            )
            rows.append(
                dict(
                    lesson_id=lesson["id"],
                    learner_id=lid,
                    status=status,
                    minutes=minutes,
                    remark="",
                    updated_at=now,
                )
            )
    _insert(conn, Attendance, rows)
    past = sa.and_(Lesson.provider_id == provider_id, Lesson.lesson_date < today)
    conn.execute(sa.update(Lesson.__table__).where(past).values(register_taken_at=now))
    conn.execute(
        sa.update(Lesson.__table__)
        .where(past, Lesson.lesson_date < signed_before)
        .values(
            signed_at=now, signed_by_id=sa.select(User.id).where(User.email == ADMIN_EMAIL).scalar_subquery()
        )
    )
