"""solve(): greedy start, column generation for prices and a bound, rounding and a dive on the LP."""

from __future__ import annotations

import logging
import time
from collections.abc import Collection

import numpy as np

from scheduler.common.errors import ProblemInputError
from scheduler.common.progress import CancelToken, Progress, ProgressCallback
from scheduler.exams import lp
from scheduler.exams.assign import booked_count, disaggregate, objective
from scheduler.exams.diagnosis import diagnose
from scheduler.exams.dive import dive
from scheduler.exams.domain import Problem, Solution
from scheduler.exams.greedy import Assignment, fill, greedy
from scheduler.exams.keep import keep_plan, moves
from scheduler.exams.model import Prepared, prepare
from scheduler.exams.pricing import lagrangian_bound, subgradient, true_bound
from scheduler.exams.result import to_solution
from scheduler.exams.topup import top_up

log = logging.getLogger(__name__)
SUBGRADIENT_SHARE = 0.25  # of the limit, to polish prices when column generation is cut short
# phases a caller may switch off (`solve(skip=...)`, for the ablation in bench/phases.py)
PHASES = ("colgen", "subgradient", "rounding", "dive", "topup")
# The finish (top-ups of the plan and of the kept plan, the diagnosis, the moves) touches every
# learner as the set-up did (options, greedy, the kept plan): the search ends that long before the
# limit, at most FINISH_SHARE of it, so the solve keeps its limit (issue 17: 5 s took 8-13 s).
FINISH_SHARE = 0.3


class Run:
    """Clock, incumbent, bound and progress reporting of one solve."""

    def __init__(self, limit: float, progress: ProgressCallback | None, cancel: CancelToken | None):
        self.t0, self.limit = time.monotonic(), limit
        self.progress, self.cancel = progress, cancel
        self.best: Assignment | None = None
        self.best_value, self.bound = -(10**18), float("inf")
        self.model_bound = float("inf")  # bound of the day-group model (what the search can reach)
        self.first: float | None = None
        self.floor = 0  # components greedy books: never return fewer

    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.monotonic() - self.t0

    def left(self, share: float = 1.0) -> float:
        """Seconds left until `share` of the time limit (0 once cancelled)."""
        if self.cancel is not None and self.cancel.cancelled:
            return 0.0
        return self.limit * share - self.elapsed()

    def offer(self, prep: Prepared, state: Assignment, phase: str, floor: bool = True) -> None:
        """Keep `state` if it beats the incumbent and (unless `floor` is off) books as much as greedy."""
        value = objective(prep, state)
        if value > self.best_value and (not floor or booked_count(state) >= self.floor):
            self.best, self.best_value = state, value
            self.first = self.first if self.first is not None else self.elapsed()
        self.report(phase)

    def prices(self, prep: Prepared, lam: np.ndarray, rho: np.ndarray) -> None:
        """Bounds from seat prices: the true bound (any valid plan) and the day-group model's."""
        self.bound = min(self.bound, np.floor(true_bound(prep, lam, rho) + 1e-6))
        self.model_bound = min(self.model_bound, np.floor(lagrangian_bound(prep, lam, rho)[0] + 1e-6))

    def searching(self) -> bool:
        """Time left and the day-group model may still hold a better plan."""
        return self.left() > 1 and self.best_value < self.model_bound

    def report(self, phase: str) -> None:
        """Tell the caller where we are."""
        if self.progress is not None:
            bound = None if self.bound == float("inf") else float(self.bound)
            self.progress(Progress(float(self.best_value), bound, self.elapsed(), phase))


def _rounded(prep: Prepared, master: lp.Master) -> Assignment:
    """The LP's trips rounded down, then topped up greedily with the seats left."""
    z: dict[int, int] = {}
    u: dict[tuple[int, int], int] = {}
    for (o, mask), value in zip(master.columns, master.values.tolist(), strict=False):
        k = int(value + 1e-6)
        if k > 0:
            z[o] = z.get(o, 0) + k
            for j in range(prep.opt_sess.shape[1]):
                if mask >> j & 1:
                    u[(o, j)] = u.get((o, j), 0) + k
    return fill(prep, disaggregate(prep, z, u))


def _seed_master(prep: Prepared, state: Assignment) -> lp.Master:
    master = lp.new_master(prep)
    trips = [(o, sum(1 << j for j in slots)) for t in state.trips.values() for o, slots in t.values()]
    if trips:
        lp.add_columns(master, np.array([o for o, _ in trips]), np.array([m for _, m in trips]))
    return master


def _price_phase(prep: Prepared, run: Run, master: lp.Master, subgradient_on: bool = True) -> None:
    """Column generation until converged or half the time is gone, then subgradient polish.

    Every set of prices tightens the reported bound (`Run.prices`); the master is left solved for
    rounding and the dive.
    """
    def on_bound(lp_value: float, bound: float, lam: np.ndarray, rho: np.ndarray) -> None:
        run.prices(prep, lam, rho)
        run.report("pricing")

    zero = np.zeros(len(prep.cap))
    result = lp.column_generation(master, lambda: run.left(0.5), per_group=10, on_bound=on_bound)
    lam, rho = (zero, zero) if result["lam"] is None else (result["lam"], result["rho"])
    if subgradient_on and not result["converged"] and run.left() > 2:
        stop = run.elapsed() + SUBGRADIENT_SHARE * run.limit
        bound, lam2, rho2 = subgradient(prep, lam, rho, run.best_value,
                                        lambda: min(run.left(), stop - run.elapsed()),
                                        on_better=lambda a, b: run.prices(prep, a, b))
        on_bound(result["lp"], bound, lam2, rho2)


def solve(problem: Problem, *, time_limit: float = 60.0, workers: int = 2, seed: int = 0,
          progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
          skip: Collection[str] = ()) -> Solution:
    """Book as many exam components as possible, best first; never fewer than the greedy plan.

    `skip` switches phases off (names in PHASES), to measure what each one gains. `workers` and
    `seed` are taken for the interface both cores share (the sessions solver uses them); every
    phase here is single-threaded and deterministic since CP-SAT was removed (docs/benchmarks.md).
    """
    off = frozenset(skip)
    if off - set(PHASES):
        raise ProblemInputError("skip", f"unknown phase(s) {sorted(off - set(PHASES))}; "
                                        f"known: {', '.join(PHASES)}")
    run = Run(time_limit, progress, cancel)
    prep = prepare(problem)
    base = greedy(prep)
    run.floor = booked_count(base)
    run.offer(prep, base, "greedy")
    kept, reserved = keep_plan(prep)
    if kept.trips or reserved.any():  # a re-solve: never below keeping the published plan
        kept = fill(prep, Assignment(kept.remaining - reserved, kept.trips))  # their seats held
        kept.remaining += reserved  # ... for top_up to restore them at the end
        run.offer(prep, kept, "kept plan", floor=False)
        run.floor = min(run.floor, booked_count(run.best)) if run.best is not None else run.floor
    run.prices(prep, *(np.zeros(len(prep.cap)),) * 2)
    run.limit = time_limit - min(FINISH_SHARE * time_limit, run.elapsed())  # room for the finish
    if "colgen" not in off and run.searching():
        assert run.best is not None
        master = _seed_master(prep, run.best)
        _price_phase(prep, run, master, "subgradient" not in off)
        if "rounding" not in off:
            run.offer(prep, _rounded(prep, master), "rounding")
        dived = dive(master, lambda: run.left(0.8)) if "dive" not in off else None
        if dived is not None:
            run.offer(prep, fill(prep, disaggregate(prep, *dived)), "diving")
    return _finish(prep, run, kept, off)


def _finish(prep: Prepared, run: Run, kept: Assignment,
            off: frozenset[str] = frozenset()) -> Solution:
    assert run.best is not None
    if "topup" in off:
        bookings, gained = to_solution(prep, run.best), 0
    else:
        bookings, gained = top_up(prep, to_solution(prep, run.best))
    value = int(run.best_value) + gained
    # the published plan minus the impossible (split trips restored), topped up, may score best
    restored, back = top_up(prep, to_solution(prep, kept), only_existing=True)
    keepable = {(b.learner, b.component, b.session) for b in restored}
    if prep.problem.bookings:
        restored, more = top_up(prep, restored)
        if objective(prep, kept) + back + more > value:
            bookings, value, gained = restored, objective(prep, kept) + back + more, back + more
    bound = None if run.bound == float("inf") else int(max(run.bound, value))
    status = "optimal" if bound is not None and bound <= value else "feasible"
    if run.cancel is not None and run.cancel.cancelled and status != "optimal":
        status = "cancelled"
    return Solution(bookings=bookings, unbooked=diagnose(prep.problem, bookings), status=status,
                    objective=value, bound=bound, seconds=run.elapsed(),
                    first_solution_seconds=run.first, method="greedy+colgen+dive",
                    stats={"classes": len(prep.classes), "options": len(prep.opt_cg),
                           "greedy_booked": run.floor + len(prep.pinned),
                           "model_bound": float(run.model_bound), "topped_up": float(gained)},
                    moved=moves(prep.problem, bookings, keepable))
