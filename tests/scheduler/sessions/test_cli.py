"""The CLI contract, run as the outside checks run it: `python -m scheduler sessions ...`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from scheduler.common.reasons import reason_from_json
from scheduler.sessions.reasons import text

ROOT = Path(__file__).resolve().parents[3]


def sessions(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "scheduler", "sessions", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("cli")
    paths = {name: tmp / f"{name}.json" for name in ("problem", "solution", "greedy")}
    assert sessions("generate", "--learners", "120", "--seed", "5", "--out",
                    str(paths["problem"])).returncode == 0
    return paths


def test_solve_prints_one_line_of_json_with_the_contract_fields(files):
    done = sessions("solve", str(files["problem"]), "--out", str(files["solution"]),
                    "--time-limit", "20", "--workers", "1", "--seed", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert list(summary) == ["status", "placed", "unplaced", "objective", "bound", "gap", "seconds"]
    assert summary["placed"] == len(json.loads(files["solution"].read_text())["assignments"])


def test_check_accepts_the_solution_and_recomputes_its_objective(files):
    solution = json.loads(files["solution"].read_text())
    done = sessions("check", str(files["problem"]), str(files["solution"]))
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout.strip().splitlines()[-1])["objective"] == solution["objective"]


def test_greedy_writes_a_valid_plan(files):
    done = sessions("greedy", str(files["problem"]), "--out", str(files["greedy"]))
    assert done.returncode == 0 and json.loads(done.stdout)["bound"] is None
    assert sessions("check", str(files["problem"]), str(files["greedy"])).returncode == 0


def test_solution_files_carry_reason_codes_and_validate_against_the_schema(files):
    schema = json.loads((ROOT / "docs/schemas/sessions-solution.schema.json").read_text())
    validator = Draft202012Validator(schema)
    unplaced = []
    for name in ("solution", "greedy"):  # written by the tests above
        data = json.loads(files[name].read_text())
        validator.validate(data)
        unplaced += data["unplaced_learners"]
        stripped = [{k: v for k, v in u.items() if k != "reason_codes"} for u in data["unplaced_learners"]]
        old = {**data, "unplaced_learners": stripped}
        validator.validate(old)  # a file from before codes existed
    assert unplaced
    for entry in unplaced:
        codes = [reason_from_json(c, "reason_codes") for c in entry["reason_codes"]]
        assert [text(r) for r in codes] == entry["reasons"]


def test_check_lists_every_broken_rule_and_exits_non_zero(files, tmp_path):
    solution = json.loads(files["solution"].read_text())
    problem = json.loads(files["problem"].read_text())
    first = solution["assignments"][0]
    wrong_language = next(c["id"] for c in problem["cohorts"] if c["module"] == first["module"]
                          and c["language"] not in next(x for x in problem["learners"]
                                                        if x["id"] == first["learner"])["languages"])
    solution["assignments"].append(dict(first))  # a second cohort for the same module
    solution["assignments"][0]["cohort"] = wrong_language
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(solution))
    done = sessions("check", str(files["problem"]), str(broken))
    assert done.returncode == 1
    assert "taught in" in done.stdout and f"has 2 {first['module']} cohorts" in done.stdout


def test_a_bad_problem_file_exits_2_naming_the_field_without_a_traceback(files, tmp_path):
    problem = json.loads(files["problem"].read_text())
    problem["learners"][12]["modules"]["MAP"] = "todo"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(problem))
    done = sessions("solve", str(bad), "--out", str(tmp_path / "out.json"))
    assert done.returncode == 2
    assert "learners[12].modules.MAP: unknown status 'todo'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_that_is_not_json_exits_2(tmp_path):
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{learners: ")
    done = sessions("greedy", str(garbage), "--out", str(tmp_path / "g.json"))
    assert done.returncode == 2 and "not valid JSON" in done.stderr


def test_an_infeasible_pin_exits_2_with_a_clear_message(files, tmp_path):
    problem = json.loads(files["problem"].read_text())
    learner = problem["learners"][0]
    cohort = next(c for c in problem["cohorts"] if c["language"] not in learner["languages"])
    learner["modules"][cohort["module"]] = "required"
    problem["existing"] = [{"learner": learner["id"], "module": cohort["module"],
                            "cohort": cohort["id"], "pinned": True}]
    bad = tmp_path / "pinned.json"
    bad.write_text(json.dumps(problem))
    done = sessions("solve", str(bad), "--out", str(tmp_path / "out.json"), "--time-limit", "5")
    assert done.returncode == 2
    assert "infeasible" in done.stderr and "breaks a hard rule" in done.stderr
