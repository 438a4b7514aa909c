"""A location's exam calendar: which components sit when, and with how many seats.

A day at a location holds the four language components and KNM in sequence (so one learner can
sit them all that day) and one ONA interview sitting whose seats are the interview slots all
examiners together offer that day (the solver wants one sitting per component per day).
Public holidays and the location's closed dates get no sessions; generating twice adds nothing twice.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col

from provider_portal.input_guards import MAX_SPAN_DAYS, span_too_long
from provider_portal.models import ExamBooking, ExamLocation, ExamSession
from provider_portal.service_errors import DomainError
from scheduler.common.calendar import is_public_holiday

DAY_PLAN = (
    ("lezen", time(9, 0), 65),
    ("luisteren", time(10, 30), 45),
    ("schrijven", time(11, 30), 60),
    ("spreken", time(13, 30), 35),
    ("KNM", time(14, 30), 45),
)
ONA_START, ONA_MINUTES, INTERVIEWS_PER_EXAMINER = time(9, 0), 30, 5


class CalendarError(DomainError):
    """The calendar change is refused; `field` names the form field."""


def open_days(location: ExamLocation, first: date, last: date, weekdays: set[int]) -> list[date]:
    """The location's exam days: chosen weekdays, no public holidays, no closed dates."""
    closed = {date.fromisoformat(d) for d in location.closed_dates}
    days, day = [], first
    while day <= last:
        if day.weekday() in weekdays and not is_public_holiday(day) and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def plan_calendar(
    session: Session,
    location: ExamLocation,
    first: date,
    last: date,
    weekdays: set[int],
    seats: int,
    examiners: int,
) -> int:
    """Add the sessions of every open day; returns how many were new."""
    if last < first:
        raise CalendarError("last", _l("The period must end on or after its first day."))
    if span_too_long(first, last):
        raise CalendarError("last", _l("An exam calendar may span at most %(days)s days (two years).",
                                       days=MAX_SPAN_DAYS))
    if not weekdays:
        raise CalendarError("weekdays", _l("Choose at least one weekday."))
    existing = set(
        session.execute(
            sa.select(col(ExamSession.day), col(ExamSession.component), col(ExamSession.start_time)).where(
                col(ExamSession.location_id) == location.id, col(ExamSession.day).between(first, last)
            )
        ).all()
    )
    added = 0
    for day in open_days(location, first, last, weekdays):
        wanted = [(c, t, m, seats) for c, t, m in DAY_PLAN]
        if examiners:
            wanted.append(("ONA", ONA_START, ONA_MINUTES, examiners * INTERVIEWS_PER_EXAMINER))
        for component, start, minutes, capacity in wanted:
            if (day, component, start) not in existing:
                session.add(
                    ExamSession(
                        location_id=location.id or 0,
                        day=day,
                        component=component,
                        start_time=start,
                        minutes=minutes,
                        seats=capacity,
                    )
                )
                added += 1
    session.flush()
    return added


def close_day(session: Session, location: ExamLocation, day: date) -> int:
    """Close a location for a day: its sessions without bookings go; returns how many went."""
    location.closed_dates = sorted({*location.closed_dates, day.isoformat()})
    booked = sa.select(col(ExamBooking.session_id))
    removed = session.execute(
        sa.delete(ExamSession).where(
            col(ExamSession.location_id) == location.id, col(ExamSession.day) == day,
            col(ExamSession.id).not_in(booked),
        )
    )
    session.flush()
    return cast("CursorResult[Any]", removed).rowcount
