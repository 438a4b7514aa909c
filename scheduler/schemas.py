"""Write the JSON Schemas of the scheduler's file formats into docs/schemas/ from their models.

Run `python -m scheduler.schemas` after changing a model; tests/scheduler/test_schemas.py fails
while the committed schemas differ from the generated ones.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from scheduler.common.jsonmodel import schema
from scheduler.exams.schema import ExamProblemFile, ExamSolutionFile
from scheduler.sessions.schema import ProblemFile, SolutionFile

DOCS = Path(__file__).resolve().parents[1] / "docs" / "schemas"


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for every format generated from a model."""
    return {
        "sessions-problem.schema.json": schema(
            ProblemFile, "sessions-problem", "Group-session (KNM, PVT, MAP) planning problem",
            "Input of `python -m scheduler sessions solve`. See docs/sessions.md. "
            "Numbers must be finite (NaN and Infinity are refused)."),
        "sessions-solution.schema.json": schema(
            SolutionFile, "sessions-solution", "Group-session plan (output of solve and greedy)"),
        "exams-problem.schema.json": schema(
            ExamProblemFile, "exams-problem", "DUO exam-slot problem",
            "Input of `python -m scheduler exams solve|greedy|check`. Dates are YYYY-MM-DD, times "
            "HH:MM (Europe/Amsterdam). See docs/exams.md."),
        "exams-solution.schema.json": schema(
            ExamSolutionFile, "exams-solution", "DUO exam-slot solution",
            "Output of `python -m scheduler exams solve|greedy`; `check` reads only "
            "bookings[].learner/component/session. See docs/exams.md."),
    }


def text(body: dict[str, Any]) -> str:
    """A schema as the committed file holds it."""
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def main(folder: Path = DOCS) -> int:
    """Write every schema into `folder`; returns the exit code."""
    for name, body in schemas().items():
        (folder / name).write_text(text(body), encoding="utf-8")
        sys.stdout.write(f"wrote {folder / name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
