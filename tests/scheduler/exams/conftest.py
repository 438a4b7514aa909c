"""Factories for tiny exam problems, and a solve helper that always runs the independent check."""

from __future__ import annotations

from datetime import date, time

import pytest

from scheduler.common.geo import Point
from scheduler.exams.check import check
from scheduler.exams.domain import (
    DEFAULT_COMPONENTS,
    Booking,
    Learner,
    Location,
    Problem,
    Session,
    Solution,
    Weights,
)
from scheduler.exams.solver import solve
from scheduler.exams.validate import validate_problem

AMSTERDAM, ZWOLLE = Point(52.3889, 4.8380), Point(52.5168, 6.0830)
HOME = Point(52.3676, 4.9041)  # Amsterdam centre: ~5 km from A, ~85 km from Z
MON, TUE, WED = date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 6)
STARTS = {"lezen": time(9), "luisteren": time(10, 30), "schrijven": time(11, 30),
          "spreken": time(13, 15), "knm": time(14, 15), "ona": time(15, 30)}


def session(loc: str, day: date, comp: str, seats: int = 5) -> Session:
    """A session with the standard start time of its component."""
    minutes = next(c.minutes for c in DEFAULT_COMPONENTS if c.id == comp)
    return Session(f"{loc}-{day.isoformat()}-{comp}", loc, day, comp, STARTS[comp], minutes, seats)


def learner(lid: str = "L1", needs: tuple[str, ...] = ("lezen",), **kw) -> Learner:
    """A learner living in Amsterdam, ready on 4 January 2027, deadline far away."""
    base = dict(ready=MON, deadline=date(2028, 1, 1), home=HOME)
    return Learner(lid, needs, **{**base, **kw})


def problem(sessions: list[Session], learners: list[Learner], bookings: tuple[Booking, ...] = (),
            weights: Weights | None = None, **kw) -> Problem:
    """Locations A (Amsterdam, all facilities) and Z (Zwolle, none) in Q1 2027."""
    locations = kw.pop("locations", (Location("A", "Amsterdam", AMSTERDAM),
                                      Location("Z", "Zwolle", ZWOLLE, frozenset())))
    p = Problem(start=date(2027, 1, 1), end=date(2027, 6, 30), components=DEFAULT_COMPONENTS,
                locations=locations, sessions=tuple(sessions), learners=tuple(learners),
                bookings=bookings, weights=weights or Weights(), **kw)
    validate_problem(p)
    return p


def checked(p: Problem, **kw) -> Solution:
    """Solve with one worker and a seed, and insist the independent check passes."""
    solution = solve(p, time_limit=kw.pop("time_limit", 10), workers=kw.pop("workers", 1),
                     seed=kw.pop("seed", 7), **kw)
    errors, value = check(p, [(b.learner, b.component, b.session) for b in solution.bookings])
    assert errors == []
    assert value == solution.objective
    return solution


def booked(solution: Solution) -> set[tuple[str, str, str]]:
    """(learner, component, session) of every booking."""
    return {(b.learner, b.component, b.session) for b in solution.bookings}


@pytest.fixture(name="make_session")
def _make_session():
    """Factory: a session with its component's standard start time."""
    return session


@pytest.fixture(name="make_learner")
def _make_learner():
    """Factory: a learner at home in Amsterdam."""
    return learner


@pytest.fixture(name="make_problem")
def _make_problem():
    """Factory: a validated problem over locations A and Z."""
    return problem


@pytest.fixture(name="solve_checked")
def _solve_checked():
    """Solve deterministically and insist the independent check passes."""
    return checked
