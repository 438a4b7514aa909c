"""What the exam planner's pages read: plain rows, each query through the tenant filter."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import ExamBooking, ExamLocation, ExamSession, Learner


class CalendarDay(NamedTuple):
    """One day of a location's calendar: how many sessions, and their seats together."""

    day: date
    sessions: int
    seats: int


def locations(session: Session) -> list[ExamLocation]:
    """The exam locations, by name."""
    return list(session.execute(sa.select(ExamLocation).order_by(col(ExamLocation.name))).scalars())


def sessions_per_location(session: Session, first: date, last: date) -> dict[int, int]:
    """How many exam sessions each location holds from `first` to `last`."""
    rows = session.execute(
        sa.select(col(ExamSession.location_id), sa.func.count())
        .where(col(ExamSession.day).between(first, last))
        .group_by(col(ExamSession.location_id))
    ).all()
    return {int(location_id): int(count) for location_id, count in rows}


def calendar_days(session: Session, location_id: int, first: date, limit: int = 60) -> list[CalendarDay]:
    """The location's exam days from `first`, the first `limit` of them."""
    rows = session.execute(
        sa.select(col(ExamSession.day), sa.func.count(), sa.func.sum(col(ExamSession.seats)))
        .where(col(ExamSession.location_id) == location_id, col(ExamSession.day) >= first)
        .group_by(col(ExamSession.day))
        .order_by(col(ExamSession.day))
        .limit(limit)
    ).all()
    return [CalendarDay(day, int(count), int(seats or 0)) for day, count, seats in rows]


def roster_rows(session: Session, location_id: int, day: date) -> list[tuple[str, ...]]:
    """The day's bookings at the location as roster cells: time, component, name, municipality,
    attempt, and an empty column for the signature."""
    stmt = (
        sa.select(
            col(ExamSession.start_time),
            col(ExamBooking.component),
            col(Learner.first_name) + " " + col(Learner.last_name),
            col(Learner.municipality),
            col(ExamBooking.attempt),
        )
        .join(ExamBooking, col(ExamBooking.session_id) == col(ExamSession.id))
        .join(Learner, col(Learner.id) == col(ExamBooking.learner_id))
        .where(col(ExamSession.location_id) == location_id, col(ExamSession.day) == day)
        .order_by(col(ExamSession.start_time), col(Learner.last_name))
    )
    return [
        (start.strftime("%H:%M"), component, name, town, str(attempt), "")
        for start, component, name, town, attempt in session.execute(stmt)
    ]


def towns(session: Session, learner_ids: Iterable[int]) -> dict[int, str]:
    """Each learner's municipality."""
    stmt = sa.select(col(Learner.id), col(Learner.municipality)).where(col(Learner.id).in_(list(learner_ids)))
    return {int(i): str(m) for i, m in session.execute(stmt).all()}


def location_names(session: Session) -> dict[str, str]:
    """Every location's name by its code."""
    return {str(code): str(name) for code, name in
            session.execute(sa.select(col(ExamLocation.code), col(ExamLocation.name))).all()}
