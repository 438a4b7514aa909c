"""The independent checker flags each kind of broken hard rule in a hand-made plan."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.common.calendar import DayPart
from scheduler.common.geo import Point
from scheduler.sessions.check import check
from scheduler.sessions.domain import Assignment, Status


def test_a_valid_plan_has_no_violations_and_the_documented_objective(make):
    problem = make.problem([make.learner()], [make.cohort(cost=100)])
    report = check(problem, (Assignment("L1", "KNM", "C1"),))
    assert report.violations == ()
    assert report.objective == 1000 - 10  # place - cost (0.1 per euro); 0 km, no urgency


@pytest.mark.parametrize(("learner", "cohort", "expected"), [
    ({"max_travel_km": 5.0}, {"point": Point(52.2, 5.122)}, "km away, more than 5 km"),
    ({"availability": frozenset({("tue", DayPart.MORNING)})}, {}, "outside availability"),
    ({"earliest_start": date(2027, 2, 1)}, {}, "before the earliest start"),
    ({"deadlines": {"KNM": date(2027, 1, 12)}}, {}, "after the deadline"),
    ({"statuses": {"KNM": Status.DONE}}, {}, "does not need KNM"),
    ({}, {"min_size": 2}, "1 learners, allowed 0 or 2..2"),
])
def test_each_broken_pair_rule_is_reported(make, learner, cohort, expected):
    problem = make.problem([make.learner(**learner)], [make.cohort(**cohort)])
    report = check(problem, (Assignment("L1", "KNM", "C1"),))
    assert any(expected in line for line in report.violations), report.violations


def test_overlapping_cohorts_of_one_trainer_and_one_learner_are_reported(make):
    both = make.learner(statuses={"KNM": Status.REQUIRED, "PVT": Status.REQUIRED})
    knm, pvt = make.cohort("K"), make.cohort("P", module="PVT")
    report = check(make.problem([both], [knm, pvt]),
                   (Assignment("L1", "KNM", "K"), Assignment("L1", "PVT", "P")))
    assert "L1: K and P meet at the same time" in report.violations
    assert "trainer T1 teaches K and P at the same time" in report.violations


def test_a_pinned_assignment_left_out_is_reported(make):
    pin = (Assignment("L1", "KNM", "C1", pinned=True),)
    report = check(make.problem([make.learner()], [make.cohort()], existing=pin), ())
    assert report.violations == ("pinned L1 in C1 (KNM) was not kept",)
