"""CLI plumbing shared by `python -m scheduler sessions ...` and `python -m scheduler exams ...`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from scheduler.common.errors import ProblemInputError


def read_json(path: str | Path) -> Any:
    """Load a JSON file, turning a missing file or bad syntax into an error that names line and column."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ProblemInputError("", f"cannot read {path}: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemInputError("", f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, "
                                    f"column {exc.colno}") from exc


def write_json(path: str | Path, data: Any) -> None:
    """Write JSON with stable key order so two runs with the same seed produce identical files."""
    Path(path).write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                          encoding="utf-8")


def add_solve_options(parser: argparse.ArgumentParser) -> None:
    """The options every `solve` command shares (a contract kept by the benchmarks)."""
    parser.add_argument("--out", required=True, help="where to write the solution JSON")
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="solver threads (default 2)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")


def print_summary(summary: dict[str, Any]) -> None:
    """Print the one-line JSON summary that `solve` and `greedy` end with."""
    sys.stdout.write(json.dumps(summary, sort_keys=False) + "\n")


def fail(message: str, code: int = 2) -> int:
    """Report a user error on stderr, without a traceback, and return the exit code."""
    sys.stderr.write(f"error: {message}\n")
    return code


def contract_parser(solver: str, description: str) -> argparse.ArgumentParser:
    """`python -m scheduler <solver> generate | solve | check | greedy`: one contract for both solvers."""
    parser = argparse.ArgumentParser(prog=f"python -m scheduler {solver}", description=description)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a realistic random problem")
    gen.add_argument("--learners", type=int, required=True)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--kind", choices=("field", "synthetic"), default="field",
                     help="field: homes at real places, the portal's timetables (default); "
                          "synthetic: the first generator, for the older benchmark tables")
    gen.add_argument("--out", required=True)
    solve = sub.add_parser("solve", help="optimise a problem file")
    solve.add_argument("problem")
    add_solve_options(solve)
    check = sub.add_parser("check", help="verify a solution against a problem, independently")
    check.add_argument("problem")
    check.add_argument("solution")
    greedy = sub.add_parser("greedy", help="the first-come first-served baseline")
    greedy.add_argument("problem")
    greedy.add_argument("--out", required=True)
    return parser
