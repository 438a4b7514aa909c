"""Re-solves after a few changes: the published plan weighs on every booking, pinned one by one.

A plan for 200 learners is published; about half of its bookings are pinned one by one (not whole
learners); then 1 % of the learners change: one can no longer come on their exam day, one leaves.
The re-solve must keep >= 98 % of the other learners' unpinned bookings, never score below keeping
the published plan minus the now-impossible bookings, and say which bookings moved and why.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from scheduler.exams.check import check
from scheduler.exams.domain import Booking, Problem
from scheduler.exams.generate import generate
from scheduler.exams.solver import solve


def rows(solution):
    return [(b.learner, b.component, b.session) for b in solution.bookings]


@pytest.fixture(scope="module")
def published() -> tuple[Problem, list[tuple[str, str, str]]]:
    base = generate(200, seed=5)
    fresh = replace(base, bookings=())
    return fresh, rows(solve(fresh, time_limit=8, workers=1, seed=1))


@pytest.fixture(scope="module")
def changed(published):
    """The published plan with half its bookings pinned one by one, and two learners changed."""
    fresh, plan = published
    rng = random.Random(4)
    sessions = {s.id: s for s in fresh.sessions}
    learners = sorted({lid for lid, _, _ in plan})
    away, gone = learners[10], learners[20]
    day = next(sessions[sid].day for lid, _, sid in plan if lid == away)
    bookings = tuple(Booking(lid, comp, sid, pinned=rng.random() < 0.5)
                     for lid, comp, sid in plan if lid != gone and not (lid == away and
                                                                        sessions[sid].day == day))
    bookings += tuple(Booking(lid, comp, sid) for lid, comp, sid in plan
                      if lid == away and sessions[sid].day == day)  # now impossible
    learners_now = tuple(replace(x, unavailable=x.unavailable | {day}) if x.id == away else x
                         for x in fresh.learners if x.id != gone)
    problem = replace(fresh, learners=learners_now, bookings=bookings)
    keep = [(lid, comp, sid) for lid, comp, sid in plan
            if lid != gone and not (lid == away and sessions[sid].day == day)]
    errors, keep_value = check(problem, keep)
    assert errors == []
    return problem, keep, keep_value, (away, gone, day)


@pytest.fixture(scope="module")
def resolved(changed):
    return solve(changed[0], time_limit=8, workers=1, seed=1)


def test_the_resolve_is_valid_and_never_scores_below_keeping_the_published_plan(changed, resolved):
    problem, _, keep_value, _ = changed
    errors, value = check(problem, rows(resolved))
    assert errors == [] and value == resolved.objective
    assert resolved.objective >= keep_value


def test_the_resolve_keeps_at_least_98_percent_of_the_other_unpinned_bookings(changed, resolved):
    problem, _, _, (away, _, _) = changed
    others = [(b.learner, b.component, b.session) for b in problem.bookings
              if not b.pinned and b.learner != away]
    now = set(rows(resolved))
    assert sum(1 for r in others if r in now) >= 0.98 * len(others)
    assert len(others) > 100  # the test means something: many unpinned bookings beside pinned ones


def test_every_moved_booking_is_reported_with_its_reason(changed, resolved):
    problem, _, _, (away, _, day) = changed
    now = set(rows(resolved))
    lost = {(b.learner, b.component, b.session) for b in problem.bookings
            if not b.pinned and (b.learner, b.component, b.session) not in now}
    assert {(m.learner, m.component, m.session) for m in resolved.moved} == lost
    impossible = [m for m in resolved.moved if m.learner == away]
    assert impossible and all(m.reason_code.code == "exams.cannot_keep" and
                              m.reason_code.params["rule"] == "exams.learner_unavailable" and
                              "learner cannot come that day" in m.reason for m in impossible)


def test_a_learner_pinned_in_part_keeps_the_rest_of_the_trip(make_problem, make_session,
                                                             make_learner, solve_checked):
    # lezen pinned on Monday, luisteren published unpinned on that trip, a nearer-to-ready day
    # free: the learner stays on Monday (before, a pinned day was closed to the rest of the group)
    from datetime import date

    mon, tue = date(2027, 1, 4), date(2027, 1, 11)
    p = make_problem([make_session("A", mon, "lezen"), make_session("A", mon, "luisteren"),
                      make_session("A", tue, "luisteren")],
                     [make_learner(needs=("lezen", "luisteren"))],
                     (Booking("L1", "lezen", "A-2027-01-04-lezen", pinned=True),
                      Booking("L1", "luisteren", "A-2027-01-04-luisteren")))
    solution = solve_checked(p)
    assert ("L1", "luisteren", "A-2027-01-04-luisteren") in set(rows(solution))
    assert solution.moved == []



def test_any_component_may_join_a_pinned_day_when_room_is_short(make_problem, make_session,
                                                                make_learner, solve_checked):
    # two a day at most, lezen pinned on Monday: one more fits that day. The best valid plan sits
    # schrijven on Monday (only offered then) and luisteren on Tuesday; the bound must allow it
    from datetime import date

    from tests.scheduler.exams.test_bound import best_valid

    mon, tue = date(2027, 1, 4), date(2027, 1, 5)
    p = make_problem([make_session("A", mon, "lezen"), make_session("A", mon, "luisteren"),
                      make_session("A", mon, "schrijven"), make_session("A", tue, "luisteren")],
                     [make_learner(needs=("lezen", "luisteren", "schrijven"), max_per_day=2)],
                     (Booking("L1", "lezen", "A-2027-01-04-lezen", pinned=True),))
    best = best_valid(p)
    solution = solve_checked(p)
    assert solution.objective <= best <= solution.bound
    # the search may miss it (it books luisteren on Monday; nothing then fits schrijven), but the
    # gap it reports is then open and true, never "optimal"
    assert solution.status != "optimal" or solution.objective == best
