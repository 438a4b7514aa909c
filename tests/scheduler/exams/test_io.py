"""Problem files: round trips, and bad files rejected with the JSON path at fault."""

from __future__ import annotations

import copy

import pytest

from scheduler.common.errors import InfeasibleInputError, ProblemInputError
from scheduler.exams.generate import generate
from scheduler.exams.io import problem_from_json, problem_to_json


@pytest.fixture(scope="module")
def good() -> dict:
    return problem_to_json(generate(30, seed=5))


def broken(good: dict, edit) -> dict:
    data = copy.deepcopy(good)
    edit(data)
    return data


def test_a_generated_problem_survives_a_round_trip(good):
    assert problem_to_json(problem_from_json(good)) == good


def test_a_learner_given_a_registration_date_is_ready_six_weeks_later(good):
    def registered(d):
        d["learners"][0].pop("ready")
        d["learners"][0]["registered"] = "2027-01-04"

    assert str(problem_from_json(broken(good, registered)).learners[0].ready) == "2027-02-15"


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d.pop("horizon"), "horizon"),
    (lambda d: d["learners"][2].pop("deadline"), "learners[2].deadline"),
    (lambda d: d["learners"][1].update(ready="tomorrow"), "learners[1].ready"),
    (lambda d: d["learners"][0]["home"].update(lat="north"), "learners[0].home.lat"),
    (lambda d: d["learners"][0].update(needs=["lezen", "dansen"]), "learners[0].needs[1]"),
    (lambda d: d["learners"][0].update(max_per_day=0), "learners[0].max_per_day"),
    (lambda d: d["sessions"][3].update(seats=-1), "sessions[3]"),
    (lambda d: d["sessions"][4].update(location="Utrecht"), "sessions[4].location"),
    (lambda d: d["sessions"][5].update(start="9 uur"), "sessions[5].start"),
    (lambda d: d["sessions"][1].update(id=d["sessions"][0]["id"]), "sessions[1].id"),
    (lambda d: d["weights"].update(book="many"), "weights.book"),
    (lambda d: d.update(learners={}), "learners"),
])
def test_a_bad_field_is_named_in_the_error(good, edit, where):
    with pytest.raises(ProblemInputError) as info:
        problem_from_json(broken(good, edit))
    assert str(info.value).startswith(where)


def test_overlapping_exam_sessions_at_one_location_are_rejected(good):
    def overlap(d):
        d["sessions"][1]["start"] = "09:30"  # luisteren inside lezen's 65 minutes

    with pytest.raises(ProblemInputError, match="overlaps"):
        problem_from_json(broken(good, overlap))


def test_a_file_that_is_not_an_object_is_rejected():
    with pytest.raises(ProblemInputError, match="JSON object"):
        problem_from_json([1, 2, 3])


def test_more_pinned_bookings_than_seats_is_infeasible(good):
    def overbook(d):
        s = d["sessions"][0]
        s["seats"] = 1
        fits = [x["id"] for x in d["learners"] if s["component"] in x["needs"]][:2]
        d["bookings"] = [{"learner": x, "component": s["component"], "session": s["id"],
                          "pinned": True} for x in fits]

    with pytest.raises(InfeasibleInputError, match="pinned"):
        problem_from_json(broken(good, overbook))
