"""Each planning rule alone: a violating (penalised) and a satisfying (unpenalised) case.

The predicates and row builders of scheduler.sessions.constraints are called directly on tiny
instances; no solver runs. Rows are checked by evaluating them on a 0/1 assignment.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from scheduler.common.calendar import DayPart, Interval
from scheduler.sessions import constraints as rules
from scheduler.sessions.domain import Status, Weights
from scheduler.sessions.linear import LinearModel

MORNINGS = frozenset({("mon", DayPart.MORNING)})
KINGS_DAY = date(2027, 4, 27)


def meeting(day: date, hour: int = 9, hours: int = 2) -> Interval:
    """One meeting on `day` from `hour`."""
    start = datetime.combine(day, datetime.min.time()).replace(hour=hour)
    return Interval(start, start.replace(hour=hour + hours))


def holds(model: LinearModel, values: list[int]) -> bool:
    """True when the 0/1 `values` (one per column) satisfy every row and variable bound."""
    if any(not lb <= v <= ub for v, lb, ub in zip(values, model.var_lb, model.var_ub, strict=True)):
        return False
    activity = [0.0] * len(model.row_lb)
    for row, col, coef in zip(*model.entries, strict=True):
        activity[row] += coef * values[col]
    return all(lb <= a <= ub for a, lb, ub in zip(activity, model.row_lb, model.row_ub, strict=True))


# -- pair filters --------------------------------------------------------------------------------


def test_a_module_the_learner_finished_is_not_needed(make):
    problem = make.problem([make.learner()], [make.cohort()])
    learner = make.learner(statuses={"KNM": Status.DONE, "PVT": Status.REQUIRED, "MAP": Status.EXEMPT})
    assert not rules.needs_module(problem, learner, "KNM")
    assert rules.needs_module(problem, learner, "PVT")


def test_a_cohort_in_another_language_is_refused(make):
    assert not rules.speaks_language(make.learner(), make.cohort(language="Tigrinya"))
    assert rules.speaks_language(make.learner(languages=("Dari", "Arabic")), make.cohort())


def test_a_venue_beyond_the_travel_limit_is_refused(make):
    learner = make.learner(max_travel_km=10.0)
    assert not rules.within_travel(learner, 10.5)
    assert rules.within_travel(learner, 10.0)


def test_the_travel_rule_filters_many_venues_at_once(make):
    learner = make.learner(max_travel_km=10.0)
    assert rules.within_travel(learner, np.array([3.0, 10.5, 10.0])).tolist() == [True, False, True]


def test_a_meeting_outside_the_availability_is_refused(make):
    learner = make.learner(availability=MORNINGS)
    assert not rules.inside_availability(learner, frozenset({("mon", DayPart.EVENING)}))
    assert rules.inside_availability(learner, MORNINGS)


def test_a_meeting_during_a_busy_time_is_refused(make):
    busy = (Interval(datetime(2027, 1, 18, 10), datetime(2027, 1, 18, 12)),)
    assert not rules.clear_of_busy(make.learner(busy=busy), make.cohort())
    later = (Interval(datetime(2027, 1, 18, 11), datetime(2027, 1, 18, 13)),)
    assert rules.clear_of_busy(make.learner(busy=later), make.cohort())


def test_a_cohort_before_the_earliest_start_is_refused(make):
    assert not rules.within_dates(make.learner(earliest_start=date(2027, 1, 12)), make.cohort())
    assert rules.within_dates(make.learner(earliest_start=date(2027, 1, 11)), make.cohort())


def test_a_cohort_ending_after_the_deadline_is_refused(make):
    assert not rules.within_dates(make.learner(deadlines={"KNM": date(2027, 1, 17)}), make.cohort())
    assert rules.within_dates(make.learner(deadlines={"KNM": date(2027, 1, 18)}), make.cohort())


def test_a_cohort_meeting_on_a_public_holiday_is_refused_unless_allowed(make):
    on_kings_day = make.cohort(meetings=(meeting(KINGS_DAY),))
    assert not rules.clear_of_holidays(on_kings_day)
    assert rules.holiday_meetings(on_kings_day) == ["2027-04-27"]
    allowed = make.cohort(meetings=(meeting(KINGS_DAY),), allowed_holidays=frozenset({KINGS_DAY}))
    assert rules.clear_of_holidays(allowed)
    assert rules.clear_of_holidays(make.cohort())


# -- predicates between cohorts and on sizes -----------------------------------------------------


def test_overlapping_meetings_clash_and_touching_ones_do_not():
    assert rules.meetings_overlap(meeting(date(2027, 1, 11), 9), meeting(date(2027, 1, 11), 10))
    assert not rules.meetings_overlap(meeting(date(2027, 1, 11), 9), meeting(date(2027, 1, 11), 11))


def test_cohorts_of_one_trainer_share_a_trainer(make):
    assert rules.same_trainer(make.cohort("A"), make.cohort("B"))
    assert not rules.same_trainer(make.cohort("A"), make.cohort("B", trainer="T2"))


def test_a_cohort_may_open_only_while_its_trainers_clashing_cohorts_are_closed():
    assert not rules.trainer_free([0, 3])
    assert rules.trainer_free([0, 0])
    assert rules.trainer_free([])


def test_a_full_cohort_has_no_seat(make):
    cohort = make.cohort(max_size=2)
    assert not rules.has_seat(cohort, 2)
    assert rules.has_seat(cohort, 1)


def test_more_learners_than_the_maximum_are_over_it(make):
    cohort = make.cohort(max_size=2)
    assert rules.over_maximum(cohort, 3)
    assert not rules.over_maximum(cohort, 2)


def test_a_running_cohort_below_its_minimum_is_too_small_but_a_closed_one_is_not(make):
    cohort = make.cohort(min_size=3, max_size=5)
    assert rules.below_minimum(cohort, 2)
    assert not rules.below_minimum(cohort, 3)
    assert not rules.below_minimum(cohort, 0)


def test_a_closed_cohort_opens_only_with_enough_joiners(make):
    cohort = make.cohort(min_size=3, max_size=5)
    assert not rules.enough_to_open(cohort, 2)
    assert rules.enough_to_open(cohort, 3)


def test_the_size_bounds_for_array_code_agree_with_the_size_predicates(make):
    cohorts = [make.cohort(min_size=3, max_size=5), make.cohort(min_size=1, max_size=2)]
    low, high = rules.size_bounds(cohorts)
    assert (low.tolist(), high.tolist()) == ([3, 1], [5, 2])
    for c, lo, hi in zip(cohorts, low.tolist(), high.tolist(), strict=True):
        assert not rules.enough_to_open(c, lo - 1) and rules.enough_to_open(c, lo)
        assert rules.over_maximum(c, hi + 1) and not rules.over_maximum(c, hi)


# -- MIP rows ------------------------------------------------------------------------------------


def test_two_cohorts_of_one_module_break_the_one_cohort_row():
    model = LinearModel()
    xs = [model.add_var(1), model.add_var(1)]
    rules.one_cohort_per_module(model, xs)
    assert not holds(model, [1, 1])
    assert holds(model, [1, 0])


@pytest.mark.parametrize(("learners", "runs", "ok"), [
    (0, 0, True), (1, 0, False), (1, 1, False), (2, 1, True), (3, 1, True), (2, 0, False),
])
def test_the_size_rows_allow_zero_or_min_to_max_learners(learners, runs, ok):
    model = LinearModel()
    xs = [model.add_var(1) for _ in range(3)]
    y = model.add_var(-1)
    rules.cohort_size_zero_or_within_bounds(model, y, xs, 0, 2, 3)
    assert holds(model, [1] * learners + [0] * (3 - learners) + [runs]) is ok


def test_the_size_rows_count_learners_held_in_place():
    model = LinearModel()
    xs = [model.add_var(1)]
    y = model.add_var(-1)
    rules.cohort_size_zero_or_within_bounds(model, y, xs, 2, 1, 2)
    assert not holds(model, [1, 1])  # two fixed plus one free: above the maximum
    assert holds(model, [0, 1])


def test_a_learners_clashing_cohorts_break_the_clash_row():
    model = LinearModel()
    a, b = model.add_var(1), model.add_var(1)
    rules.no_clash_between_own_cohorts(model, a, b)
    assert not holds(model, [1, 1])
    assert holds(model, [0, 1])


def test_an_unplaced_pin_breaks_the_pin_bound():
    model = LinearModel()
    x = model.add_var(1)
    rules.pinned_kept(model, x)
    assert not holds(model, [0])
    assert holds(model, [1])


def test_one_trainer_running_two_clashing_cohorts_breaks_the_trainer_row():
    model = LinearModel()
    ya, yb = model.add_var(-1), model.add_var(-1)
    rules.trainer_in_one_place(model, ya, yb)
    assert not holds(model, [1, 1])
    assert holds(model, [1, 0])


# -- soft rules ----------------------------------------------------------------------------------


def test_a_close_deadline_earns_urgency_points_and_none_earns_only_the_place(make):
    problem = make.problem([make.learner()], [make.cohort()])
    urgent = make.learner(deadlines={"KNM": make.plan})
    assert rules.placement_reward(problem, urgent, "KNM") == 1000 + 200
    assert rules.placement_reward(problem, make.learner(), "KNM") == 1000


def test_travel_costs_points_per_km():
    assert rules.travel_penalty(Weights(), 12.4) == 25
    assert rules.travel_penalty(Weights(), 0.0) == 0


def test_a_second_language_and_a_non_preferred_day_part_are_missed_preferences(make):
    learner = make.learner(languages=("Arabic", "Dari"), preferred=MORNINGS)
    evening = frozenset({("mon", DayPart.EVENING)})
    assert rules.missed_preferences(learner, evening, "Dari") == 2
    assert rules.missed_preferences(learner, MORNINGS, "Arabic") == 0


def test_running_a_cohort_costs_points_per_euro(make):
    assert rules.cohort_cost(Weights(), make.cohort(cost=250.0)) == 25
    assert rules.cohort_cost(Weights(cohort_cost_per_euro=0), make.cohort(cost=250.0)) == 0


def test_keeping_an_existing_assignment_is_rewarded():
    assert rules.change_reward(Weights()) == 300
    assert rules.change_reward(Weights(change=0)) == 0
