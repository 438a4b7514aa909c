"""Issue 18.5 on tiny instances: free seats filled, honest "too few learners", holidays, the bound."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from datetime import date

from scheduler.common.calendar import DayPart
from scheduler.common.geo import Point
from scheduler.sessions import bound_worker
from scheduler.sessions.bound import relaxation
from scheduler.sessions.check import check
from scheduler.sessions.diagnosis import diagnose
from scheduler.sessions.generate import generate
from scheduler.sessions.index import build_index
from scheduler.sessions.plan import Plan
from scheduler.sessions.polish import fill_running, open_closed
from scheduler.sessions.solver import greedy, solve

CENTRE, EAST, WEST = Point(52.091, 5.122), Point(52.091, 5.225), Point(52.091, 5.048)  # ~7 and ~5 km


def _arc(idx, learner: str, cohort: str) -> int:
    li = next(i for i, x in enumerate(idx.problem.learners) if x.id == learner)
    ci = next(i for i, c in enumerate(idx.problem.cohorts) if c.id == cohort)
    return next(a for a in idx.cohort_arcs[ci] if idx.lms[idx.arc_lm[a]][0] == li)


def test_the_fill_pass_seats_an_unplaced_learner_in_a_running_cohort_with_room(make):
    problem = make.problem([make.learner("L1"), make.learner("L2")],
                           [make.cohort("C1", max_size=3), make.cohort("C2", point=EAST, trainer="T2")])
    idx = build_index(problem)
    plan = Plan(idx)
    first = _arc(idx, "L1", "C2")
    plan.place(idx.arc_lm[first], first)  # L1 runs C2; L2 is left out although C2 has a seat
    assert fill_running(plan) == 1
    assert plan.assign[idx.arc_lm[_arc(idx, "L2", "C2")]] == _arc(idx, "L2", "C2")  # running, not C1
    assert check(problem, plan.assignments()).violations == ()
    assert fill_running(plan) == 0


def test_a_closed_cohort_enough_unplaced_learners_fit_is_opened_by_the_solver(make):
    problem = make.problem([make.learner(f"L{i}") for i in range(3)], [make.cohort(min_size=3, max_size=4)])
    plan = Plan(build_index(problem))
    assert open_closed(plan) == 1 and plan.placed() == 3
    assert check(problem, plan.assignments()).violations == ()


def test_solve_leaves_no_unplaced_learner_who_fits_a_running_cohort():
    problem = generate(150, 21)
    solution = solve(problem, time_limit=3, workers=1, seed=0)
    idx = build_index(problem)
    pos = {(idx.problem.learners[li].id, m): lm for lm, (li, m) in enumerate(idx.lms)}
    cohort = {c.id: ci for ci, c in enumerate(problem.cohorts)}
    plan = Plan(idx)
    for a in solution.assignments:
        lm = pos[(a.learner, a.module)]
        plan.place(lm, next(x for x in idx.lm_arcs[lm] if idx.arc_cohort[x] == cohort[a.cohort]))
    assert fill_running(plan) == 0


def _thin_cohorts(make):
    """A (3 seats) fills first; L4 alone in B and L5 alone in C: greedy closes both."""
    learners = [make.learner(f"L{i}") for i in (1, 2, 3)]
    learners += [make.learner("L4", home=EAST, max_travel_km=10.0), make.learner("L5")]
    cohorts = [make.cohort("A", min_size=1, max_size=3, trainer="T1"),
               make.cohort("B", point=EAST, min_size=2, max_size=5, trainer="T2"),
               make.cohort("C", point=WEST, min_size=2, max_size=5, trainer="T3")]
    return make.problem(learners, cohorts)


def test_greedy_says_too_few_learners_only_where_the_unplaced_who_fit_are_too_few(make):
    problem = _thin_cohorts(make)
    baseline = greedy(problem)
    reasons = {u.learner: u.reasons[0] for u in baseline.unplaced}
    assert set(reasons) == {"L4", "L5"}
    # B: L4 and L5 both fit it, enough for its minimum of 2; C: only L5 fits it (L4 lives too far)
    assert reasons["L4"] == ("KNM: 2 reachable cohort(s): 1 full; 1 not running, although enough "
                             "unplaced learners fit it to reach its minimum")
    assert reasons["L5"] == ("KNM: 3 reachable cohort(s): 1 full; 1 not running (too few learners for "
                             "its minimum); 1 not running, although enough unplaced learners fit it "
                             "to reach its minimum")
    solution = solve(problem, time_limit=5, workers=1)
    assert len(solution.assignments) == 5 and solution.unplaced == ()


def test_a_seat_left_free_is_explained_by_the_objective_not_by_the_solver_stopping(make):
    near, far = make.learner("L1"), make.learner("L2", home=EAST)  # ~7 km: 7 x 200 > 1,000 points
    problem = make.problem([near, far], [make.cohort(max_size=5)], travel_per_km=200.0)
    idx = build_index(problem)
    plan = Plan(idx)
    first = _arc(idx, "L1", "C1")
    plan.place(idx.arc_lm[first], first)
    assert fill_running(plan) == 0  # L2's seat would cost points
    [unplaced] = diagnose(idx, plan)
    assert unplaced.reasons == (
        "KNM: 1 reachable cohort(s): 1 running with room, but placing the learner there would lower "
        "the objective",)


KINGS_DAY = date(2027, 4, 27)  # a Tuesday


def test_no_cohort_meets_on_a_public_holiday_unless_the_planner_allows_it(make, solved):
    on_kings_day = make.cohort(meetings=make.weekly(date(2027, 4, 20), hour=9))  # 20 and 27 April
    solution = solved(make.problem([make.learner()], [on_kings_day]))
    assert solution.assignments == ()
    assert solution.unplaced[0].reasons == (
        "KNM: 1 cohort(s) in Arabic within 25 km starting on or after 2027-01-04, but all meet on a "
        "public holiday (2027-04-27)",)
    allowed = replace(on_kings_day, allowed_holidays=frozenset({KINGS_DAY}))
    assert len(solved(make.problem([make.learner()], [allowed])).assignments) == 1


def test_check_rejects_a_cohort_meeting_on_kings_day_moved_to_the_26th(make):
    # 27 April 2025 is a Sunday: King's Day is Saturday 26 April
    cohort = make.cohort(meetings=make.weekly(date(2025, 4, 19), hour=10))  # Saturdays 19 and 26
    saturdays = frozenset({("sat", DayPart.MORNING)})
    problem = make.problem([make.learner(earliest_start=date(2025, 1, 1), availability=saturdays)], [cohort])
    allowed = replace(problem, cohorts=(replace(cohort, allowed_holidays=frozenset({date(2025, 4, 26)})),))
    plan = greedy(allowed)
    assert plan.assignments and check(allowed, plan.assignments).violations == ()
    violations = check(problem, plan.assignments).violations
    assert len(violations) == 1 and "C1: meets on 2025-04-26" in violations[0]
    assert greedy(problem).assignments == ()


def test_the_bound_worker_runs_at_the_callers_priority_so_it_does_not_starve(monkeypatch, tmp_path):
    seen = tmp_path / "nice"

    def record(idx, *args, **kw):
        seen.write_text(str(os.getpriority(os.PRIO_PROCESS, 0)))
        args[-1].send(None)  # conn: a small problem's worker always sends one message

    monkeypatch.setattr(bound_worker, "_work", record)
    idx = build_index(generate(30, 2))
    worker = bound_worker.BoundWorker(idx, relaxation(idx), Plan(idx), 0.0, time.monotonic() + 10)
    worker.close()
    assert int(seen.read_text()) == os.getpriority(os.PRIO_PROCESS, 0)
    assert not worker.failed()


def test_a_failed_bound_worker_gives_an_unknown_bound_never_optimal(monkeypatch):
    def broken(*args):
        raise RuntimeError("HiGHS failed")

    monkeypatch.setattr(bound_worker, "_work", broken)
    problem = generate(60, 3)
    solution = solve(problem, time_limit=4, workers=2, seed=0)
    assert solution.bound is None and solution.status == "feasible"
    assert check(problem, solution.assignments).violations == ()

