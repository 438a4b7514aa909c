"""Every unbooked reason is a code with parameters whose English is the diagnosis's sentence."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.common.reasons import Reason
from scheduler.exams import reasons as why
from scheduler.exams.diagnosis import diagnose
from scheduler.exams.domain import Solution, Unbooked
from scheduler.exams.io import solution_to_json, unbooked_from_solution_json

EXAMPLES = [
    (why.sessions_blocked("lezen", 12, why.too_far("Zwolle", 60.4)),
     "lezen: 12 session(s): Zwolle is beyond 60 km"),
    (why.sessions_blocked("knm", 3, why.missing_facilities("Zwolle", ["accessible", "extra_time"])),
     "knm: 3 session(s): Zwolle lacks accessible, extra_time"),
    (why.sessions_blocked("spreken", 4, why.outside_window(date(2027, 1, 12), date(2027, 3, 1))),
     "spreken: 4 session(s): outside 2027-01-12 .. 2027-03-01"),
    (why.sessions_blocked("ona", 1, why.blocked(why.CLOSED)),
     "ona: 1 session(s): closed (public holiday or closed date)"),
    (why.sessions_blocked("ona", 2, why.blocked(why.LEARNER_UNAVAILABLE)),
     "ona: 2 session(s): learner cannot come that day"),
    (why.sessions_blocked("lezen", 5, why.blocked(why.SEATS_TAKEN)), "lezen: 5 session(s): all seats taken"),
    (why.sessions_blocked("lezen", 1, why.blocked(why.OTHER_TRIP)),
     "lezen: 1 session(s): another trip of the learner is on that day"),
    (why.sessions_blocked("lezen", 6, why.blocked(why.NO_FIT)),
     "lezen: 6 session(s): would not fit this learner's day groups or travel trade-off"),
    (why.no_session("ona"), "ona: no session offered at all"),
]


@pytest.mark.parametrize(("reason", "english"), EXAMPLES, ids=[r.code for r, _ in EXAMPLES])
def test_every_code_renders_the_diagnosis_english(reason: Reason, english: str) -> None:
    assert why.text(reason) == english


def test_the_examples_cover_every_code() -> None:
    assert {r.code for r, _ in EXAMPLES} == set(why.ENGLISH)


def _solution(*unbooked: Unbooked) -> Solution:
    return Solution([], list(unbooked), "feasible", 0, None, 0.0)


def test_reasons_and_their_codes_round_trip_through_a_solution_file() -> None:
    unbooked = Unbooked.explained("L1", "lezen", [r for r, _ in EXAMPLES[:3]])
    data = solution_to_json(_solution(unbooked))
    assert data["unbooked"][0]["reasons"] == [english for _, english in EXAMPLES[:3]]
    assert data["unbooked"][0]["reason_codes"][1] == {"code": "exams.missing_facilities", "params": {
        "component": "knm", "sessions": 3, "location": "Zwolle", "missing": ["accessible", "extra_time"]}}
    assert unbooked_from_solution_json(data) == [unbooked]


def test_a_file_from_before_codes_reads_with_its_english_only() -> None:
    old = {"bookings": [],  # every solution file has its bookings (required by the format)
           "unbooked": [{"learner": "L1", "component": "ona", "reasons": ["ona: no session offered at all"]}]}
    assert unbooked_from_solution_json(old) == [Unbooked("L1", "ona", ("ona: no session offered at all",))]


def test_the_diagnosis_gives_codes_beside_the_english(make_problem, make_session, make_learner) -> None:
    needy = make_learner(requirements=frozenset({"accessible"}))
    p = make_problem([make_session("Z", date(2027, 1, 5), "lezen")],
                     [needy, make_learner("L2", needs=("ona",))])
    found = {u.learner: u for u in diagnose(p, [])}
    lacking = why.missing_facilities("Zwolle", ["accessible"])
    assert found["L1"].reason_codes == (why.sessions_blocked("lezen", 1, lacking),)
    assert found["L1"].reasons == ("lezen: 1 session(s): Zwolle lacks accessible",)
    assert found["L2"].reason_codes == (why.no_session("ona"),)
