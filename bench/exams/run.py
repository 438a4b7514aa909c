"""Benchmark the exam optimiser: 2,000 / 10,000 / 40,000 learners, 2 workers, 10/60/120 s.

`--kind field` (the default) generates the field instances (homes at real places, the portal's
day plan, examiners); `--kind synthetic` the first generator's, which the older tables used.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's cores, not the venv's

SIZES = (2_000, 10_000, 40_000)
LIMITS = (10, 60, 120)


def one(problem: str, limit: float, workers: int) -> None:
    """Child mode: solve once in this process and print the summary plus peak memory."""
    from scheduler.exams.cli import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        main(["solve", problem, "--out", problem + f".{limit}.sol.json",
              "--time-limit", str(limit), "--workers", str(workers), "--seed", "1"])
    row = json.loads(buf.getvalue().strip().splitlines()[-1])
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(row))


def _run(args: list[str]) -> str:
    out = subprocess.run([sys.executable, *args], check=True, capture_output=True, text=True)
    return (out.stdout.strip().splitlines() or [""])[-1]


def main() -> None:
    """Print a markdown table, one row per size and time limit."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--one", nargs=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    ap.add_argument("--limits", type=int, nargs="*", default=LIMITS)
    ap.add_argument("--kind", choices=("field", "synthetic"), default="field")
    a = ap.parse_args()
    if a.one:
        one(a.one[0], float(a.one[1]), a.workers)
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench-exams-"))
    print("| learners | limit s | first sol s | objective | bound | gap % | booked | greedy "
          "booked | peak MB | status | wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for n in a.sizes:
        problem = str(tmp / f"exams-{n}.json")
        _run(["-m", "scheduler", "exams", "generate", "--learners", str(n), "--seed", "1",
              "--kind", a.kind, "--out", problem])
        for limit in a.limits:
            t0 = time.monotonic()
            r = json.loads(_run([__file__, "--one", problem, str(limit),
                                 "--workers", str(a.workers)]))
            gap = "-" if r["gap"] is None else f"{100 * r['gap']:.2f}"
            print(f"| {n} | {limit} | {r['first_solution_seconds']:.1f} | {r['objective']} | "
                  f"{r['bound']} | {gap} | {r['placed']} | {r['greedy_placed']} | "
                  f"{r['peak_mb']:.0f} | {r['status']} | {time.monotonic() - t0:.0f} |", flush=True)


if __name__ == "__main__":
    main()
