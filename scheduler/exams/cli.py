"""`python -m scheduler exams generate | solve | check | greedy` (a contract: benchmarks use it)."""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

from scheduler.common.cli import contract_parser, fail, print_summary, read_json, write_json
from scheduler.common.errors import InfeasibleInputError, ProblemInputError
from scheduler.exams.assign import objective
from scheduler.exams.check import check
from scheduler.exams.diagnosis import diagnose
from scheduler.exams.domain import Solution
from scheduler.exams.generate import generate
from scheduler.exams.greedy import greedy
from scheduler.exams.io import (
    bookings_from_solution_json,
    problem_from_json,
    problem_to_json,
    solution_to_json,
)
from scheduler.exams.model import prepare
from scheduler.exams.result import to_solution
from scheduler.exams.solver import solve


def summary(problem: Any, solution: Solution) -> dict[str, Any]:
    """The one-line summary; `placed` counts booked components (pinned ones included)."""
    needed = sum(len(x.needs) for x in problem.learners)
    return {"status": solution.status, "placed": len(solution.bookings),
            "unplaced": needed - len(solution.bookings), "objective": solution.objective,
            "bound": solution.bound, "gap": solution.gap, "seconds": round(solution.seconds, 3),
            "first_solution_seconds": solution.first_solution_seconds,
            "fees_eur": sum(b.fee_eur for b in solution.bookings),
            "greedy_placed": solution.stats.get("greedy_booked")}


def _generate(args: argparse.Namespace) -> int:
    if args.learners < 0:
        return fail("--learners must be >= 0")
    write_json(args.out, problem_to_json(generate(args.learners, args.seed, kind=args.kind)))
    return 0


def _solve_options(args: argparse.Namespace) -> str | None:
    """What is wrong with `--time-limit` or `--workers` (None when both are fine)."""
    if not (math.isfinite(args.time_limit) and args.time_limit > 0):
        return f"--time-limit must be a finite number of seconds above 0, got {args.time_limit}"
    if args.workers < 1:
        return f"--workers must be at least 1, got {args.workers}"
    return None


def _solve(args: argparse.Namespace) -> int:
    wrong = _solve_options(args)
    if wrong is not None:
        return fail(wrong)
    problem = problem_from_json(read_json(args.problem))
    solution = solve(problem, time_limit=args.time_limit, workers=args.workers, seed=args.seed)
    write_json(args.out, solution_to_json(solution))
    print_summary(summary(problem, solution))
    return 0


def _greedy(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    problem = problem_from_json(read_json(args.problem))
    prep = prepare(problem)
    state = greedy(prep)
    bookings = to_solution(prep, state)
    solution = Solution(bookings, diagnose(problem, bookings), "feasible", objective(prep, state),
                        None, time.monotonic() - t0, method="greedy",
                        stats={"greedy_booked": len(bookings)})
    write_json(args.out, solution_to_json(solution))
    print_summary(summary(problem, solution))
    return 0


def _check(args: argparse.Namespace) -> int:
    problem = problem_from_json(read_json(args.problem))
    rows = bookings_from_solution_json(read_json(args.solution))
    known_learners, known_sessions = {x.id for x in problem.learners}, {s.id for s in problem.sessions}
    for i, (lid, _, sid) in enumerate(rows):  # a file about another problem: no objective to print
        if lid not in known_learners:
            return fail(f"bookings[{i}].learner: unknown learner {lid!r} (not in the problem file)")
        if sid not in known_sessions:
            return fail(f"bookings[{i}].session: unknown session {sid!r} (not in the problem file)")
    errors, value = check(problem, rows)
    for line in errors:
        sys.stdout.write(f"BROKEN {line}\n")
    sys.stdout.write(f"objective {value}\n")
    sys.stdout.write(f"{'INVALID' if errors else 'VALID'}: {len(errors)} broken hard rule(s)\n")
    return 1 if errors else 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m scheduler exams`."""
    return contract_parser("exams", "Book DUO exam components at DUO exam locations.")


def main(argv: list[str]) -> int:
    """Run one command; bad input ends with a message naming the field and exit code 2."""
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    commands = {"generate": _generate, "solve": _solve, "check": _check, "greedy": _greedy}
    try:
        return commands[args.command](args)
    except (ProblemInputError, InfeasibleInputError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot write output: {exc}")
