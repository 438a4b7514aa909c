"""Every unplaced reason is a code with parameters whose English is the diagnosis's sentence."""

from __future__ import annotations

from datetime import date

import pytest

from scheduler.common.errors import ProblemInputError
from scheduler.common.reasons import Reason
from scheduler.sessions import reasons as why
from scheduler.sessions.domain import Solution, Unplaced
from scheduler.sessions.io import solution_from_json, solution_to_json

START, END = date(2027, 2, 1), date(2027, 3, 1)
LANGS = ("ti", "ar")

EXAMPLES = [
    (why.no_cohort_for_module("MAP"), "MAP: no MAP cohort in the problem"),
    (why.no_cohort_in_language("KNM", LANGS), "KNM: no cohort in ti or ar"),
    (why.no_cohort_within_reach("KNM", ("ti",), 25.0), "KNM: no cohort in ti within 25 km"),
    (why.no_cohort_within_dates("MAP", ("ti",), 7.5, START, END),
     "MAP: no cohort in ti within 7.5 km starting on or after 2027-02-01 and ending by 2027-03-01"),
    (why.no_cohort_within_dates("MAP", ("ti",), 25.0, START, None),
     "MAP: no cohort in ti within 25 km starting on or after 2027-02-01"),
    (why.outside_availability("PVT", 2, LANGS, 25.0, START, END,
                              [("mon", "morning"), ("tue", "evening")]),
     "PVT: 2 cohort(s) in ti or ar within 25 km starting on or after 2027-02-01 and ending by "
     "2027-03-01, but none inside the learner's availability (they meet mon morning, tue evening)"),
    (why.busy_times("PVT", 1, ("ar",), 25.0, START, None),
     "PVT: 1 cohort(s) in ar within 25 km starting on or after 2027-02-01 fit the availability, "
     "but all clash with the learner's busy times"),
    (why.public_holiday("KNM", 2, ("ar",), 25.0, START, None, ["2027-04-27"]),
     "KNM: 2 cohort(s) in ar within 25 km starting on or after 2027-02-01, but all meet on a public "
     "holiday (2027-04-27)"),
    (why.all_full("KNM", 3), "KNM: all 3 reachable cohorts are full"),
    (why.reachable_cohorts("KNM", 11, [(3, "full"), (2, "below_minimum"), (1, "not_opened"),
                                       (1, "trainer_busy"), (1, "clash"), (2, "room"),
                                       (1, "room_costly")]),
     "KNM: 11 reachable cohort(s): 3 full; 2 not running (too few learners for its minimum); "
     "1 not running, although enough unplaced learners fit it to reach its minimum; "
     "1 not running (its trainer teaches another cohort then); 1 at the same time as the learner's "
     "other cohorts; 2 running with room (the solver stopped before placing the learner here); "
     "1 running with room, but placing the learner there would lower the objective"),
]


@pytest.mark.parametrize(("reason", "english"), EXAMPLES, ids=[r.code for r, _ in EXAMPLES])
def test_every_code_renders_the_diagnosis_english(reason: Reason, english: str) -> None:
    assert why.text(reason) == english


def test_the_examples_cover_every_code() -> None:
    assert {r.code for r, _ in EXAMPLES} == set(why.ENGLISH)


def _solution(*unplaced: Unplaced) -> Solution:
    return Solution(status="feasible", assignments=(), unplaced=unplaced, objective=0.0, bound=None,
                    seconds=0.0)


def test_reasons_and_their_codes_round_trip_through_a_solution_file() -> None:
    unplaced = Unplaced.explained("L1", "MAP", [r for r, _ in EXAMPLES[:4]])
    data = solution_to_json(_solution(unplaced))
    entry = data["unplaced_learners"][0]
    assert entry["reasons"] == [english for _, english in EXAMPLES[:4]]
    assert entry["reason_codes"][3] == {"code": "sessions.no_cohort_within_dates", "params": {
        "module": "MAP", "languages": ["ti"], "km": 7.5, "start": "2027-02-01", "deadline": "2027-03-01"}}
    assert solution_from_json(data).unplaced == (unplaced,)


def test_a_file_from_before_codes_reads_with_its_english_only() -> None:
    data = solution_to_json(_solution(Unplaced("L1", "KNM", ("KNM: no cohort in ti",))))
    assert "reason_codes" not in data["unplaced_learners"][0]
    assert solution_from_json(data).unplaced[0] == Unplaced("L1", "KNM", ("KNM: no cohort in ti",), ())


def test_codes_that_do_not_match_the_reasons_are_named_in_the_error() -> None:
    data = solution_to_json(_solution(Unplaced.explained("L1", "KNM", [why.all_full("KNM", 2)])))
    data["unplaced_learners"][0]["reason_codes"].append({"code": "sessions.all_full", "params": {}})
    with pytest.raises(ProblemInputError, match=r"^unplaced_learners\[0\]\.reason_codes: expected a list"):
        solution_from_json(data)
    data["unplaced_learners"][0]["reason_codes"] = [{"params": {}}]
    with pytest.raises(ProblemInputError, match=r"^unplaced_learners\[0\]\.reason_codes\[0\]: "):
        solution_from_json(data)


def test_the_diagnosis_gives_codes_beside_the_english(make, solved) -> None:
    solution = solved(make.problem([make.learner()], [make.cohort(language="Tigrinya")]))
    [unplaced] = solution.unplaced
    assert unplaced.reason_codes == (why.no_cohort_in_language("KNM", ("Arabic",)),)
    assert unplaced.reasons == ("KNM: no cohort in Arabic",)
