"""Problem and solution files: round trips, and bad files rejected with the JSON path at fault."""

from __future__ import annotations

import copy
import re
from datetime import date, time

import pytest

from scheduler.common.errors import InfeasibleInputError, ProblemInputError
from scheduler.exams.domain import BookedExam, Solution, Unbooked
from scheduler.exams.generate import generate
from scheduler.exams.io import (
    bookings_from_solution_json,
    problem_from_json,
    problem_to_json,
    solution_file,
    solution_to_json,
    unbooked_from_solution_json,
)
from scheduler.exams.reasons import no_session


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


def test_a_duplicate_session_id_names_both_places(good):
    def twice(d):
        d["sessions"][1]["id"] = d["sessions"][0]["id"]

    with pytest.raises(ProblemInputError) as info:
        problem_from_json(broken(good, twice))
    assert re.fullmatch(r"sessions\[1\]\.id: duplicate id '.+' \(also sessions\[0\]\)", str(info.value))


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


# -- solution files: one model (scheduler/exams/schema.py) for check, the portal and re-solves ----

BOOKED = {"learner": "L1", "component": "lezen", "session": "s1"}


@pytest.fixture(scope="module")
def solution() -> dict:
    booked = BookedExam("L1", "lezen", "s1", "A", date(2027, 1, 4), time(9), 3, 50)
    return solution_to_json(Solution([booked], [Unbooked.explained("L2", "ona", [no_session("ona")])],
                                     "optimal", 940, 950, 1.5, method="cp-sat"))


def test_a_written_solution_reads_back_through_its_model(solution):
    raw = solution_file(solution)
    assert (raw.status, raw.objective, raw.bound, raw.fees_eur, raw.method) == ("optimal", 940, 950, 50,
                                                                               "cp-sat")
    assert (raw.bookings[0].attempt, raw.bookings[0].fee_eur, str(raw.bookings[0].date)) == (3, 50,
                                                                                             "2027-01-04")
    assert bookings_from_solution_json(solution) == [("L1", "lezen", "s1")]
    assert [(u.learner, u.component, u.reasons) for u in unbooked_from_solution_json(solution)] == \
        [("L2", "ona", ("ona: no session offered at all",))]


def test_check_reads_a_file_that_holds_only_the_bookings():
    assert bookings_from_solution_json({"bookings": [BOOKED]}) == [("L1", "lezen", "s1")]


@pytest.mark.parametrize(("data", "message"), [
    ([], "the solution file must hold a JSON object"),
    ({}, "bookings: is required"),
    ({"bookings": {}}, "bookings: has the wrong type ({})"),
    ({"bookings": True}, "bookings: must not be a boolean"),
    ({"bookings": ["x"]}, "bookings[0]: must be an object"),
    ({"bookings": [{"learner": "L1"}]}, "bookings[0].component: is required"),
    ({"bookings": [BOOKED, {**BOOKED, "component": 1.5}]}, "bookings[1].component: has the wrong type (1.5)"),
    ({"bookings": [{**BOOKED, "learner": True}]}, "bookings[0].learner: must not be a boolean"),
    ({"bookings": [BOOKED], "objective": float("nan")}, "objective: must be a finite number, got nan"),
    ({"bookings": [BOOKED], "unbooked": [{"learner": "L1", "component": "ona", "reasons": ["a", 2]}]},
     "unbooked[0].reasons: must be a list of strings"),
    ({"bookings": [BOOKED], "unbooked": [{"reasons": []}]}, "unbooked[0].learner: is required"),
    ({"bookings": [{**BOOKED, "date": "4 januari"}]},
     "bookings[0].date: must be a date YYYY-MM-DD, got '4 januari'"),
])
def test_a_bad_solution_file_is_refused_naming_the_path(data, message):
    with pytest.raises(ProblemInputError) as err:
        bookings_from_solution_json(data)
    assert str(err.value) == message


def test_reason_codes_that_do_not_match_the_reasons_are_refused(solution):
    bad = copy.deepcopy(solution)
    bad["unbooked"][0]["reason_codes"] = []
    with pytest.raises(ProblemInputError, match=r"unbooked\[0\]\.reason_codes: expected a list of 1"):
        unbooked_from_solution_json(bad)
