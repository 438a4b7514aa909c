"""Issue 18.4 (sessions): every bad option or input value exits 2 naming it, without a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scheduler.sessions.io import problem_to_json

ROOT = Path(__file__).resolve().parents[3]


def sessions(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scheduler", "sessions", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def problem(make) -> dict:
    """Three learners and two cohorts, as JSON."""
    learners = [make.learner(f"L{i}") for i in range(3)]
    return problem_to_json(make.problem(learners, [make.cohort("C1", max_size=3), make.cohort("C2")]))


def _write(tmp_path: Path, data: dict, name: str = "problem.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))  # json.dumps writes NaN and Infinity as Python reads them
    return path


def _refused(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
    for word in words:
        assert word in done.stderr


@pytest.mark.parametrize("limit", ["inf", "1e300", "nan", "0", "-5", "-inf"])
def test_a_time_limit_that_is_not_a_sane_number_of_seconds_is_refused(problem, tmp_path, limit):
    out = tmp_path / "solution.json"
    done = sessions("solve", str(_write(tmp_path, problem)), "--out", str(out), f"--time-limit={limit}")
    _refused(done, "--time-limit: must be a number of seconds above 0 and at most 86,400")
    assert not out.exists()


def test_an_absurd_weight_is_refused_by_name(problem, tmp_path):
    problem["weights"]["place"] = 10**12
    done = sessions("solve", str(_write(tmp_path, problem)), "--out", str(tmp_path / "s.json"))
    _refused(done, "weights.place: must lie between 0 and 1,000,000")


def test_an_unknown_weight_key_is_refused_by_name(problem, tmp_path):
    problem["weights"]["placement"] = 2000
    done = sessions("greedy", str(_write(tmp_path, problem)), "--out", str(tmp_path / "g.json"))
    _refused(done, "weights.placement: unknown weight (known: place, urgency")


def test_an_unknown_route_is_refused_by_name(problem, tmp_path):
    problem["learners"][1]["route"] = "b2"
    done = sessions("solve", str(_write(tmp_path, problem)), "--out", str(tmp_path / "s.json"))
    _refused(done, "learners[1].route: unknown route 'b2' (the modules name b1, entree, onderwijs, z)")


@pytest.mark.parametrize(("where", "value"), [
    (("learners", 2, "max_travel_km"), float("nan")),
    (("cohorts", 1, "cost"), float("inf")),
    (("weights", "travel_per_km"), float("-inf")),
])
def test_nan_or_infinity_anywhere_is_refused_naming_the_field(problem, tmp_path, where, value):
    target = problem
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value
    done = sessions("solve", str(_write(tmp_path, problem)), "--out", str(tmp_path / "s.json"))
    path = ".".join(str(k) for k in where).replace(".2.", "[2].").replace(".1.", "[1].")
    _refused(done, f"{path}: must be a finite number, got {value!r}")


def test_an_out_file_in_a_missing_folder_is_refused_before_solving(problem, tmp_path):
    done = sessions("solve", str(_write(tmp_path, problem)), "--out", str(tmp_path / "no" / "s.json"))
    _refused(done, "--out: folder", "does not exist")
    assert done.stdout == ""  # refused before solving: no summary


def test_check_names_an_unknown_id_and_never_prints_nan(problem, tmp_path):
    path = _write(tmp_path, problem)
    solution = tmp_path / "s.json"
    assert sessions("solve", str(path), "--out", str(solution), "--time-limit", "5").returncode == 0
    data = json.loads(solution.read_text())
    data["assignments"][0]["learner"] = "L99"
    done = sessions("check", str(path), str(_write(tmp_path, data, "bad.json")))
    _refused(done, "assignments[0].learner: unknown learner 'L99'")
    assert "NaN" not in done.stdout + done.stderr
