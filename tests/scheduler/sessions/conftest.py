"""Factories for tiny sessions problems: each test states only what it is about."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from scheduler.common.calendar import WEEKDAYS, DayPart, Interval
from scheduler.common.geo import Point
from scheduler.sessions.check import check
from scheduler.sessions.domain import (
    Assignment,
    Cohort,
    Learner,
    Module,
    Problem,
    Solution,
    Status,
    Trainer,
    Weights,
)
from scheduler.sessions.solver import solve

PLAN = date(2027, 1, 4)  # a Monday
UTRECHT = Point(52.091, 5.122)
ALL_SLOTS = frozenset((d, p) for d in WEEKDAYS[:5] for p in DayPart)


def weekly(first: date, count: int = 2, hour: int = 9, hours: int = 2) -> tuple[Interval, ...]:
    """`count` weekly meetings from `first` at `hour`."""
    start = datetime.combine(first, datetime.min.time()).replace(hour=hour)
    return tuple(Interval(start + timedelta(weeks=k), start + timedelta(weeks=k, hours=hours))
                 for k in range(count))


def make_learner(ident: str = "L1", **changes: Any) -> Learner:
    """A B1-route learner in Utrecht who needs KNM only, speaks Arabic, and is always free."""
    base = Learner(id=ident, route="b1",
                   statuses={"KNM": Status.REQUIRED, "PVT": Status.DONE, "MAP": Status.EXEMPT},
                   languages=("Arabic",), home=UTRECHT, max_travel_km=25.0,
                   availability=ALL_SLOTS, preferred=frozenset(), busy=(),
                   earliest_start=PLAN, deadlines={})
    return dataclasses.replace(base, **changes)


def make_cohort(ident: str = "C1", **changes: Any) -> Cohort:
    """A KNM cohort in Utrecht, in Arabic, two Monday mornings from 11 January, 1 to 2 places."""
    base = Cohort(id=ident, module="KNM", location="Utrecht", point=UTRECHT, language="Arabic",
                  trainer="T1", meetings=weekly(date(2027, 1, 11)), min_size=1, max_size=2,
                  cost=100.0)
    return dataclasses.replace(base, **changes)


def make_problem(learners: list[Learner], cohorts: list[Cohort],
                 existing: tuple[Assignment, ...] = (), **weights: Any) -> Problem:
    """A problem with the standard modules and one trainer per trainer id used."""
    routes = frozenset({"b1", "entree", "onderwijs", "z"})
    modules = (Module("KNM", routes), Module("PVT", routes), Module("MAP", frozenset({"b1", "z"})))
    trainers = tuple(Trainer(t, t) for t in sorted({c.trainer for c in cohorts}))
    return Problem(plan_date=PLAN, modules=modules, cohorts=tuple(cohorts),
                   learners=tuple(learners), trainers=trainers, existing=existing,
                   weights=Weights(**weights))


def placed_in(solution: Solution) -> dict[tuple[str, str], str]:
    """(learner, module) -> cohort id."""
    return {(a.learner, a.module): a.cohort for a in solution.assignments}


@pytest.fixture
def solved() -> Callable[[Problem], Solution]:
    """Solve a tiny problem and insist the independent checker accepts the result."""

    def run(problem: Problem) -> Solution:
        solution = solve(problem, time_limit=10, workers=1, seed=1)
        report = check(problem, solution.assignments)
        assert report.violations == ()
        assert report.objective == pytest.approx(solution.objective)
        return solution

    return run


@pytest.fixture
def make() -> Any:
    """The factories, as pytest cannot import conftest helpers under --import-mode=importlib."""
    import types

    return types.SimpleNamespace(learner=make_learner, cohort=make_cohort, problem=make_problem,
                                 weekly=weekly, placed=placed_in, plan=PLAN)
