"""The exam rules, one function each; "Hard:" rules filter options or add rows, "Soft:" rules score.

Every algorithm asks these functions and none re-codes them: the option builder (options.py,
model.py), the LP row builders (lp.py; dive.py solves that model), the greedy and keep passes, the
bounds (pricing.py), the top-up pass and the diagnosis.
Rules the numpy code applies to many days or sessions at once take one value or an array (day
ordinals, seat counts) and answer in kind. check.py re-checks the hard rules on its own, on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, overload

import numpy as np
from numpy.typing import NDArray

from scheduler.common.calendar import is_public_holiday
from scheduler.common.geo import haversine_km
from scheduler.exams.domain import Learner, Location, Problem, Session, Weights

if TYPE_CHECKING:  # model imports this module: the type only
    from scheduler.exams.model import Prepared

DAY_KEY = 10**7  # (class, day) keys as class * DAY_KEY + day ordinal

Ordinals = NDArray[np.int64]  # days as date.toordinal(), for rules applied to many days at once


# -- Hard rules on one learner and one day or location (filters) ---------------------------------


@overload
def within_window(learner: Learner, day: date) -> bool: ...
@overload
def within_window(learner: Learner, day: Ordinals) -> NDArray[np.bool_]: ...


def within_window(learner: Learner, day: date | Ordinals) -> bool | NDArray[np.bool_]:
    """Hard: a component is sat inside [ready date, deadline] (ready = registration + 6 weeks).

    One date, or an array of day ordinals.
    """
    d = day.toordinal() if isinstance(day, date) else day
    return (d >= learner.ready.toordinal()) & (d <= learner.deadline.toordinal())


@overload
def learner_can_come(learner: Learner, day: date) -> bool: ...
@overload
def learner_can_come(learner: Learner, day: Ordinals) -> NDArray[np.bool_]: ...


def learner_can_come(learner: Learner, day: date | Ordinals) -> bool | NDArray[np.bool_]:
    """Hard: not on a date the learner said they cannot come (one date, or day ordinals)."""
    if isinstance(day, date):
        return day not in learner.unavailable
    return ~np.isin(day, np.array([d.toordinal() for d in learner.unavailable], dtype=np.int64))


def location_open(problem: Problem, location: Location, day: date) -> bool:
    """Hard: no exams on a location's closed dates or on Dutch public holidays unless opened."""
    if day in location.closed_dates:
        return False
    return not is_public_holiday(day) or day in problem.open_holidays


def needs_respected(learner: Learner, location: Location) -> bool:
    """Hard: the location offers what the learner needs (accessible building, extra-time room)."""
    return learner.requirements <= location.facilities


def reachable(learner: Learner, location: Location) -> bool:
    """Hard: the location lies within the learner's maximum travel distance."""
    return haversine_km(learner.home, location.point) <= learner.max_travel_km


# -- Hard rules on seats --------------------------------------------------------------------------


@overload
def has_seat(left: int) -> bool: ...
@overload
def has_seat(left: NDArray[np.int64]) -> NDArray[np.bool_]: ...


def has_seat(left: int | NDArray[np.int64]) -> bool | NDArray[np.bool_]:
    """Hard: a session takes one more booking while seats are left (for ONA: examiners free).

    `left` is the session's seats minus its bookings so far (one count, or an array of them).
    """
    return left > 0


def seats_left(problem: Problem, pinned: Sequence[tuple[str, str, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Hard: seats per session, pinned bookings included; Soft: the comfortable seats (`comfort_seats`).

    Per session, the seats and the comfortable seats the optimiser may still fill once the pinned
    bookings (learner, component, session index) sit: the right-hand sides of every seat row.
    """
    used = np.zeros(len(problem.sessions), dtype=np.int64)
    for _, _, s in pinned:
        used[s] += 1
    seats = np.array([s.seats for s in problem.sessions], dtype=np.int64)
    comfort = np.array([comfort_seats(problem.weights, s.seats) for s in problem.sessions],
                       dtype=np.int64)
    return seats - used, comfort - used


# -- Hard rules on a learner's trips (one trip a day) ---------------------------------------------


def trip_room(max_per_day: int, booked: Sequence[bool], interview: bool) -> int:
    """Hard: how many more components of one kind a trip may take.

    A trip holds at most `max_per_day` exam components, or one interview (ONA) alone. `booked`
    flags the trip's components so far, True for an interview; `interview` is the kind to add.
    """
    if interview:
        return 0 if booked else 1
    if any(booked):
        return 0
    return max(0, max_per_day - len(booked))


def day_groups(learner: Learner, problem: Problem, pinned: set[str]) -> list[tuple[str, ...]]:
    """Hard: at most `max_per_day` components per trip, and ONA (an interview) on its own trip.

    The still-needed exam components are cut, in the problem's component order, into groups of
    what one trip may hold (`trip_room`); each group is sat on one trip (one day, one location),
    each trip on its own day. Every interview component forms a group of its own.
    """
    order = [c for c in problem.components if c.id in learner.needs and c.id not in pinned]
    exams = [c.id for c in order if not c.interview]
    size = trip_room(learner.max_per_day, (), interview=False)
    groups = [tuple(exams[i:i + size]) for i in range(0, len(exams), size)]
    return groups + [(c.id,) for c in order if c.interview]


def pinned_day_room(learner: Learner, pinned: list[tuple[str, bool]], group_is_interview: bool,
                    ) -> tuple[str, int] | None:
    """Hard (one trip a day, `trip_room`) on a day with pinned bookings.

    `pinned` lists (location, is interview) of the learner's pinned bookings that day. Returns the
    location where more components may be sat that day and how many, or None when none may.
    """
    locations = {loc for loc, _ in pinned}
    if len(locations) != 1:
        return None
    room = trip_room(learner.max_per_day, [i for _, i in pinned], group_is_interview)
    return (next(iter(locations)), room) if room > 0 else None


def trip_day_keys(prep: Prepared, options: np.ndarray) -> np.ndarray:
    """Hard: one trip a day per learner (same-day components at one location, ONA on its own day).

    The (class, day) key of each option's trip, `class * DAY_KEY + day`, or -1 where the rule
    cannot bind (a class with one group makes one trip). Every algorithm takes its one-trip-a-day
    rows (LP) and its excluded days (greedy, keep) from these keys.
    """
    ci = prep.cg_class[prep.opt_cg[options]]
    return np.where(prep.class_groups[ci] > 1, ci * DAY_KEY + prep.opt_day[options], -1)


def trips_a_day(prep: Prepared, keys: np.ndarray) -> np.ndarray:
    """Hard: one trip a day: the right-hand side of each (class, day) row of `trip_day_keys`.

    A class of n interchangeable learners makes at most n trips on one day.
    """
    return prep.class_sizes[np.asarray(keys, dtype=np.int64) // DAY_KEY]


def fits_the_day(learner: Learner, same_day: list[Session], session: Session,
                 interviews: set[str]) -> bool:
    """Hard: one location a day, what one trip holds (`trip_room`), no overlaps.

    `same_day` are the learner's sessions already booked on `session.day`.
    """
    if any(s.location != session.location for s in same_day):
        return False
    kinds = [s.component in interviews for s in same_day]
    if trip_room(learner.max_per_day, kinds, session.component in interviews) < 1:
        return False
    start = datetime.combine(session.day, session.start)
    end = start + timedelta(minutes=session.minutes)
    for s in same_day:
        other = datetime.combine(s.day, s.start)
        if other < end and start < other + timedelta(minutes=s.minutes):
            return False
    return True


# -- Fees (never hidden) --------------------------------------------------------------------------


def attempt_fee(attempts_used: int, free: int, fee: int) -> tuple[int, int]:
    """Hard (never hidden): the next attempt's number and fee; attempts beyond `free` cost `fee`."""
    attempt = attempts_used + 1
    return attempt, fee if attempt > free else 0


def fee_for(learner: Learner, component: str, free: int, fee: int) -> tuple[int, int]:
    """`attempt_fee` of the learner's next attempt at `component`."""
    return attempt_fee(learner.attempts_used(component), free, fee)


# -- Soft rules (points, maximised) ---------------------------------------------------------------


@overload
def booking_value(weights: Weights, learner: Learner, start: date, day: date) -> int: ...
@overload
def booking_value(weights: Weights, learner: Learner, start: date, day: Ordinals) -> NDArray[np.int64]: ...


def booking_value(weights: Weights, learner: Learner, start: date, day: date | Ordinals,
                  ) -> int | NDArray[np.int64]:
    """Soft: each booked component earns `book` points, plus up to `urgency` for a near deadline,
    minus `wait_per_day` for every day waited after the ready date (one date, or day ordinals)."""
    days_left = (learner.deadline - start).days
    urgency = max(0, weights.urgency_days - days_left) * weights.urgency // weights.urgency_days
    if isinstance(day, date):
        return weights.book + urgency - weights.wait_per_day * max(0, (day - learner.ready).days)
    waited = np.maximum(0, day - learner.ready.toordinal())
    return weights.book + urgency - weights.wait_per_day * waited


def travel_cost(weights: Weights, km: float) -> int:
    """Soft: each trip (a learner's distinct exam day) costs `travel_per_km` per km from home."""
    return weights.travel_per_km * round(km)


def change_cost(weights: Weights) -> int:
    """Soft: moving or dropping an existing (unpinned) booking costs `change` points."""
    return weights.change


def comfort_seats(weights: Weights, seats: int) -> int:
    """Soft: balanced locations: seats beyond `comfort_fill` of a session cost `crowding` each."""
    return int(weights.comfort_fill * seats)


def crowding_cost(weights: Weights, taken: np.ndarray, comfort: np.ndarray) -> np.ndarray:
    """Soft: per session, `crowding` points for every booking beyond its comfortable seats."""
    return weights.crowding * np.maximum(0, taken - comfort)
