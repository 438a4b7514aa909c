"""Bad options and bad numbers end with `error: <where>: ...` on stderr and exit 2, never a traceback.

Run in-process (`cli.main`), one tiny case each; test_cli.py runs the contract as a subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduler.exams.cli import main
from scheduler.exams.generate import generate
from scheduler.exams.io import problem_to_json


@pytest.fixture(scope="module")
def tiny() -> dict:
    return problem_to_json(generate(4, seed=1))


def write(path: Path, data: dict | str) -> str:
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return str(path)


def solve_with(tmp_path: Path, tiny: dict, *options: str) -> int:
    return main(["solve", write(tmp_path / "p.json", tiny), "--out", str(tmp_path / "s.json"),
                 *options])


@pytest.mark.parametrize("limit", ["0", "-5", "nan", "inf"])
def test_a_time_limit_that_is_not_a_positive_finite_number_exits_2(limit, tmp_path, tiny, capsys):
    assert solve_with(tmp_path, tiny, "--time-limit", limit) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: --time-limit must be a finite number") and "Traceback" not in err
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize("workers", ["0", "-2"])
def test_workers_below_one_exit_2(workers, tmp_path, tiny, capsys):
    assert solve_with(tmp_path, tiny, "--workers", workers) == 2
    assert capsys.readouterr().err.startswith("error: --workers must be at least 1")


def test_a_negative_travel_limit_names_the_learner(tmp_path, tiny, capsys):
    tiny = json.loads(json.dumps(tiny))
    tiny["learners"][2]["max_travel_km"] = -10
    assert solve_with(tmp_path, tiny, "--time-limit", "1") == 2
    assert "error: learners[2].max_travel_km: must be at least 0" in capsys.readouterr().err


def test_negative_free_attempts_are_refused(tmp_path, tiny, capsys):
    tiny = {**tiny, "settings": {**tiny["settings"], "free_attempts": -1}}
    assert solve_with(tmp_path, tiny, "--time-limit", "1") == 2
    assert "error: settings.free_attempts: must be at least 0" in capsys.readouterr().err


def test_zero_urgency_days_are_refused_before_anything_divides_by_them(tmp_path, tiny, capsys):
    tiny = {**tiny, "weights": {**tiny["weights"], "urgency_days": 0}}
    assert solve_with(tmp_path, tiny, "--time-limit", "1") == 2
    assert "error: weights.urgency_days: must be at least 1" in capsys.readouterr().err


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_and_infinity_in_the_json_name_the_field(constant, tmp_path, tiny, capsys):
    text = json.dumps(tiny).replace('"max_travel_km": ' + json.dumps(tiny["learners"][0]
                                                                      ["max_travel_km"]),
                                    f'"max_travel_km": {constant}', 1)
    path = write(tmp_path / "p.json", text)
    assert main(["solve", path, "--out", str(tmp_path / "s.json"), "--time-limit", "1"]) == 2
    err = capsys.readouterr().err
    assert "error: learners[0].max_travel_km: must be a finite number" in err


def test_check_names_an_unknown_learner_instead_of_printing_an_objective(tmp_path, tiny, capsys):
    problem = write(tmp_path / "p.json", tiny)
    assert main(["solve", problem, "--out", str(tmp_path / "s.json"), "--time-limit", "2",
                 "--workers", "1"]) == 0
    solution = json.loads((tmp_path / "s.json").read_text())
    solution["bookings"][0]["learner"] = "NOBODY"
    capsys.readouterr()
    assert main(["check", problem, write(tmp_path / "bad.json", solution)]) == 2
    out = capsys.readouterr()
    assert "error: bookings[0].learner: unknown learner 'NOBODY'" in out.err
    assert "objective" not in out.out and "NaN" not in out.out


def test_check_names_an_unknown_session(tmp_path, tiny, capsys):
    problem = write(tmp_path / "p.json", tiny)
    learner = tiny["learners"][0]
    solution = {"bookings": [{"learner": learner["id"], "component": learner["needs"][0],
                              "session": "nowhere"}]}
    assert main(["check", problem, write(tmp_path / "bad.json", solution)]) == 2
    assert "error: bookings[0].session: unknown session 'nowhere'" in capsys.readouterr().err


def test_check_refuses_nan_in_a_solution_file(tmp_path, tiny, capsys):
    problem = write(tmp_path / "p.json", tiny)
    bad = write(tmp_path / "bad.json", '{"bookings": [], "objective": NaN}')
    assert main(["check", problem, bad]) == 2
    assert "error: objective: must be a finite number" in capsys.readouterr().err
