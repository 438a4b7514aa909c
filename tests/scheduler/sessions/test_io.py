"""Problem files round-trip, and every malformed field is named in the error."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from scheduler.common.errors import ProblemInputError
from scheduler.sessions.generate import generate
from scheduler.sessions.io import problem_from_json, problem_to_json

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "schemas"


@pytest.fixture(scope="module")
def data() -> dict:
    return problem_to_json(generate(40, 3))


def test_a_generated_problem_round_trips_through_json(data):
    assert problem_to_json(problem_from_json(json.loads(json.dumps(data)))) == data


@pytest.mark.parametrize(("path", "value", "message"), [
    (("learners", 12, "modules", "MAP"), "todo", "learners[12].modules.MAP: unknown status 'todo'"),
    (("learners", 3, "lat"), "north", "learners[3].lat: expected an integer or a number, got str"),
    (("learners", 0, "availability", 0), "monday", "learners[0].availability[0]: expected 'day:part'"),
    (("cohorts", 2, "meetings", 0, "start"), "9h", "cohorts[2].meetings[0].start: HH:MM expected"),
    (("cohorts", 1, "min_size"), 30, "cohorts[1].min_size: need 1 <= min_size <= max_size"),
    (("cohorts", 0, "trainer"), "nobody", "cohorts[0].trainer: unknown trainer 'nobody'"),
    (("cohorts", 0, "module"), "NT2", "cohorts[0].module: unknown module 'NT2'"),
    (("plan_date",), "tomorrow", "plan_date: a date YYYY-MM-DD expected"),
    # the declarative model names the bad field as the hand-written reader did
    (("learners", 3, "availability", 0), 7, "learners[3].availability[0]: expected a string, got int"),
    (("learners", 3, "availability", 0), "mon:night", "learners[3].availability[0]: unknown day part"),
    (("learners", 2, "max_travel_km"), float("nan"), "learners[2].max_travel_km: must be a finite number"),
    (("cohorts", 1, "cost"), -5, "cohorts[1].cost: must not be negative"),
    (("cohorts", 1, "min_size"), True, "cohorts[1].min_size: expected an integer, got bool"),
    (("learners", 4, "busy"), [{"start": "2027-01-11T10:00", "end": "2027-01-11T09:00"}],
     "learners[4].busy[0]: interval ends"),
])
def test_a_bad_field_is_named_in_the_error(data, path, value, message):
    bad = copy.deepcopy(data)
    target = bad
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ProblemInputError) as err:
        problem_from_json(bad)
    assert str(err.value).startswith(message)


def test_a_missing_field_is_named(data):
    bad = copy.deepcopy(data)
    del bad["learners"][5]["max_travel_km"]
    with pytest.raises(ProblemInputError, match=r"^learners\[5\]\.max_travel_km: missing"):
        problem_from_json(bad)


def test_a_duplicate_learner_id_is_refused(data):
    bad = copy.deepcopy(data)
    bad["learners"][1]["id"] = bad["learners"][0]["id"]
    with pytest.raises(ProblemInputError, match=r"learners\[1\]\.id: duplicate id"):
        problem_from_json(bad)


def test_a_problem_that_is_not_an_object_is_refused():
    with pytest.raises(ProblemInputError, match="must hold a JSON object"):
        problem_from_json([1, 2, 3])


def test_the_problem_schema_requires_what_the_reader_requires(data):
    schema = json.loads((SCHEMAS / "sessions-problem.schema.json").read_text())
    for key in schema["required"]:
        bad = {k: v for k, v in data.items() if k != key}
        with pytest.raises(ProblemInputError, match=key):
            problem_from_json(bad)
    learner_keys = schema["properties"]["learners"]["items"]["required"]
    assert set(learner_keys) <= set(data["learners"][0])


def test_a_solution_file_round_trips_and_a_bad_assignment_is_named(data):
    from scheduler.sessions.io import solution_from_json

    good = {"status": "optimal", "objective": 10, "bound": None, "seconds": 1.5,
            "assignments": [{"learner": "L1", "module": "KNM", "cohort": "C1"}],
            "unplaced_learners": [{"learner": "L2", "module": "PVT", "reasons": ["no cohort"]}]}
    solution = solution_from_json(good)
    assert (solution.objective, solution.assignments[0].cohort, solution.unplaced[0].reasons) == (
        10.0, "C1", ("no cohort",))
    with pytest.raises(ProblemInputError, match=r"^assignments\[0\]\.pinned: expected true or false"):
        solution_from_json({**good, "assignments": [{**good["assignments"][0], "pinned": "yes"}]})


def test_a_learner_without_languages_is_refused_in_plain_words(data):
    bad = copy.deepcopy(data)
    bad["learners"][2]["languages"] = []
    with pytest.raises(ProblemInputError, match=r"^learners\[2\]\.languages: expected a non-empty list"):
        problem_from_json(bad)
