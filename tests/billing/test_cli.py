"""`python -m billing quarter`: the example file, and broken files rejected with the field named."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import holidays
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "examples" / "billing-input.json"


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter, from the repository root."""
    return subprocess.run([sys.executable, "-m", "billing", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)


def example() -> dict[str, Any]:
    """The documented example input, decoded."""
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: Any) -> str:
    """Write `data` as an input file and return its path."""
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_the_example_file_prints_the_documented_lines_as_json() -> None:
    done = run_cli("quarter", str(EXAMPLE), "--quarter", "2026-Q3")
    assert done.returncode == 0, done.stderr
    output = json.loads(done.stdout)
    assert output["quarter"] == "2026-Q3"
    by_learner = {row["learner_id"]: row for row in output["learners"]}
    assert by_learner["L-001"]["invoice"] == "1250.00"
    assert by_learner["L-002"]["invoice"] == "1654.00"
    kinds = {(line["learner_id"], line["kind"]) for line in output["lines"]}
    assert {("L-001", "held_back_by_cap"), ("L-002", "released_after_exam")} <= kinds
    assert by_learner["L-003"]["invoice"] == "528.00"  # the credit note paid in Q3 freed room
    assert by_learner["L-003"]["flags"][0]["kind"] == "cap_room_freed_by_credit_note"
    assert output["totals"]["invoice"] == "3729.00"


def test_the_output_names_no_bsn() -> None:
    done = run_cli("quarter", str(EXAMPLE), "--quarter", "2026-Q3")
    assert "111222333" not in done.stdout


def test_a_quarter_not_yet_ended_on_the_invoice_date_is_refused() -> None:
    done = run_cli("quarter", str(EXAMPLE), "--quarter", "2026-Q4", "--invoice-date", "2026-12-01")
    assert done.returncode == 2
    assert "bill in advance" in done.stderr


def _broken(mutate) -> dict[str, Any]:
    data = copy.deepcopy(example())
    mutate(data)
    return data


BROKEN = [
    (lambda d: d["learners"][3]["contract"].update(hourly_rate="-3"),
     "learners[3].contract.hourly_rate: must be a positive decimal"),
    (lambda d: d["learners"][1]["contract"].pop("hourly_rate"),
     "learners[1].contract.hourly_rate: is missing"),
    (lambda d: d["learners"][0].update(bsn=None), "learners[0].bsn: is missing"),
    (lambda d: d["learners"][2]["lessons"][4].update(hours="-2"),
     "learners[2].lessons[4].hours: must not be negative"),
    (lambda d: d["learners"][0]["lessons"][0].update(date="2026-02-30"),
     "learners[0].lessons[0].date: '2026-02-30' is not a date"),
    (lambda d: d["learners"][0]["invoiced"][0].update(quarter="2026-Q7"),
     "learners[0].invoiced[0].quarter: '2026-Q7' is not a quarter"),
    (lambda d: d["learners"][2]["invoiced"][1].update(amount="-600.00"),
     "learners[2].invoiced: the net amount up to 2026-Q3 is negative"),
    (lambda d: d["learners"][0].update(loan_remaining="12.505"),
     "learners[0].loan_remaining: 12.505 has more than two decimals"),
    (lambda d: d["learners"][0].update(extra=1), "learners[0].extra: is not a known field"),
    (lambda d: d.pop("provider"), "provider: is missing"),
    (lambda d: d.update(cap_table=[]), "cap_table: needs at least one setting"),
]


@pytest.mark.parametrize(("mutate", "message"), BROKEN)
def test_a_broken_file_is_refused_naming_the_field_without_a_traceback(
    tmp_path: Path, mutate, message: str
) -> None:
    done = run_cli("quarter", write(tmp_path, _broken(mutate)), "--quarter", "2026-Q3")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_file_that_is_not_json_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"learners": [\n  {"id": }\n]}', encoding="utf-8")
    done = run_cli("quarter", str(path), "--quarter", "2026-Q3")
    assert done.returncode == 2
    assert "line 2, column 10" in done.stderr


def test_a_missing_file_and_a_bad_quarter_option_are_reported() -> None:
    assert "cannot read" in run_cli("quarter", "/nonexistent.json", "--quarter", "2026-Q3").stderr
    done = run_cli("quarter", str(EXAMPLE), "--quarter", "2026-3")
    assert (done.returncode, "--quarter: '2026-3' is not a quarter" in done.stderr) == (2, True)


def test_the_example_output_shown_in_the_docs_is_what_the_cli_prints() -> None:
    doc = (ROOT / "docs" / "billing.md").read_text(encoding="utf-8")
    shown = json.loads(doc.rsplit("```json\n", 1)[1].split("```", 1)[0])
    printed = json.loads(run_cli("quarter", str(EXAMPLE), "--quarter", "2026-Q3").stdout)
    wanted = {row["learner_id"] for row in shown["learners"]}
    assert shown["lines"] == [line for line in printed["lines"] if line["learner_id"] in wanted]
    assert shown["learners"] == [row for row in printed["learners"] if row["learner_id"] in wanted]
    assert shown["totals"] == printed["totals"]


ABSURD = [
    ("hours", "1e999999999", "learners[0].lessons[2].hours: 1e999999999 is out of range; at most 24"),
    ("hours", "NaN", "learners[0].lessons[2].hours: NaN is not a number"),
    ("hours", "Infinity", "learners[0].lessons[2].hours: Infinity is not a number"),
    ("hours", '"3e0"', "learners[0].lessons[2].hours: '3e0' is not a decimal"),
    ("price", "1e30", "learners[0].contract.price: 1e30 is out of range; at most 1000000000"),
    ("price", "-Infinity", "learners[0].contract.price: -Infinity is not a number"),
    ("price", '"1.2E3"', "learners[0].contract.price: '1.2E3' is not a decimal"),
]


@pytest.mark.parametrize(("field", "raw", "message"), ABSURD)
def test_absurd_numbers_get_one_line_naming_the_field_and_exit_code_2(
    tmp_path: Path, field: str, raw: str, message: str
) -> None:
    data = example()
    target = data["learners"][0]["lessons"][2] if field == "hours" else data["learners"][0]["contract"]
    target[field] = "@@"
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data).replace('"@@"', raw), encoding="utf-8")
    done = run_cli("quarter", str(path), "--quarter", "2026-Q3")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"error: {message}")
    assert len(done.stderr.splitlines()) == 1 and "Traceback" not in done.stderr


def test_the_example_bills_no_lesson_on_a_dutch_public_holiday_and_runs_through_the_cli() -> None:
    days = [date.fromisoformat(lesson["date"]) for learner in example()["learners"]
            for lesson in learner.get("lessons", []) if lesson.get("took_place", True)]
    dutch = holidays.country_holidays("NL", years={day.year for day in days})
    assert len(days) > 100
    assert [(day, dutch.get(day)) for day in days if day in dutch] == []
    done = run_cli("quarter", str(EXAMPLE), "--quarter", "2026-Q3")
    assert (done.returncode, done.stderr) == (0, "") and json.loads(done.stdout)["quarter"] == "2026-Q3"


def test_the_lessons_shown_in_the_docs_are_those_of_the_example_file() -> None:
    doc = (ROOT / "docs" / "billing.md").read_text(encoding="utf-8")
    shown = [line.strip().rstrip(",") for line in doc.splitlines() if line.strip().startswith('{"date": ')]
    in_file = {json.dumps(lesson) for lesson in example()["learners"][0]["lessons"]}
    assert shown and all(json.dumps(json.loads(line)) in in_file for line in shown)
