"""For every soft rule: the solver pays its penalty only when it must, and check agrees."""

from __future__ import annotations

from datetime import date

from scheduler.common.calendar import DayPart
from scheduler.common.geo import Point
from scheduler.sessions.domain import Assignment

NEAR, FAR = Point(52.091, 5.122), Point(52.19, 5.122)  # FAR is 11 km north


def test_the_closer_deadline_wins_the_last_seat(make, solved):
    relaxed = make.learner("L1", deadlines={"KNM": date(2029, 1, 1)})
    urgent = make.learner("L2", deadlines={"KNM": date(2027, 3, 1)})
    solution = solved(make.problem([relaxed, urgent], [make.cohort(max_size=1)]))
    assert make.placed(solution) == {("L2", "KNM"): "C1"}


def test_without_urgency_weight_the_seat_goes_by_other_points(make, solved):
    relaxed = make.learner("L1", deadlines={"KNM": date(2029, 1, 1)})
    urgent = make.learner("L2", deadlines={"KNM": date(2027, 3, 1)}, home=FAR)
    solution = solved(make.problem([relaxed, urgent], [make.cohort(max_size=1)], urgency=0))
    assert make.placed(solution) == {("L1", "KNM"): "C1"}


def test_the_nearer_cohort_is_chosen(make, solved):
    cohorts = [make.cohort("FAR", point=FAR), make.cohort("NEAR", point=NEAR)]
    assert make.placed(solved(make.problem([make.learner()], cohorts)))[("L1", "KNM")] == "NEAR"


def test_with_travel_free_the_cheaper_cohort_is_chosen_even_if_far(make, solved):
    cohorts = [make.cohort("FAR", point=FAR, cost=10), make.cohort("NEAR", point=NEAR, cost=5000)]
    solution = solved(make.problem([make.learner()], cohorts, travel_per_km=0))
    assert make.placed(solution)[("L1", "KNM")] == "FAR"


def test_two_learners_share_one_cohort_rather_than_opening_two(make, solved):
    learners = [make.learner("L1"), make.learner("L2")]
    solution = solved(make.problem(learners, [make.cohort("A"), make.cohort("B")]))
    assert len(set(make.placed(solution).values())) == 1


def test_with_free_cohorts_each_learner_may_take_the_nearest(make, solved):
    learners = [make.learner("L1", home=NEAR), make.learner("L2", home=FAR)]
    cohorts = [make.cohort("A", point=NEAR, cost=0), make.cohort("B", point=FAR, trainer="T2")]
    solution = solved(make.problem(learners, cohorts, cohort_cost_per_euro=0))
    assert make.placed(solution) == {("L1", "KNM"): "A", ("L2", "KNM"): "B"}


def test_the_first_language_is_preferred(make, solved):
    learner = make.learner(languages=("Arabic", "Dutch"))
    cohorts = [make.cohort("NL", language="Dutch"), make.cohort("AR", language="Arabic", point=FAR)]
    assert make.placed(solved(make.problem([learner], cohorts)))[("L1", "KNM")] == "AR"


def test_preferred_day_parts_win_over_a_small_detour(make, solved):
    learner = make.learner(preferred=frozenset({("mon", DayPart.AFTERNOON)}))
    morning = make.cohort("AM")
    afternoon = make.cohort("PM", point=FAR, meetings=make.weekly(date(2027, 1, 11), hour=13))
    assert make.placed(solved(make.problem([learner], [morning, afternoon])))[("L1", "KNM")] == "PM"


def test_an_existing_assignment_is_kept_although_another_cohort_is_nearer(make, solved):
    plan = (Assignment("L1", "KNM", "FAR"),)
    cohorts = [make.cohort("NEAR", point=NEAR), make.cohort("FAR", point=FAR)]
    solution = solved(make.problem([make.learner()], cohorts, existing=plan))
    assert make.placed(solution)[("L1", "KNM")] == "FAR"


def test_without_a_change_weight_the_learner_moves_to_the_nearer_cohort(make, solved):
    plan = (Assignment("L1", "KNM", "FAR"),)
    cohorts = [make.cohort("NEAR", point=NEAR), make.cohort("FAR", point=FAR)]
    solution = solved(make.problem([make.learner()], cohorts, existing=plan, change=0))
    assert make.placed(solution)[("L1", "KNM")] == "NEAR"
