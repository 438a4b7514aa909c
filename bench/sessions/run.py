"""Benchmark the sessions solver: `python bench/sessions/run.py [--sizes 1000 5000 20000]`.

Each size runs in its own process (so peak memory is its own): generate (seed 1), greedy,
solve for 120 s on 2 workers recording progress, check the result; for 5,000 learners also
the minimal-perturbation re-solve. Prints a Markdown table. `--kind field` (the default) uses the
field instances (homes at real places, weekly modules as the portal plans them), `--kind synthetic`
the first generator's, which the older tables used.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from scheduler.common.calendar import WEEKDAYS, DayPart  # noqa: E402
from scheduler.common.progress import Progress  # noqa: E402
from scheduler.sessions.check import check  # noqa: E402
from scheduler.sessions.domain import Assignment, Problem, Solution  # noqa: E402
from scheduler.sessions.generate import generate  # noqa: E402
from scheduler.sessions.solver import greedy, solve  # noqa: E402

CHECKPOINTS = (10.0, 60.0, 120.0)


def _at(snaps: list[Progress], t: float) -> Progress | None:
    """The last snapshot by `t` seconds (the final one counts for the last checkpoint)."""
    seen = [s for s in snaps if s.seconds <= t + 0.5]
    return seen[-1] if seen else None


def _perturb(problem: Problem, solution: Solution, seed: int) -> tuple[Problem, set[str]]:
    """1 % of learners get new availability; the old plan becomes the existing plan."""
    rng = random.Random(seed)
    changed = set(rng.sample([x.id for x in problem.learners], max(1, len(problem.learners) // 100)))
    slots = [(d, p) for d in WEEKDAYS[:5] for p in DayPart]
    learners = tuple(replace(x, availability=frozenset(s for s in slots if rng.random() < 0.6))
                     if x.id in changed else x for x in problem.learners)
    existing = tuple(Assignment(a.learner, a.module, a.cohort) for a in solution.assignments)
    return replace(problem, learners=learners, existing=existing), changed


def _moved(before: Solution, after: Solution, changed: set[str]) -> tuple[int, int]:
    old = {(a.learner, a.module): a.cohort for a in before.assignments if a.learner not in changed}
    new = {(a.learner, a.module): a.cohort for a in after.assignments if a.learner not in changed}
    return sum(1 for k, c in old.items() if new.get(k) != c), len(old)


def one(size: int, limit: float, perturb: bool, kind: str = "field") -> dict[str, object]:
    """Run one size in this process and return its row."""
    problem = generate(size, 1, kind)
    base = greedy(problem)
    snaps: list[Progress] = []
    start = time.monotonic()
    solution = solve(problem, time_limit=limit, workers=2, seed=0, progress=snaps.append)
    report = check(problem, solution.assignments)
    row: dict[str, object] = {
        "learners": size, "kind": kind, "learner_modules": len(solution.assignments) + len(solution.unplaced),
        "first": snaps[0].seconds, "wall": time.monotonic() - start,
        "greedy_placed": len(base.assignments), "greedy_objective": base.objective,
        "placed": len(solution.assignments), "valid": not report.violations,
        "check_objective": report.objective,
        "final": [solution.objective, solution.bound, solution.gap, solution.seconds],
        "at": {str(t): (lambda s: None if s is None else [s.objective, s.bound, s.gap])(_at(snaps, t))
               for t in CHECKPOINTS if t <= limit + 1},
    }
    if perturb:
        changed_problem, changed = _perturb(problem, solution, 7)
        again = solve(changed_problem, time_limit=60, workers=2, seed=0)
        moved, others = _moved(solution, again, changed)
        row["perturbation"] = {"changed_learners": len(changed), "moved": moved, "others": others,
                               "valid": not check(changed_problem, again.assignments).violations}
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def _fmt(x: object, pct: bool = False) -> str:
    if x is None:
        return "-"
    return f"{100 * float(x):.3f} %" if pct else f"{float(x):,.0f}"


def table(rows: list[dict]) -> str:
    """The Markdown table of all rows."""
    head = ["learners", "first sol. (s)"]
    for t in CHECKPOINTS:
        head += [f"obj @{t:g}s", f"bound @{t:g}s", f"gap @{t:g}s"]
    head += ["placed (greedy)", "valid", "peak MB"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [str(r["learners"]), f"{r['first']:.1f}"]
        if r["final"][3] <= CHECKPOINTS[-1] + 5:  # the result returned at the time limit
            r["at"][str(CHECKPOINTS[-1])] = r["final"][:3]
        for t in CHECKPOINTS:
            snap = r["at"].get(str(t))
            cells += ["-"] * 3 if snap is None else [_fmt(snap[0]), _fmt(snap[1]), _fmt(snap[2], True)]
        cells += [f"{r['placed']} ({r['greedy_placed']})", str(r["valid"]), f"{r['peak_mb']:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    for r in rows:
        if "perturbation" in r:
            p = r["perturbation"]
            lines.append(f"\nMinimal perturbation ({r['learners']} learners): {p['changed_learners']} "
                         f"learners changed; {p['moved']} of {p['others']} other placements moved "
                         f"({100 * p['moved'] / max(1, p['others']):.2f} %), valid: {p['valid']}")
    return "\n".join(lines)


def main() -> int:
    """Run every size in a child process and print the table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--limit", type=float, default=120.0)
    parser.add_argument("--one", type=int)
    parser.add_argument("--table", help="re-print the table from a file of JSON rows")
    parser.add_argument("--perturb", action="store_true")
    parser.add_argument("--kind", choices=("field", "synthetic"), default="field")
    args = parser.parse_args()
    if args.table:
        print(table([json.loads(line) for line in Path(args.table).read_text().splitlines()]))
        return 0
    if args.one:
        print(json.dumps(one(args.one, args.limit, args.perturb, args.kind)))
        return 0
    rows = []
    for size in args.sizes:
        cmd = [sys.executable, __file__, "--one", str(size), "--limit", str(args.limit),
               "--kind", args.kind]
        out = subprocess.run(cmd + (["--perturb"] if size == 5000 else []), check=True,
                             capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
