"""The reported bound holds for every plan `check` accepts, not only for the solver's day groups.

Each tiny instance is brute-forced: every way to book each needed component into one of its
sessions (or not at all) is checked, and the best valid objective is compared with the bound.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import numpy as np
import pytest

from scheduler.common.geo import Point
from scheduler.exams.check import check
from scheduler.exams.domain import Booking, Location, Problem
from scheduler.exams.model import prepare
from scheduler.exams.pricing import lagrangian_bound, true_bound

MON, TUE = date(2027, 1, 4), date(2027, 1, 5)


def best_valid(p: Problem) -> int:
    """The best objective of any plan `check` accepts, by trying every plan."""
    pinned = {(b.learner, b.component): b.session for b in p.bookings if b.pinned}
    choices = []
    for x in p.learners:
        for comp in x.needs:
            if (x.id, comp) in pinned:
                choices.append([(x.id, comp, pinned[(x.id, comp)])])
            else:
                sessions = [s.id for s in p.sessions if s.component == comp]
                choices.append([None] + [(x.id, comp, sid) for sid in sessions])
    best = None
    for plan in itertools.product(*choices):
        errors, value = check(p, [row for row in plan if row is not None])
        if not errors and (best is None or value > best):
            best = value
    assert best is not None
    return best


def test_a_plan_over_two_days_beats_the_old_day_group_bound(make_problem, make_session,
                                                            make_learner, solve_checked):
    # lezen is offered only on Monday, luisteren only on Tuesday: one learner can sit both on two
    # trips (valid), but the day groups put both in one trip, so their bound allows only one
    p = make_problem([make_session("A", MON, "lezen"), make_session("A", TUE, "luisteren")],
                     [make_learner(needs=("lezen", "luisteren"))])
    best = best_valid(p)
    zero = np.zeros(len(p.sessions))
    assert lagrangian_bound(prepare(p), zero, zero)[0] < best  # the old "proven" bound was wrong
    solution = solve_checked(p)
    assert solution.bound is not None and solution.bound >= best
    assert true_bound(prepare(p), zero, zero) >= best


def test_the_top_up_books_the_second_day_the_day_groups_cannot_hold(make_problem, make_session,
                                                                    make_learner, solve_checked):
    # the same learner: only the top-up of the searched plan (the last step outside the day
    # groups since the per-component greedy went, issue 15) books luisteren on its own trip
    p = make_problem([make_session("A", MON, "lezen"), make_session("A", TUE, "luisteren")],
                     [make_learner(needs=("lezen", "luisteren"))])
    solution = solve_checked(p)
    assert len(solution.bookings) == 2 and solution.objective == best_valid(p)
    assert len(solve_checked(p, skip=["topup"]).bookings) == 1


def _random_problem(seed: int, make_problem, make_session, make_learner) -> Problem:
    rng = random.Random(seed)
    comps = ("lezen", "luisteren", "ona")
    days = [MON + timedelta(days=d) for d in range(3)]
    sessions = [make_session(loc, day, comp, seats=rng.randint(1, 2))
                for loc in ("A", "B") for day in days for comp in comps if rng.random() < 0.4]
    learners = [make_learner(f"L{i}", needs=tuple(sorted(rng.sample(comps, rng.randint(1, 2)),
                                                      key=comps.index)),
                             max_per_day=rng.randint(1, 2),
                             unavailable=frozenset(d for d in days if rng.random() < 0.2))
                for i in range(2)]
    bookings: tuple[Booking, ...] = ()
    mine = [s for s in sessions if s.component in learners[0].needs
            and s.day not in learners[0].unavailable]
    if mine and rng.random() < 0.5:
        bookings = (Booking("L0", mine[0].component, mine[0].id, pinned=rng.random() < 0.5),)
    locations = (Location("A", "Amsterdam", Point(52.3889, 4.8380)),
                 Location("B", "Utrecht", Point(52.0907, 5.1214)))
    return make_problem(sessions, learners, bookings, locations=locations)


@pytest.mark.parametrize("seed", range(20))
def test_the_bound_is_never_below_the_best_valid_plan(seed, make_problem, make_session,
                                                      make_learner, solve_checked):
    p = _random_problem(seed, make_problem, make_session, make_learner)
    best = best_valid(p)
    solution = solve_checked(p, time_limit=5)
    assert solution.objective <= best
    assert solution.bound is not None and solution.bound >= best
    assert solution.status != "optimal" or solution.objective == best
