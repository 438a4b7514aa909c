"""`python -m scheduler sessions generate|solve|check|greedy ...` (a contract: keep it stable)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from scheduler.common.cli import contract_parser, fail, print_summary, read_json, write_json
from scheduler.common.errors import InfeasibleInputError, PlanRejectedError, ProblemInputError
from scheduler.sessions.check import check
from scheduler.sessions.domain import Assignment, Problem
from scheduler.sessions.generate import generate
from scheduler.sessions.io import (
    assignments_from_json,
    problem_from_json,
    problem_to_json,
    solution_to_json,
)
from scheduler.sessions.solver import check_time_limit, greedy, solve


def _parser() -> argparse.ArgumentParser:
    return contract_parser("sessions", "Plan KNM, PVT and MAP group sessions.")


def _writable(out: str) -> None:
    """Refuse an --out whose folder is missing or read-only before any work is done."""
    folder = Path(out).parent
    if not folder.is_dir():
        raise ProblemInputError("--out", f"folder {str(folder)!r} does not exist")
    if Path(out).is_dir():
        raise ProblemInputError("--out", f"{out!r} is a folder, not a file name")
    if not os.access(folder, os.W_OK):
        raise ProblemInputError("--out", f"folder {str(folder)!r} is not writable")


def _write_result(out: str, data: Any) -> int:
    """Write the result; if that fails after all, keep it in a temporary file and say where."""
    try:
        write_json(out, data)
        return 0
    except OSError as exc:
        handle, spare = tempfile.mkstemp(prefix="sessions-solution-", suffix=".json")
        os.close(handle)
        write_json(spare, data)
        return fail(f"--out: cannot write {out!r} ({exc.strerror}); the result is in {spare}")


def _generate(args: argparse.Namespace) -> int:
    if args.learners < 1:
        return fail("--learners must be at least 1")
    _writable(args.out)
    return _write_result(args.out, problem_to_json(generate(args.learners, args.seed, args.kind)))


def _solve(args: argparse.Namespace) -> int:
    check_time_limit(args.time_limit, "--time-limit")
    if args.workers < 1:
        return fail(f"--workers: must be at least 1, got {args.workers}")
    _writable(args.out)
    problem = problem_from_json(read_json(args.problem))
    solution = solve(problem, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    code = _write_result(args.out, solution_to_json(solution))
    print_summary(solution.summary())
    return code


def _greedy(args: argparse.Namespace) -> int:
    _writable(args.out)
    solution = greedy(problem_from_json(read_json(args.problem)))
    code = _write_result(args.out, solution_to_json(solution))
    print_summary(solution.summary())
    return code


def _known_ids(problem: Problem, plan: tuple[Assignment, ...]) -> None:
    learners = {x.id for x in problem.learners}
    cohorts = {c.id for c in problem.cohorts}
    for i, a in enumerate(plan):
        if a.learner not in learners:
            raise ProblemInputError(f"assignments[{i}].learner",
                                    f"unknown learner {a.learner!r} (not in the problem file)")
        if a.cohort not in cohorts:
            raise ProblemInputError(f"assignments[{i}].cohort",
                                    f"unknown cohort {a.cohort!r} (not in the problem file)")


def _check(args: argparse.Namespace) -> int:
    problem = problem_from_json(read_json(args.problem))
    plan = assignments_from_json(read_json(args.solution))
    _known_ids(problem, plan)
    report = check(problem, plan)
    for line in report.violations:
        sys.stdout.write(f"BROKEN {line}\n")
    print_summary({"valid": not report.violations, "violations": len(report.violations),
                   "placed": report.placed, "objective": report.objective})
    return 1 if report.violations else 0


COMMANDS = {"generate": _generate, "solve": _solve, "check": _check, "greedy": _greedy}


def main(argv: list[str]) -> int:
    """Run one sessions command; bad input exits 2 with a message naming the field."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        return COMMANDS[args.command](args)
    except ProblemInputError as exc:
        return fail(str(exc))
    except InfeasibleInputError as exc:
        return fail(f"infeasible: {exc}")
    except PlanRejectedError as exc:
        return fail(f"internal error: {exc}", code=3)
