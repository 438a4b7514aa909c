"""The aggregation and the bound behind the solver: exact classes, valid bounds at any price."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import numpy as np

from scheduler.exams.assign import _edge_colouring
from scheduler.exams.check import check
from scheduler.exams.generate import generate
from scheduler.exams.model import prepare
from scheduler.exams.pricing import lagrangian_bound, subgradient, true_bound
from scheduler.exams.solver import solve


def test_interchangeable_learners_share_one_class(make_problem, make_session, make_learner):
    p = make_problem([make_session("A", date(2027, 1, 4), "lezen")],
                     [make_learner(f"L{i}") for i in range(5)])
    assert [len(c.members) for c in prepare(p).classes] == [5]


def test_a_learner_with_an_existing_booking_stays_alone():
    p = generate(200, seed=2)
    prep = prepare(p)
    booked = {b.learner for b in p.bookings if not b.pinned}
    assert all(len(prep.classes[prep.class_of[x]].members) == 1 for x in booked)


def test_class_trips_split_into_learners_with_one_trip_per_group_and_day():
    rng = random.Random(3)
    n, edges = 6, []
    group_load, day_load = Counter(), Counter()
    while len(edges) < 15:
        g, d = rng.randrange(3), rng.randrange(8)
        if group_load[g] < n and day_load[d] < n:
            edges.append((g, d))
            group_load[g] += 1
            day_load[d] += 1
    colours = _edge_colouring(n, edges)
    per_learner = Counter((c, "g", g) for c, (g, _) in zip(colours, edges, strict=True))
    per_learner += Counter((c, "d", d) for c, (_, d) in zip(colours, edges, strict=True))
    assert max(per_learner.values()) == 1 and max(colours) < n


def test_the_reported_bound_holds_at_random_prices():
    p = generate(25, seed=9)
    solution = solve(p, time_limit=15, workers=1, seed=1)
    rows = [(b.learner, b.component, b.session) for b in solution.bookings]
    assert check(p, rows) == ([], solution.objective)
    prep = prepare(p)
    rng = np.random.default_rng(0)
    for _ in range(5):
        lam = rng.uniform(0, 800, len(prep.cap))
        rho = rng.uniform(0, p.weights.crowding, len(prep.cap))
        assert true_bound(prep, lam, rho) >= solution.objective  # the day-group bound need not


def test_subgradient_polish_never_returns_a_worse_bound_than_its_start():
    prep = prepare(generate(120, seed=4))
    zero = np.zeros(len(prep.cap))
    start = lagrangian_bound(prep, zero, zero)[0]
    polished = subgradient(prep, zero, zero, 0.95 * start, lambda: 1.0, steps=20)[0]
    assert polished <= start


def test_the_true_bound_is_at_least_the_day_group_bound_and_any_plan_at_random_prices():
    # every day-group plan of a learner is one of the plans the true bound's programme considers
    p = generate(60, seed=8)
    prep = prepare(p)
    solution = solve(p, time_limit=5, workers=1, seed=1)
    rng = np.random.default_rng(2)
    for _ in range(5):
        lam = rng.uniform(0, 800, len(prep.cap))
        rho = rng.uniform(0, p.weights.crowding, len(prep.cap))
        true = true_bound(prep, lam, rho)
        assert true >= lagrangian_bound(prep, lam, rho)[0] - 1e-6
        assert true >= solution.objective
