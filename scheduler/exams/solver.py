"""solve(): greedy start, column generation for prices and a bound, CP-SAT on the options left."""

from __future__ import annotations

import logging
import time

import numpy as np

from scheduler.common.progress import CancelToken, Progress, ProgressCallback
from scheduler.exams import cpsat, lp
from scheduler.exams.assign import booked_count, counts, disaggregate, objective
from scheduler.exams.diagnosis import diagnose
from scheduler.exams.dive import dive
from scheduler.exams.domain import BookedExam, Problem, Solution
from scheduler.exams.greedy import Assignment, fill, greedy
from scheduler.exams.keep import keep_plan, moves
from scheduler.exams.model import Prepared, prepare
from scheduler.exams.pricing import (
    best_per_group,
    lagrangian_bound,
    subgradient,
    true_bound,
    useful_options,
)
from scheduler.exams.result import to_solution
from scheduler.exams.topup import top_up

log = logging.getLogger(__name__)
SUBGRADIENT_SHARE = 0.25  # of the limit, to polish prices when column generation is cut short
EXACT_OPTION_LIMIT = 60_000  # CP-SAT proves only when reduced-cost fixing leaves this few options
# building CP-SAT's model and loading it into the solver, per option: 440 us measured on the busy
# 2-core machine (61,550 options: 27 s to build); CP-SAT gets at most half the time left for it
BUILD_SECONDS_PER_OPTION = 4.5e-4
TOPUP_SECONDS_PER_COMPONENT = 5e-4  # top_up per needed component (0.3 ms measured, busy machine)
MIN_SEARCH_OPTIONS = 2_000  # fewer options than this are not worth a CP-SAT search without proof
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


def _price_phase(prep: Prepared, run: Run, master: lp.Master) -> tuple[np.ndarray, float]:
    """Column generation until converged or half the time is gone, then subgradient polish."""
    def on_bound(lp_value: float, bound: float, lam: np.ndarray, rho: np.ndarray) -> None:
        run.prices(prep, lam, rho)
        run.report("pricing")

    zero = np.zeros(len(prep.cap))
    result = lp.column_generation(master, lambda: run.left(0.5), per_group=10, on_bound=on_bound)
    lam, rho = (zero, zero) if result["lam"] is None else (result["lam"], result["rho"])
    if not result["converged"] and run.left() > 2:
        stop = run.elapsed() + SUBGRADIENT_SHARE * run.limit
        bound, lam2, rho2 = subgradient(prep, lam, rho, run.best_value,
                                        lambda: min(run.left(), stop - run.elapsed()),
                                        on_better=lambda a, b: run.prices(prep, a, b))
        on_bound(result["lp"], bound, lam2, rho2)
        if bound < lagrangian_bound(prep, lam, rho)[0]:
            lam, rho = lam2, rho2
    bound, values = lagrangian_bound(prep, lam, rho)
    return values, bound


def solve(problem: Problem, *, time_limit: float = 60.0, workers: int = 2, seed: int = 0,
          progress: ProgressCallback | None = None, cancel: CancelToken | None = None) -> Solution:
    """Book as many exam components as possible, best first; never fewer than the greedy plan."""
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
    values, master, exact, priced_bound = None, None, False, float("inf")
    if run.searching():
        assert run.best is not None
        master = _seed_master(prep, run.best)
        values, priced_bound = _price_phase(prep, run, master)
        run.offer(prep, fill(prep, Assignment(prep.cap.copy()), values), "priced greedy")
        run.offer(prep, _rounded(prep, master), "rounding")
        dived = dive(master, lambda: run.left(0.8))
        if dived is not None:
            run.offer(prep, fill(prep, disaggregate(prep, *dived)), "diving")
    if values is not None and run.searching():
        exact = _integer_phase(prep, run, (values, priced_bound), workers, seed)
    return _finish(prep, run, exact, kept)


def _cpsat(prep: Prepared, run: Run, options: np.ndarray, workers: int, seed: int,
           share: float) -> float | None:
    """One CP-SAT run on `options`, hinted with the incumbent; returns its bound."""
    assert run.best is not None
    found, bound = cpsat.improve(prep, options, counts(prep, run.best), run, workers, seed, share)
    if found is not None:
        run.offer(prep, fill(prep, disaggregate(prep, *found)), "cp-sat")
    return bound


def _integer_phase(prep: Prepared, run: Run, priced: tuple[np.ndarray, float], workers: int,
                   seed: int) -> bool:
    """CP-SAT on the options that could still improve the incumbent (and the incumbent's own).

    Reduced-cost fixing is only valid with the bound of the very prices behind `values`. When more
    options stay useful than EXACT_OPTION_LIMIT, or than building and loading CP-SAT's model fits in
    the time left, CP-SAT still runs, on the ones with the smallest price-loss, as a search that
    proves nothing (before, the run ended here, its time limit far from used up and the gap open).
    Returns whether the run was exact.
    """
    values, bound_of_values = priced
    useful = useful_options(prep, values, bound_of_values - run.best_value)
    assert run.best is not None
    mine = np.array(sorted(counts(prep, run.best)[0]), dtype=np.int64)
    fits = int(run.left(0.9) / (2 * BUILD_SECONDS_PER_OPTION)) - len(mine)
    log.info("useful options: %d of %d, time for %d", len(useful), len(prep.opt_cg), fits)
    exact = len(useful) <= min(EXACT_OPTION_LIMIT, fits)
    if not exact:
        if fits < MIN_SEARCH_OPTIONS:
            return False
        loss = best_per_group(prep, values)[prep.opt_cg[useful]] - values[useful]
        useful = useful[np.argsort(loss, kind="stable")[:min(EXACT_OPTION_LIMIT, fits)]]
    bound = _cpsat(prep, run, np.union1d(useful, mine), workers, seed, 0.9)
    if exact and bound is not None:
        run.model_bound = min(run.model_bound, max(run.best_value, bound))
    run.report("cp-sat")
    return exact


def _component_greedy(prep: Prepared, run: Run, plan: tuple[list[BookedExam], int, int],
                      ) -> tuple[list[BookedExam], int, int]:
    """`plan`, or the top-up run on the pinned bookings alone when it scores better.

    That is a greedy per component (deadline order, each component to its best session, trips
    split when no day offers all): outside the day groups, so only a final candidate, tried when
    the time left allows (about TOPUP_SECONDS_PER_COMPONENT each) and kept only when it books at
    least as many components as greedy. On a busy machine, where column generation gets few
    rounds, it often beats the searched plan.
    """
    needed = sum(len(x.needs) for x in prep.problem.learners)
    cancelled = run.cancel is not None and run.cancel.cancelled
    if cancelled or run.left() + 0.1 * run.limit < TOPUP_SECONDS_PER_COMPONENT * needed:
        return plan
    empty = Assignment(prep.cap.copy())
    bookings, gained = top_up(prep, to_solution(prep, empty))
    value = objective(prep, empty) + gained
    if value > plan[1] and len(bookings) - len(prep.pinned) >= run.floor:
        return bookings, value, gained
    return plan


def _finish(prep: Prepared, run: Run, exact: bool, kept: Assignment) -> Solution:
    assert run.best is not None
    bookings, gained = top_up(prep, to_solution(prep, run.best))
    value = int(run.best_value) + gained
    # the published plan minus the impossible (split trips restored), topped up, may score best
    restored, back = top_up(prep, to_solution(prep, kept), only_existing=True)
    keepable = {(b.learner, b.component, b.session) for b in restored}
    if prep.problem.bookings:
        restored, more = top_up(prep, restored)
        if objective(prep, kept) + back + more > value:
            bookings, value, gained = restored, objective(prep, kept) + back + more, back + more
    bookings, value, gained = _component_greedy(prep, run, (bookings, value, gained))
    bound = None if run.bound == float("inf") else int(max(run.bound, value))
    status = "optimal" if bound is not None and bound <= value else "feasible"
    if run.cancel is not None and run.cancel.cancelled and status != "optimal":
        status = "cancelled"
    return Solution(bookings=bookings, unbooked=diagnose(prep.problem, bookings), status=status,
                    objective=value, bound=bound, seconds=run.elapsed(),
                    first_solution_seconds=run.first, method="greedy+colgen+dive+cpsat",
                    stats={"classes": len(prep.classes), "options": len(prep.opt_cg),
                           "greedy_booked": run.floor + len(prep.pinned),
                           "exact_restriction": float(exact),
                           "model_bound": float(run.model_bound), "topped_up": float(gained)},
                    moved=moves(prep.problem, bookings, keepable))
