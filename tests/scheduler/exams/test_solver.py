"""The optimiser on generated instances: checked, deterministic, never below greedy, explained."""

from __future__ import annotations

import pytest

from scheduler.common.progress import CancelToken
from scheduler.exams.assign import booked_count
from scheduler.exams.check import check
from scheduler.exams.generate import exam_days, generate
from scheduler.exams.greedy import greedy
from scheduler.exams.model import prepare
from scheduler.exams.solver import solve


@pytest.fixture(scope="module")
def instance():
    return generate(30, seed=11)


@pytest.fixture(scope="module")
def solved(instance):
    return solve(instance, time_limit=15, workers=1, seed=3)


def rows(solution):
    return [(b.learner, b.component, b.session) for b in solution.bookings]


def test_a_generated_instance_spans_five_locations_and_about_sixty_exam_days(instance):
    assert len(instance.locations) == 5
    assert 58 <= len(exam_days(instance.start, instance.end)) <= 64
    assert {s.day for s in instance.sessions} == set(exam_days(instance.start, instance.end))


def test_the_solution_passes_the_independent_check_with_the_same_objective(instance, solved):
    errors, value = check(instance, rows(solved))
    assert errors == [] and value == solved.objective


def test_the_bound_is_never_below_the_objective(solved):
    assert solved.bound is not None and solved.bound >= solved.objective


def test_the_optimiser_books_at_least_as_many_components_as_greedy(instance, solved):
    prep = prepare(instance)
    base = greedy(prep)
    assert len(solved.bookings) >= booked_count(base) + len(prep.pinned)


def test_one_worker_and_a_seed_give_the_same_bookings(instance, solved):
    again = solve(instance, time_limit=15, workers=1, seed=3)
    assert rows(again) == rows(solved) and again.objective == solved.objective


def test_every_unbooked_component_has_a_reason(instance, solved):
    booked = {(b.learner, b.component) for b in solved.bookings}
    missing = {(x.id, c) for x in instance.learners for c in x.needs} - booked
    assert {(u.learner, u.component) for u in solved.unbooked} == missing
    assert all(u.reasons for u in solved.unbooked)


def test_progress_is_reported_with_objective_and_bound(instance):
    seen = []
    solve(instance, time_limit=5, workers=1, seed=1, progress=seen.append)
    assert seen and seen[0].phase == "greedy"
    assert any(p.bound is not None for p in seen)


def test_a_cancelled_run_stops_with_the_greedy_plan(instance):
    token = CancelToken()
    token.cancel()
    solution = solve(instance, time_limit=60, workers=1, seed=1, cancel=token)
    assert solution.seconds < 10 and solution.status in ("cancelled", "optimal")
    assert check(instance, rows(solution))[0] == []


def test_an_unknown_phase_to_skip_is_refused_naming_the_known_ones(instance):
    from scheduler.common.errors import ProblemInputError

    with pytest.raises(ProblemInputError) as err:
        solve(instance, time_limit=5, workers=1, skip=["cpsat"])  # removed by issue 15
    assert err.value.where == "skip" and "dive" in str(err.value) and "cpsat" in str(err.value)


def test_without_column_generation_only_greedy_and_the_top_up_remain(instance, solved):
    off = solve(instance, time_limit=5, workers=1, seed=3, skip=["colgen"])
    assert check(instance, rows(off))[0] == []
    prep = prepare(instance)
    assert len(off.bookings) >= booked_count(greedy(prep)) + len(prep.pinned)
    assert off.objective <= solved.objective
