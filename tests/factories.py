"""Builders for test data: each takes a session and keyword overrides, and commits.

Defaults are valid and unique per call, so a test states only what matters to it.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from provider_portal.classes.schedule import WeeklySlot
from provider_portal.classes.service import ClassData, enrol, save_class
from provider_portal.demo import elfproef_bsn
from provider_portal.learners.service import LearnerData, save_learner
from provider_portal.models import (
    Contract,
    CourseClass,
    Enrolment,
    ExamLocation,
    ExamReadiness,
    Learner,
    LearnerExam,
    Lesson,
    PlannerMunicipality,
    Provider,
    User,
)
from provider_portal.models.enums import Role

PASSWORD = "correct horse battery"
PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")  # hashing once keeps tests fast
_counter = itertools.count(1)
_rng = random.Random(7)


def count_rows(session: Session, model: type, **where: Any) -> int:
    """How many rows of `model` the database holds (with `where`: whose columns have these values),
    read afresh (the session's cached objects expired first)."""
    session.expire_all()
    stmt = sa.select(sa.func.count()).select_from(model).where(
        *(getattr(model, name) == value for name, value in where.items()))
    return session.execute(stmt).scalar_one()


def make_provider(session: Session, **over: Any) -> Provider:
    n = next(_counter)
    fields: dict[str, Any] = dict(
        name=f"Taalschool {n}",
        bow_number=f"BOW-{n:05d}",
        kvk_number="30123456",
        iban="NL91ABNA0417164300",
        vat_id="NL002455799B11",
        street="Oudegracht 1",
        postcode="3511AB",
        city="Utrecht",
    )
    provider = Provider(**(fields | over))
    session.add(provider)
    session.commit()
    return provider


def make_user(
    session: Session,
    provider: Provider | None,
    role: str = Role.PROVIDER_ADMIN,
    municipalities: tuple[str, ...] = (),
    **over: Any,
) -> User:
    n = next(_counter)
    user = User(
        email=f"user{n}@example.nl",
        name=f"User {n}",
        role=role,
        password_hash=PASSWORD_HASH,
        provider_id=provider.id if provider else None,
    )
    for key, value in over.items():
        setattr(user, key, value)
    session.add(user)
    session.flush()
    session.add_all(PlannerMunicipality(user_id=user.id, municipality=m) for m in municipalities)
    session.commit()
    return user


def learner_data(**over: Any) -> LearnerData:
    fields: dict[str, Any] = dict(
        bsn=elfproef_bsn(_rng),
        first_name="Amina",
        last_name=f"Haddad {next(_counter)}",
        date_of_birth=date(1990, 5, 17),
        migrant_type="asiel",
        route="B1",
        municipality="Utrecht",
        postcode="3511AB",
        languages=("ar",),
        duo_term_start=date(2025, 3, 1),
        duo_term_end=None,
        duo_term_extended_until=None,
        loan_amount=Decimal("10000.00"),
    )
    return LearnerData(**(fields | over))


def make_learner(session: Session, provider: Provider, **over: Any) -> Learner:
    learner = Learner(provider_id=provider.id)  # type: ignore[call-arg]
    learner = save_learner(session, learner_data(**over), learner)
    session.commit()
    return learner


def make_ready(session: Session, learner: Learner, on: date, components: tuple[str, ...] | None = None,
               level: str = "B1") -> None:
    """Declare the learner exam-ready on `on` for these components (default: every open one)."""
    rows = session.execute(sa.select(LearnerExam).where(LearnerExam.learner_id == learner.id)).scalars().all()
    for row in rows:
        if (components is None and row.status == "open") or (components and row.component in components):
            session.add(ExamReadiness(learner_id=learner.id, component=row.component, ready_on=on,
                                      level=level))
    session.commit()


def make_exam_location(session: Session, **over: Any) -> ExamLocation:
    """DUO's exam location in Amsterdam, with both facilities (no street address unless given)."""
    fields: dict[str, Any] = dict(code="amsterdam", name="DUO Amsterdam", lat=52.3889, lon=4.8380,
                                  facilities=["accessible", "extra_time"])
    place = ExamLocation(**(fields | over))
    session.add(place)
    session.commit()
    return place


def make_contract(session: Session, learner: Learner, **over: Any) -> Contract:
    n = next(_counter)
    fields: dict[str, Any] = dict(
        provider_id=learner.provider_id,
        learner_id=learner.id,
        number=f"C-{n}",
        start_date=date(2025, 4, 1),
        end_date=date(2026, 12, 31),
        purchased_hours=600,
        hourly_rate_cents=1450,
        total_price_cents=870000,
    )
    contract = Contract(**(fields | over))
    session.add(contract)
    session.commit()
    return contract


def make_class(
    session: Session, provider: Provider, teachers: tuple[User, ...] = (), **over: Any
) -> CourseClass:
    """A class on Mondays and Wednesdays 09:00-12:00 (lessons generated by the real service)."""
    n = next(_counter)
    fields: dict[str, Any] = dict(
        name=f"NT2 groep {n}",
        level="A2",
        location="Oudegracht 1, Utrecht",
        room="1.02",
        start_date=date(2026, 1, 5),
        end_date=date(2026, 3, 27),
        max_size=16,
        teacher_ids=tuple(t.id for t in teachers),
        slots=(WeeklySlot(0, time(9), time(12)), WeeklySlot(2, time(9), time(12))),
    )
    course = CourseClass(provider_id=provider.id)  # type: ignore[call-arg]
    save_class(session, ClassData(**(fields | over)), course)
    session.commit()  # the service leaves the commit to its caller
    return course


def lesson_on(session: Session, course: CourseClass, day: date) -> Lesson:
    """The class's lesson on `day` (the class's schedule generated it)."""
    stmt = sa.select(Lesson).where(Lesson.class_id == course.id, Lesson.lesson_date == day)
    return session.execute(stmt).scalar_one()


def make_enrolment(session: Session, course: CourseClass, learner: Learner, **over: Any) -> Enrolment:
    enrolment = enrol(
        session, course, learner, over.pop("from_date", course.start_date), over.pop("to_date", None)
    )
    session.commit()
    return enrolment
