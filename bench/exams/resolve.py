"""Re-solve after 1 % of changes with bookings pinned one by one (issue 17 item 4b, issue 18.3).

Generates N learners (seed 1), solves from scratch, publishes that plan as the existing bookings
with about half of them pinned one by one, then changes 1 % of the learners (half can no longer
come on one of their exam days, half leave) and re-solves. Prints, as one JSON line: how many of
the unchanged learners' unpinned bookings moved, the objective of the re-solve and of simply
keeping the published plan minus the now-impossible bookings (both recomputed by `check`), and
the re-solve's time.

    python bench/exams/resolve.py --learners 2000 --limit 30 --resolve-limit 10
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # this checkout's cores, not the venv's

from scheduler.exams.check import check  # noqa: E402
from scheduler.exams.domain import Booking  # noqa: E402
from scheduler.exams.generate import generate  # noqa: E402
from scheduler.exams.solver import solve  # noqa: E402


def main() -> None:
    """Solve, publish, pin half one by one, change 1 %, re-solve; print the figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, default=2000)
    ap.add_argument("--limit", type=float, default=30.0)
    ap.add_argument("--resolve-limit", type=float, default=10.0)
    ap.add_argument("--kind", choices=("field", "synthetic"), default="field")
    a = ap.parse_args()
    fresh = replace(generate(a.learners, seed=1, kind=a.kind), bookings=())
    plan = [(b.learner, b.component, b.session)
            for b in solve(fresh, time_limit=a.limit, workers=2, seed=1).bookings]
    rng = random.Random(7)
    days = {s.id: s.day for s in fresh.sessions}
    booked = sorted({lid for lid, _, _ in plan})
    changed = rng.sample(booked, max(2, len(booked) // 100))
    away = {lid: next(days[sid] for x, _, sid in plan if x == lid) for lid in changed[::2]}
    gone = set(changed[1::2])
    impossible = {(lid, c, sid) for lid, c, sid in plan if lid in away and days[sid] == away[lid]}
    bookings = tuple(Booking(lid, c, sid, pinned=(lid, c, sid) not in impossible and rng.random() < 0.5)
                     for lid, c, sid in plan if lid not in gone)
    learners = tuple(replace(x, unavailable=x.unavailable | {away[x.id]}) if x.id in away else x
                     for x in fresh.learners if x.id not in gone)
    problem = replace(fresh, learners=learners, bookings=bookings)
    keep = [r for r in plan if r[0] not in gone and r not in impossible]
    keep_errors, keep_value = check(problem, keep)
    t0 = time.monotonic()
    again = solve(problem, time_limit=a.resolve_limit, workers=2, seed=1)
    seconds = time.monotonic() - t0
    now = {(b.learner, b.component, b.session) for b in again.bookings}
    others = [(b.learner, b.component, b.session) for b in bookings
              if not b.pinned and b.learner not in changed]
    moved = sum(1 for r in others if r not in now)
    errors, value = check(problem, sorted(now))
    print(json.dumps({"learners": a.learners, "bookings": len(bookings),
                      "pinned": sum(b.pinned for b in bookings), "unpinned_unchanged": len(others),
                      "moved": moved, "moved_pct": round(100 * moved / max(1, len(others)), 2),
                      "reported_moved": len(again.moved), "objective": value,
                      "keep_objective": keep_value, "keep_valid": not keep_errors,
                      "valid": not errors, "status": again.status, "gap": again.gap,
                      "seconds": round(seconds, 1)}))


if __name__ == "__main__":
    main()
