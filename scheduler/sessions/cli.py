"""`python -m scheduler sessions generate|solve|check|greedy ...` (a contract: keep it stable)."""

from __future__ import annotations

import argparse
import logging
import sys

from scheduler.common.cli import contract_parser, fail, print_summary, read_json, write_json
from scheduler.common.errors import InfeasibleInputError, ProblemInputError
from scheduler.sessions.check import check
from scheduler.sessions.generate import generate
from scheduler.sessions.io import (
    assignments_from_json,
    problem_from_json,
    problem_to_json,
    solution_to_json,
)
from scheduler.sessions.solver import greedy, solve


def _parser() -> argparse.ArgumentParser:
    return contract_parser("sessions", "Plan KNM, PVT and MAP group sessions.")


def _generate(args: argparse.Namespace) -> int:
    if args.learners < 1:
        return fail("--learners must be at least 1")
    write_json(args.out, problem_to_json(generate(args.learners, args.seed)))
    return 0


def _solve(args: argparse.Namespace) -> int:
    if args.time_limit <= 0 or args.workers < 1:
        return fail("--time-limit must be positive and --workers at least 1")
    problem = problem_from_json(read_json(args.problem))
    solution = solve(problem, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    write_json(args.out, solution_to_json(solution))
    print_summary(solution.summary())
    return 0


def _greedy(args: argparse.Namespace) -> int:
    solution = greedy(problem_from_json(read_json(args.problem)))
    write_json(args.out, solution_to_json(solution))
    print_summary(solution.summary())
    return 0


def _check(args: argparse.Namespace) -> int:
    problem = problem_from_json(read_json(args.problem))
    report = check(problem, assignments_from_json(read_json(args.solution)))
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
