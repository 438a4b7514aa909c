"""A placed and a refused case for every hard rule, on instances of a few learners."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from scheduler.common.calendar import DayPart, Interval
from scheduler.common.errors import InfeasibleInputError
from scheduler.common.geo import Point
from scheduler.sessions.domain import Assignment, Status


def test_a_learner_who_needs_the_module_is_placed(make, solved):
    solution = solved(make.problem([make.learner()], [make.cohort()]))
    assert make.placed(solution) == {("L1", "KNM"): "C1"}


def test_a_learner_who_finished_the_module_is_not_placed(make, solved):
    done = make.learner(statuses={"KNM": Status.DONE, "PVT": Status.DONE, "MAP": Status.DONE})
    solution = solved(make.problem([done], [make.cohort()]))
    assert solution.assignments == () and solution.unplaced == ()


def test_a_route_that_does_not_require_map_gets_no_map_cohort(make, solved):
    entree = make.learner(route="entree", statuses={"MAP": Status.REQUIRED, "KNM": Status.DONE})
    solution = solved(make.problem([entree], [make.cohort(module="MAP")]))
    assert solution.assignments == ()


def test_a_cohort_in_a_language_the_learner_does_not_follow_is_refused(make, solved):
    solution = solved(make.problem([make.learner()], [make.cohort(language="Tigrinya")]))
    assert solution.assignments == ()
    assert solution.unplaced[0].reasons == ("KNM: no cohort in Arabic",)


def test_a_cohort_beyond_the_travel_limit_is_refused(make, solved):
    far = make.cohort(point=Point(51.441, 5.470))  # Eindhoven, ~72 km
    solution = solved(make.problem([make.learner()], [far]))
    assert solution.assignments == ()
    assert solution.unplaced[0].reasons == ("KNM: no cohort in Arabic within 25 km",)


def test_a_cohort_outside_the_learners_availability_is_refused(make, solved):
    tuesdays = frozenset({("tue", DayPart.MORNING)})
    solution = solved(make.problem([make.learner(availability=tuesdays)], [make.cohort()]))
    assert solution.assignments == ()
    assert "none inside the learner's availability" in solution.unplaced[0].reasons[0]


def test_a_cohort_clashing_with_a_busy_time_is_refused(make, solved):
    busy = (Interval(datetime(2027, 1, 18, 10), datetime(2027, 1, 18, 12)),)
    solution = solved(make.problem([make.learner(busy=busy)], [make.cohort()]))
    assert solution.assignments == ()
    assert "busy times" in solution.unplaced[0].reasons[0]


def test_a_cohort_ending_after_the_deadline_is_refused(make, solved):
    late = make.learner(deadlines={"KNM": date(2027, 1, 15)})
    solution = solved(make.problem([late], [make.cohort()]))
    assert solution.assignments == ()
    assert "ending by 2027-01-15" in solution.unplaced[0].reasons[0]


def test_a_cohort_starting_before_the_earliest_start_is_refused(make, solved):
    solution = solved(make.problem([make.learner(earliest_start=date(2027, 2, 1))],
                                   [make.cohort()]))
    assert solution.assignments == ()


def test_a_learner_takes_at_most_one_cohort_per_module(make, solved):
    solution = solved(make.problem([make.learner()], [make.cohort("C1"), make.cohort("C2")]))
    assert len(solution.assignments) == 1


def test_a_cohort_below_its_minimum_does_not_run(make, solved):
    learners = [make.learner("L1"), make.learner("L2")]
    solution = solved(make.problem(learners, [make.cohort(min_size=3, max_size=5)]))
    assert solution.assignments == ()
    assert "too few learners" in solution.unplaced[0].reasons[0]


def test_a_cohort_reaching_its_minimum_runs(make, solved):
    learners = [make.learner(f"L{i}") for i in range(3)]
    solution = solved(make.problem(learners, [make.cohort(min_size=3, max_size=5)]))
    assert len(solution.assignments) == 3


def test_a_full_cohort_turns_the_third_learner_away(make, solved):
    learners = [make.learner(f"L{i}") for i in range(3)]
    solution = solved(make.problem(learners, [make.cohort(max_size=2)]))
    assert len(solution.assignments) == 2
    assert solution.unplaced[0].reasons == ("KNM: all 1 reachable cohorts are full",)


def test_a_learners_own_cohorts_never_meet_at_the_same_time(make, solved):
    both = make.learner(statuses={"KNM": Status.REQUIRED, "PVT": Status.REQUIRED})
    knm, pvt = make.cohort("K"), make.cohort("P", module="PVT", trainer="T2")
    assert len(solved(make.problem([both], [knm, pvt])).assignments) == 1
    later = replace(pvt, meetings=make.weekly(date(2027, 1, 11), hour=13))
    assert len(solved(make.problem([both], [knm, later])).assignments) == 2


def test_a_trainer_never_runs_two_cohorts_at_the_same_time(make, solved):
    one, two = make.learner("L1"), make.learner("L2", languages=("Dari",))
    arabic, dari = make.cohort("A"), make.cohort("D", language="Dari")
    assert len(solved(make.problem([one, two], [arabic, dari])).assignments) == 1
    other_trainer = replace(dari, trainer="T2")
    assert len(solved(make.problem([one, two], [arabic, other_trainer])).assignments) == 2


def test_a_pinned_assignment_is_kept_even_when_a_nearer_cohort_exists(make, solved):
    near, far = make.cohort("NEAR"), make.cohort("FAR", point=Point(52.2, 5.12))
    pin = (Assignment("L1", "KNM", "FAR", pinned=True),)
    solution = solved(make.problem([make.learner()], [near, far], existing=pin))
    assert make.placed(solution) == {("L1", "KNM"): "FAR"}
    assert solution.assignments[0].pinned


def test_a_pinned_assignment_that_breaks_a_hard_rule_is_reported_as_infeasible(make):
    from scheduler.sessions.solver import solve

    pin = (Assignment("L1", "KNM", "C1", pinned=True),)
    problem = make.problem([make.learner()], [make.cohort(language="Dari")], existing=pin)
    with pytest.raises(InfeasibleInputError, match="pinned assignment of L1 to C1"):
        solve(problem, time_limit=5, workers=1)
