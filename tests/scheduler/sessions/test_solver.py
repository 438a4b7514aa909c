"""Whole-solver properties on generated instances: valid, better than greedy, bounded, repeatable."""

from __future__ import annotations

import statistics

import pytest

from scheduler.common.progress import CancelToken, Progress
from scheduler.sessions.bound import improve, relaxation
from scheduler.sessions.check import check
from scheduler.sessions.generate import generate
from scheduler.sessions.index import build_index
from scheduler.sessions.solver import greedy, solve


@pytest.fixture(scope="module")
def problem():
    return generate(250, 11)


def test_the_solution_passes_check_and_places_at_least_as_many_as_greedy(problem):
    solution = solve(problem, time_limit=20, workers=1, seed=3)
    report = check(problem, solution.assignments)
    assert report.violations == ()
    assert report.objective == pytest.approx(solution.objective)
    baseline = greedy(problem)
    assert check(problem, baseline.assignments).violations == ()
    assert len(solution.assignments) >= len(baseline.assignments)
    assert solution.objective >= baseline.objective


def test_a_small_instance_is_proven_optimal():
    # The first generator's instance, as before the field kind: proven in 2-3 s when quiet, so 20 s
    # holds under load. (The field instance of the same size is proven in 6-7 s when quiet, too
    # close to the limit at load 10 on 2 cores.)
    problem = generate(250, 11, "synthetic")
    solution = solve(problem, time_limit=20, workers=1, seed=3)
    assert solution.status == "optimal"
    assert solution.bound == pytest.approx(solution.objective, rel=1e-6)


def test_one_worker_and_a_fixed_seed_give_the_same_plan_twice(problem):
    first = solve(problem, time_limit=20, workers=1, seed=5)
    second = solve(problem, time_limit=20, workers=1, seed=5)
    assert first.assignments == second.assignments
    assert first.unplaced == second.unplaced


def test_the_lagrangian_bound_is_never_below_the_optimum(problem):
    optimum = solve(problem, time_limit=20, workers=1, seed=3).objective
    rel = relaxation(build_index(problem))
    assert improve(rel, optimum, seconds=2) >= optimum - 1e-6


def test_every_unplaced_learner_gets_a_reason(problem):
    solution = solve(problem, time_limit=20, workers=1, seed=3)
    assert solution.unplaced
    assert all(u.reasons and u.reasons[0].startswith(u.module) for u in solution.unplaced)


def test_progress_is_reported_and_a_cancelled_solve_still_returns_a_valid_plan():
    problem = generate(1500, 2)
    token, seen = CancelToken(), []

    def on_progress(snapshot: Progress) -> None:
        seen.append(snapshot)
        token.cancel()

    solution = solve(problem, time_limit=60, workers=1, seed=0, progress=on_progress, cancel=token)
    assert seen[0].phase == "greedy" and seen[0].objective is not None
    assert solution.seconds < 30
    assert check(problem, solution.assignments).violations == ()
    assert len(solution.assignments) >= len(greedy(problem).assignments)


def test_the_generator_gives_ten_to_fifteen_reachable_cohorts_per_learner_module():
    idx = build_index(generate(1000, 1))
    reach = statistics.mean(len(arcs) for arcs in idx.lm_arcs)
    assert 9 <= reach <= 15
    assert generate(60, 4) == generate(60, 4)


def test_two_workers_give_a_valid_plan_and_a_bound_above_it(problem):
    solution = solve(problem, time_limit=20, workers=2, seed=3)
    assert check(problem, solution.assignments).violations == ()
    assert solution.bound is not None and solution.bound >= solution.objective - 1e-6


def test_an_unknown_phase_to_skip_is_refused_naming_the_known_ones(problem):
    from scheduler.common.errors import ProblemInputError

    with pytest.raises(ProblemInputError) as err:
        solve(problem, time_limit=5, workers=1, skip=["construct"])  # removed by issue 15
    assert err.value.where == "skip" and "windows" in str(err.value) and "construct" in str(err.value)


def test_the_windows_switched_off_leave_the_start_plan_to_the_fill_pass(problem):
    # the ablation's switch (bench/phases.py): without windows only greedy and the passes remain
    off = solve(problem, time_limit=3, workers=1, seed=3, skip=["windows"])
    base = greedy(problem)
    assert check(problem, off.assignments).violations == ()
    assert off.objective >= base.objective and len(off.assignments) >= len(base.assignments)
    assert off.objective < solve(problem, time_limit=20, workers=1, seed=3).objective
