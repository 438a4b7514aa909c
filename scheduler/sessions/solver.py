"""Solve a sessions problem: greedy start, window LNS with exact MIPs, proven bound, diagnosis.

The plan is improved window by window (learners grouped by home, everyone else held in place);
a small problem then gets the full MIP, whose own bound may prove optimality. A Lagrangian
relaxation (and, when small, the exact LP) proves the bound, in a second thread if workers > 1.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Collection

import numpy as np

from scheduler.common.errors import PlanRejectedError, ProblemInputError
from scheduler.common.progress import CancelToken, ProgressCallback, relative_gap
from scheduler.sessions.bound import Relaxation, improve, relaxation
from scheduler.sessions.bound_worker import BoundWorker
from scheduler.sessions.check import check
from scheduler.sessions.diagnosis import diagnose
from scheduler.sessions.domain import Problem, Solution
from scheduler.sessions.greedy import greedy_plan, repair_existing
from scheduler.sessions.index import Index, build_index
from scheduler.sessions.model import solve_window, window_for, window_value
from scheduler.sessions.pins import pinned_start
from scheduler.sessions.plan import Plan
from scheduler.sessions.polish import fill_running, open_closed
from scheduler.sessions.run import OPTIMAL_GAP, Run
from scheduler.sessions.windows import bisect_windows

log = logging.getLogger(__name__)

WINDOW_ARCS = 15_000  # bisection stops at 7.5-15k arcs: HiGHS proves these in 1-7 s (see docs)
MIN_WINDOW_ARCS = 5_000
FULL_MODEL_ARCS = 25_000  # up to here (about 1,200 learners) the full MIP runs (see _lns)
WINDOW_SECONDS = 10.0
WINDOW_GAP = 1e-4  # a partial window need not be closed to the last point: the next round revisits
STALL = 1e-4  # a round gaining less than this hands a small problem over to the full MIP
FULL_MIP_SECONDS = 40.0  # the least time worth giving the full MIP (see _lns)
MAX_SECONDS = 86_400.0  # a day: a longer limit is a typo (or `inf`), and would overflow HiGHS's clock
PIN_SHARE = 0.25  # of the time limit, at most, to top pinned cohorts up to their minimum
# phases a caller may switch off (`solve(skip=...)`, for the ablation in bench/phases.py)
PHASES = ("windows", "worker_mip", "polish")
# The finish (free seats filled, the diagnosis of every unplaced learner, the independent check)
# runs after the search and touches every learner, as the set-up before it did (index, pins,
# greedy, relaxation): the search ends that long before the limit, at most FINISH_SHARE of it, so
# the solve as a whole keeps its limit (issue 17: a 5 s re-solve took 8-13 s).
FINISH_SHARE = 0.3


def _better_start(run: Run, pins: Plan) -> None:
    """Replace greedy by the kept existing plan (topped up greedily) if it scores more.

    (A demand-first construction used to be a candidate too; the windows did better from greedy's
    plan at every size and limit measured, see docs/benchmarks.md, *Which phase pays*.)
    """
    idx, plan = run.idx, run.plan
    if not (idx.existing_arc or idx.pinned):
        return
    base = repair_existing(idx, pins)
    # never fewer placed than greedy; among those, the best objective
    if base.placed() >= plan.placed() and base.objective() > plan.objective():
        run.plan = base
        run.improved()


def _apply(run: Run, lms: list[int], seconds: float, seed: int) -> None:
    """Re-optimise one window; keep the result only if it scores and places at least as much.

    Placing no fewer is checked here rather than as a model row: that row slowed HiGHS
    three-fold on windows (measured), and optimal windows nearly always satisfy it anyway.
    """
    window = window_for(run.plan, lms)
    before = window_value(run.plan, window)
    placed = sum(1 for lm in window.lms if run.plan.assign[lm] >= 0)
    active = run.idx.lm_arcs
    full = sum(1 for lm in lms if active[lm]) == sum(1 for arcs in active if arcs)
    result = solve_window(run.plan, window, time_limit=seconds, seed=seed,
                          stop=lambda: run.cancelled() or run.left() <= 0,  # the limit holds
                          gap=1e-7 if full else WINDOW_GAP)
    if result is None:
        return
    if full:
        run.tighten(run.idx.constant + result.bound)
    now_placed = sum(1 for arc in result.assign.values() if arc >= 0)
    if result.value > before + 1e-6 and now_placed >= placed:
        for lm, arc in result.assign.items():
            run.plan.place(lm, arc)
        run.improved()
        run.report("window")


def _lns_round(run: Run, rng: np.random.Generator, seed: int, arcs: int) -> float:
    """Re-optimise every window once; returns the relative improvement of the round."""
    before = run.objective
    for lms in bisect_windows(run.idx, arcs, rng):
        if run.stop():
            break
        _apply(run, lms, min(WINDOW_SECONDS, run.left()), seed)
        run.poll()
    return (run.objective - before) / max(1.0, abs(before))


def _lns(run: Run, seed: int, rel: Relaxation, skip: frozenset[str] = frozenset()) -> None:
    """Window rounds; with one worker, a small problem with time to spare finishes with the full
    MIP, hinted with the LNS plan.

    With a second worker that worker runs the full MIP from the start (for its bound and its plan),
    and a second full MIP here gained nothing measurable (1,000 learners at 100 s: 2 points of
    2.2 million; docs/benchmarks.md, *Which phase pays*), so it runs only without one. HiGHS needs
    30-50 s of root work on the full model at 1,000 learners before its heuristics beat the windows
    (measured), so the full MIP only gets the second half of long runs.
    """
    rng = np.random.default_rng(seed)
    small = run.idx.n_arcs <= FULL_MODEL_ARCS
    mip = small and run.helper is None and run.limit * 0.5 >= FULL_MIP_SECONDS
    arcs = max(MIN_WINDOW_ARCS, run.idx.n_arcs // 2) if small else WINDOW_ARCS
    rounds, phase_end = 0, run.limit * (0.5 if mip else 1.0)
    while "windows" not in skip and not run.stop() and run.elapsed() < phase_end:
        gain = _lns_round(run, rng, seed, arcs)
        rounds += 1
        run.report(f"lns round {rounds}")
        if run.helper is None and not run.stop():  # else the second worker proves the bound
            run.tighten(improve(rel, run.objective, max(0.1, 0.25 * run.left())))
            run.report(f"bound after round {rounds}")
        if mip and gain < STALL:
            break
    while "windows" in skip and not run.stop() and run.elapsed() < phase_end:  # the bound's time
        if run.helper is None:
            run.tighten(improve(rel, run.objective, max(0.1, phase_end - run.elapsed())))
        run.poll(min(1.0, max(0.0, phase_end - run.elapsed())))
    if mip and not run.stop():
        _apply(run, [lm for lm, arcs in enumerate(run.idx.lm_arcs) if arcs], run.left(), seed)
        run.report("full MIP")


def check_time_limit(seconds: float, name: str = "time_limit") -> None:
    """Raise ProblemInputError unless `seconds` is a finite number in (0, MAX_SECONDS]."""
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds) and 0 < seconds <= MAX_SECONDS):
        raise ProblemInputError(name, f"must be a number of seconds above 0 and at most "
                                      f"{MAX_SECONDS:,.0f}, got {seconds!r}")


def _validated(problem: Problem, solution: Solution) -> Solution:
    """The solution, once the independent checker accepts it and agrees on its objective.

    A plan `check` rejects is a bug of the solver: it is refused loudly, never returned.
    """
    report = check(problem, solution.assignments)
    if report.violations or report.objective is None or abs(report.objective - solution.objective) > 1e-6:
        shown = "; ".join(report.violations[:5]) or (
            f"objective {solution.objective} but check recomputes {report.objective}")
        more = f" (and {len(report.violations) - 5} more)" if len(report.violations) > 5 else ""
        raise PlanRejectedError(f"the {solution.method or 'solver'} plan failed the independent "
                                f"check, a bug in the solver: {shown}{more}")
    return solution


def _polish(run: Run) -> None:
    """Fill free seats, open cohorts enough unplaced learners fit, fill again."""
    plan = run.plan.copy()
    fill_running(plan)
    if open_closed(plan):
        fill_running(plan)
    if plan.objective() > run.objective + 1e-6 and plan.placed() >= run.plan.placed():
        run.plan = plan
        run.improved()
        run.report("fill")


def _final_bound(run: Run) -> float | None:
    """The proven bound, or None when a bound worker failed or a bound lies below the plan."""
    if run.bound_failed:
        return None
    if run.bound is not None and run.bound < run.objective - 1e-6 * max(1.0, abs(run.objective)):
        log.warning("bound %s below the plan's objective %s: numerical trouble, bound unknown",
                    run.bound, run.objective)
        return None
    return run.bound


def solve(problem: Problem, *, time_limit: float = 60.0, workers: int = 2, seed: int = 0,
          progress: ProgressCallback | None = None, cancel: CancelToken | None = None,
          skip: Collection[str] = ()) -> Solution:
    """Best plan found within the time limit, with a proven bound; never worse than greedy.

    `skip` switches phases off (names in PHASES), to measure what each one gains.

    With workers > 1 the bound is proven in a second process beside the MIPs (HiGHS itself
    uses one thread). With workers=1 and a fixed seed, runs repeat exactly when no MIP hits its limit.
    Raises InfeasibleInputError when the pins cannot all hold, naming them, and PlanRejectedError
    (a bug) rather than return a plan the independent checker rejects.
    """
    check_time_limit(time_limit)
    if workers < 1:
        raise ProblemInputError("workers", f"must be at least 1, got {workers}")
    off = frozenset(skip)
    if off - set(PHASES):
        raise ProblemInputError("skip", f"unknown phase(s) {sorted(off - set(PHASES))}; "
                                        f"known: {', '.join(PHASES)}")
    started = time.monotonic()
    idx = build_index(problem)
    pins = pinned_start(idx, PIN_SHARE * time_limit,
                        stop=lambda: cancel is not None and cancel.cancelled)
    run = Run(idx, greedy_plan(idx, pins), started, time_limit, progress, cancel)
    run.report("greedy")
    _better_start(run, pins)
    run.report("start")
    rel = relaxation(idx)
    run.limit = time_limit - min(FINISH_SHARE * time_limit, run.elapsed())  # room for the finish
    if workers > 1:  # the forked child proves the bound from the start; the windows start at once
        run.helper = BoundWorker(idx, rel, run.plan, run.objective, started + run.limit,
                                 mip="worker_mip" not in off)
    else:
        run.tighten(improve(rel, run.objective, min(2.0, 0.1 * time_limit)))
        run.report("first bound")
    try:
        _lns(run, seed, rel, off)
    finally:
        if run.helper is not None:
            run.helper.close()
            run.poll()
    if "polish" not in off:
        _polish(run)
    run.report("done")
    bound = _final_bound(run)
    gap = relative_gap(run.objective, bound)
    return _validated(problem, Solution(
        status="optimal" if gap is not None and gap <= OPTIMAL_GAP else "feasible",
        assignments=run.plan.assignments(), unplaced=diagnose(idx, run.plan),
        objective=run.objective, bound=bound, seconds=run.elapsed(),
        method="window LNS + Lagrangian bound"))


def greedy_solution_plan(idx: Index) -> Plan:
    """Greedy from the pins (pinned cohorts topped up to their minimum), then free seats filled."""
    plan = greedy_plan(idx, pinned_start(idx, 30.0))
    fill_running(plan)
    return plan


def greedy(problem: Problem) -> Solution:
    """The hand-planner's baseline as a Solution (no bound)."""
    started = time.monotonic()
    idx = build_index(problem)
    plan = greedy_solution_plan(idx)
    return _validated(problem, Solution(
        status="feasible", assignments=plan.assignments(), unplaced=diagnose(idx, plan),
        objective=plan.objective(), bound=None, seconds=time.monotonic() - started, method="greedy"))
