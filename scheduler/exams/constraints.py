"""The exam rules, one function each; "Hard:" rules filter options or add rows, "Soft:" rules score."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from scheduler.common.calendar import is_public_holiday
from scheduler.common.geo import haversine_km
from scheduler.exams.domain import Learner, Location, Problem, Session, Weights

if TYPE_CHECKING:  # model imports this module: the type only
    from scheduler.exams.model import Prepared

DAY_KEY = 10**7  # (class, day) keys as class * DAY_KEY + day ordinal


def within_window(learner: Learner, day: date) -> bool:
    """Hard: a component is sat inside [ready date, deadline] (ready = registration + 6 weeks)."""
    return learner.ready <= day <= learner.deadline


def location_open(problem: Problem, location: Location, day: date) -> bool:
    """Hard: no exams on a location's closed dates or on Dutch public holidays unless opened."""
    if day in location.closed_dates:
        return False
    return not is_public_holiday(day) or day in problem.open_holidays


def learner_can_come(learner: Learner, day: date) -> bool:
    """Hard: not on a date the learner said they cannot come."""
    return day not in learner.unavailable


def pinned_day_room(learner: Learner, pinned: list[tuple[str, bool]], group_is_interview: bool,
                    ) -> tuple[str, int] | None:
    """Hard (one trip a day, at most `max_per_day`, interviews alone) on a day with pinned bookings.

    `pinned` lists (location, is interview) of the learner's pinned bookings that day. Returns the
    location where more components may be sat that day and how many, or None when none may.
    """
    locations = {loc for loc, _ in pinned}
    if group_is_interview or any(i for _, i in pinned) or len(locations) != 1:
        return None
    room = learner.max_per_day - len(pinned)
    return (next(iter(locations)), room) if room > 0 else None


def trip_day_keys(prep: Prepared, options: np.ndarray) -> np.ndarray:
    """Hard: one trip a day per learner (same-day components at one location, ONA on its own day).

    The (class, day) key of each option's trip, `class * DAY_KEY + day`, or -1 where the rule
    cannot bind (a class with one group makes one trip). Every algorithm takes its one-trip-a-day
    rows (LP, CP-SAT) and its excluded days (greedy) from these keys.
    """
    ci = prep.cg_class[prep.opt_cg[options]]
    return np.where(prep.class_groups[ci] > 1, ci * DAY_KEY + prep.opt_day[options], -1)


def needs_respected(learner: Learner, location: Location) -> bool:
    """Hard: the location offers what the learner needs (accessible building, extra-time room)."""
    return learner.requirements <= location.facilities


def reachable(learner: Learner, location: Location) -> bool:
    """Hard: the location lies within the learner's maximum travel distance."""
    return haversine_km(learner.home, location.point) <= learner.max_travel_km


def day_groups(learner: Learner, problem: Problem, pinned: set[str]) -> list[tuple[str, ...]]:
    """Hard: at most `max_per_day` components per trip, and ONA (an interview) on its own trip.

    The still-needed exam components are cut, in the problem's component order, into groups of at
    most `max_per_day`; each group is sat on one trip (one day, one location), each trip on its own
    day. Every interview component forms a group of its own, so it gets its own appointment.
    """
    order = [c for c in problem.components if c.id in learner.needs and c.id not in pinned]
    exams = [c.id for c in order if not c.interview]
    size = learner.max_per_day
    groups = [tuple(exams[i:i + size]) for i in range(0, len(exams), size)]
    return groups + [(c.id,) for c in order if c.interview]


def session_usable(session: Session, component: str) -> bool:
    """Hard: a learner books a session of the very component needed, and only if it has seats."""
    return session.component == component and session.seats > 0


def booking_value(weights: Weights, learner: Learner, start: date, day: date) -> int:
    """Soft: each booked component earns `book` points, plus up to `urgency` for a near deadline,
    minus `wait_per_day` for every day waited after the ready date."""
    days_left = (learner.deadline - start).days
    urgency = max(0, weights.urgency_days - days_left) * weights.urgency // weights.urgency_days
    return weights.book + urgency - weights.wait_per_day * max(0, (day - learner.ready).days)


def travel_cost(weights: Weights, km: float) -> int:
    """Soft: each trip (a learner's distinct exam day) costs `travel_per_km` per km from home."""
    return weights.travel_per_km * round(km)


def change_cost(weights: Weights) -> int:
    """Soft: moving or dropping an existing (unpinned) booking costs `change` points."""
    return weights.change


def comfort_seats(weights: Weights, seats: int) -> int:
    """Soft: balanced locations: seats beyond `comfort_fill` of a session cost `crowding` each."""
    return int(weights.comfort_fill * seats)


def fee_for(learner: Learner, component: str, free: int, fee: int) -> tuple[int, int]:
    """Hard (never hidden): the attempt number and its fee; attempts beyond `free` cost `fee`."""
    attempt = learner.attempts_used(component) + 1
    return attempt, fee if attempt > free else 0


def fits_the_day(learner: Learner, same_day: list[Session], session: Session,
                 interviews: set[str]) -> bool:
    """Hard: one location a day, at most `max_per_day` exams, an interview alone, no overlaps.

    `same_day` are the learner's sessions already booked on `session.day`.
    """
    if not same_day:
        return True
    if session.component in interviews or any(s.component in interviews for s in same_day):
        return False
    if any(s.location != session.location for s in same_day) or len(same_day) >= learner.max_per_day:
        return False
    start = datetime.combine(session.day, session.start)
    end = start + timedelta(minutes=session.minutes)
    for s in same_day:
        other = datetime.combine(s.day, s.start)
        if other < end and start < other + timedelta(minutes=s.minutes):
            return False
    return True
