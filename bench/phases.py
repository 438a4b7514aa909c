"""Which phase pays: solve the same generated instance with the full pipeline and with each phase off.

    python bench/phases.py sessions --learners 1000 --limit 30
    python bench/phases.py exams --learners 2000 --limit 30 --phases colgen dive

Every run is a fresh process (`--one`) on the same instance (the core's `generate`, seed 1, solver
seed 0, 2 workers) with `solve(skip={phase})`: a solver option, not a code edit. The independent
checker re-checks every plan. Prints a Markdown table: objective and its change against the full
pipeline, what was placed (learner-modules or exam components) against greedy, the checker's verdict,
bound, gap and time. `--phases` limits the phases switched off (default: all of the core's PHASES).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _sessions(learners: int, limit: float, skip: list[str]) -> dict[str, object]:
    from scheduler.sessions.check import check
    from scheduler.sessions.generate import generate
    from scheduler.sessions.solver import greedy, solve

    problem = generate(learners, 1)
    base = greedy(problem)
    solution = solve(problem, time_limit=limit, workers=2, seed=0, skip=skip)
    report = check(problem, solution.assignments)
    return {"objective": solution.objective, "placed": len(solution.assignments),
            "greedy_placed": len(base.assignments), "greedy_objective": base.objective,
            "valid": not report.violations and report.objective == solution.objective,
            "bound": solution.bound, "gap": solution.gap, "seconds": solution.seconds}


def _exams(learners: int, limit: float, skip: list[str]) -> dict[str, object]:
    from scheduler.exams.check import check
    from scheduler.exams.generate import generate
    from scheduler.exams.solver import solve

    problem = generate(learners, 1)
    solution = solve(problem, time_limit=limit, workers=2, seed=0, skip=skip)
    errors, value = check(problem, [(b.learner, b.component, b.session) for b in solution.bookings])
    return {"objective": solution.objective, "placed": len(solution.bookings),
            "greedy_placed": int(solution.stats["greedy_booked"]),
            "valid": not errors and value == solution.objective,
            "bound": solution.bound, "gap": solution.gap, "seconds": solution.seconds}


def _child(core: str, learners: int, limit: float, skip: list[str]) -> None:
    run = _sessions if core == "sessions" else _exams
    print(json.dumps(run(learners, limit, skip)))


def _phases(core: str) -> tuple[str, ...]:
    if core == "sessions":
        from scheduler.sessions.solver import PHASES
    else:
        from scheduler.exams.solver import PHASES  # type: ignore[assignment]
    return PHASES


def _run(core: str, learners: int, limit: float, skip: list[str]) -> dict[str, object]:
    cmd = [sys.executable, __file__, core, "--learners", str(learners), "--limit", str(limit),
           "--one", *skip]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    row: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    row["wall"] = time.monotonic() - started
    return row


def _line(name: str, row: dict[str, object], full: dict[str, object] | None) -> str:
    num = {k: float(v) for k, v in row.items() if isinstance(v, (int, float))}  # bool too
    obj = num["objective"]
    base = None if full is None else float(full["objective"])  # type: ignore[arg-type]
    delta = "-" if base is None else f"{obj - base:+,.0f}"
    rel = "-" if base is None else f"{100 * (obj - base) / base:+.3f} %"
    gap = "-" if row["gap"] is None else f"{100 * num['gap']:.3f} %"
    bound = "-" if row["bound"] is None else f"{num['bound']:,.0f}"
    return (f"| {name} | {obj:,.0f} | {delta} | {rel} | {num['placed']:,.0f} ({num['greedy_placed']:,.0f}) "
            f"| {'yes' if row['valid'] else 'NO'} | {bound} | {gap} | {num['seconds']:.1f} |")


def main() -> None:
    """Full pipeline first, then one run per phase switched off; one table row each."""
    ap = argparse.ArgumentParser()
    ap.add_argument("core", choices=("sessions", "exams"))
    ap.add_argument("--learners", type=int, default=1000)
    ap.add_argument("--limit", type=float, default=30.0)
    ap.add_argument("--phases", nargs="*", default=None, help="phases to switch off, one run each")
    ap.add_argument("--no-full", action="store_true", help="skip the full-pipeline run")
    ap.add_argument("--one", nargs="*", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one is not None:
        _child(a.core, a.learners, a.limit, a.one)
        return
    phases = _phases(a.core) if a.phases is None else tuple(a.phases)
    load = os.getloadavg()
    print(f"{a.core}, {a.learners:,} learners, {a.limit:g} s, 2 workers; load average at start "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)
    print("| phase off | objective | change | change % | placed (greedy) | check | bound | gap | seconds |")
    print("|---|---|---|---|---|---|---|---|---|", flush=True)
    full = None
    if not a.no_full:
        full = _run(a.core, a.learners, a.limit, [])
        print(_line("none (full pipeline)", full, None), flush=True)
    for phase in phases:
        print(_line(phase, _run(a.core, a.learners, a.limit, [phase]), full), flush=True)
    load = os.getloadavg()
    print(f"load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}", flush=True)


if __name__ == "__main__":
    main()
