"""The MIP of one window (a set of free learner-modules) with everyone else held in place.

With every learner-module free this is the full model. Variables: x per candidate
assignment, y per cohort (runs or not). Rows come from scheduler.sessions.constraints.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.math_opt.python import mathopt
from ortools.util.python.solve_interrupter import SolveInterrupter

from scheduler.sessions import constraints as rules
from scheduler.sessions.index import Index
from scheduler.sessions.linear import LinearModel
from scheduler.sessions.plan import Plan

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WindowResult:
    """New arcs for the window's free learner-modules, the window's value and its proven bound."""

    assign: dict[int, int]
    value: float
    bound: float
    optimal: bool


@dataclass(frozen=True, slots=True)
class Window:
    """Free learner-modules, the cohorts they can reach, and who else already sits there."""

    lms: list[int]
    cohorts: list[int]
    fixed: dict[int, int]  # cohort -> learners in it that are not free


def window_for(plan: Plan, lms: list[int]) -> Window:
    """The window freeing `lms`: every cohort they can reach joins, with its other learners fixed."""
    idx, free = plan.idx, set(lms)
    cohorts = sorted({idx.arc_cohort[a] for lm in lms for a in idx.lm_arcs[lm]})
    fixed = {ci: plan.size[ci] for ci in cohorts}
    for lm in free:
        if plan.assign[lm] >= 0 and idx.arc_cohort[plan.assign[lm]] in fixed:
            fixed[idx.arc_cohort[plan.assign[lm]]] -= 1
    return Window(sorted(free), cohorts, fixed)


def full_window(plan: Plan) -> Window:
    """The window freeing every learner-module that has an arc: the whole model."""
    return window_for(plan, [lm for lm, arcs in enumerate(plan.idx.lm_arcs) if arcs])


def window_value(plan: Plan, window: Window) -> float:
    """The part of the objective the window's solve can change, under the current plan."""
    idx = plan.idx
    points = sum(idx.arc_score[plan.assign[lm]] for lm in window.lms if plan.assign[lm] >= 0)
    return float(points - sum(idx.cohort_cost[ci] for ci in window.cohorts if plan.size[ci] > 0))


def _allowed_arcs(plan: Plan, window: Window) -> list[int]:
    idx, free = plan.idx, set(window.lms)
    neighbours = idx.neighbours
    return [arc for lm in window.lms for arc in idx.lm_arcs[lm]
            if not any(plan.assign[idx.arc_lm[b]] == b and idx.arc_lm[b] not in free
                       for b in neighbours[arc])]


def build_window(plan: Plan, window: Window) -> tuple[LinearModel, dict[int, int], dict[int, int]]:
    """The window's 0-1 model and the columns of its x (per arc) and y (per cohort) variables."""
    idx, model = plan.idx, LinearModel()
    arcs = _allowed_arcs(plan, window)
    x = {a: model.add_var(idx.arc_score[a]) for a in arcs}
    y = {ci: model.add_var(-idx.cohort_cost[ci]) for ci in window.cohorts}
    by_lm: dict[int, list[int]] = {}
    by_cohort: dict[int, list[int]] = {ci: [] for ci in y}
    for a in arcs:
        by_lm.setdefault(idx.arc_lm[a], []).append(x[a])
        by_cohort[idx.arc_cohort[a]].append(x[a])
    for cols in by_lm.values():
        rules.one_cohort_per_module(model, cols)
    for ci, cols in by_cohort.items():
        cohort = idx.problem.cohorts[ci]
        rules.cohort_size_zero_or_within_bounds(model, y[ci], cols, window.fixed[ci],
                                                cohort.min_size, cohort.max_size)
    for a, b in idx.clash_arcs:
        if a in x and b in x:
            rules.no_clash_between_own_cohorts(model, x[a], x[b])
    for a in idx.pinned:
        if a in x:
            rules.pinned_kept(model, x[a])
    _trainer_rows(plan, model, y)
    return model, x, y


def _trainer_rows(plan: Plan, model: LinearModel, y: dict[int, int]) -> None:
    for a, b in plan.idx.trainer_pairs:
        if a in y and b in y:
            rules.trainer_in_one_place(model, y[a], y[b])
        elif a in y and plan.size[b] > 0:
            model.var_ub[y[a]] = 0.0
        elif b in y and plan.size[a] > 0:
            model.var_ub[y[b]] = 0.0


def _watch(stop: Callable[[], bool], interrupter: SolveInterrupter, done: threading.Event) -> None:
    while not done.wait(0.2):
        if stop():
            interrupter.interrupt()
            return


def highs(model: mathopt.Model, params: mathopt.SolveParameters, stop: Callable[[], bool],
          hints: list[mathopt.SolutionHint] | None = None) -> mathopt.SolveResult | None:
    """Run HiGHS, interrupting it as soon as `stop()` turns true (polled five times a second).

    None when HiGHS itself fails (it reports an internal error on numerically hopeless models,
    which OR-Tools turns into one of several exception types): the caller goes on without it.
    """
    interrupter, done = SolveInterrupter(), threading.Event()
    threading.Thread(target=_watch, args=(stop, interrupter, done), daemon=True).start()
    try:
        return mathopt.solve(model, mathopt.SolverType.HIGHS, params=params,
                             model_params=mathopt.ModelSolveParameters(solution_hints=hints or []),
                             interrupter=interrupter)
    except Exception as exc:  # noqa: BLE001 - StatusNotOk, or the AttributeError OR-Tools raises converting it
        log.warning("HiGHS failed (%s: %s); going on without this solve", type(exc).__name__, exc)
        return None
    finally:
        done.set()


def solve_window(plan: Plan, window: Window, *, time_limit: float, seed: int,
                 stop: Callable[[], bool] = lambda: False, hint: bool = True,
                 gap: float = 1e-7) -> WindowResult | None:
    """Solve the window's MIP with HiGHS, hinted with the current plan; None if nothing found.

    `time_limit` covers building the model too (a full model takes seconds on a busy machine).
    """
    started = time.monotonic()
    linear, x, y = build_window(plan, window)
    model = linear.to_mathopt()
    var = list(model.variables())  # in column order; get_variable() per column cost 1.5 s a round
    values = {var[col]: float(plan.assign[plan.idx.arc_lm[a]] == a) for a, col in x.items()}
    values.update({var[col]: float(plan.size[ci] > 0) for ci, col in y.items()})
    left = time_limit - (time.monotonic() - started)
    params = mathopt.SolveParameters(time_limit=datetime.timedelta(seconds=max(0.05, left)),
                                     random_seed=seed, relative_gap_tolerance=gap)
    result = highs(model, params, stop, [mathopt.SolutionHint(variable_values=values)] if hint else None)
    if result is None or not result.has_primal_feasible_solution():
        return None
    assign = dict.fromkeys(window.lms, -1)
    for a, v in zip(x, result.variable_values([var[col] for col in x.values()]), strict=True):
        if v > 0.5:
            assign[plan.idx.arc_lm[a]] = a
    optimal = result.termination.reason == mathopt.TerminationReason.OPTIMAL
    return WindowResult(assign, result.objective_value(),
                        result.termination.objective_bounds.dual_bound, optimal)


def lp_bound(idx: Index, *, time_limit: float, stop: Callable[[], bool]) -> float | None:
    """The LP relaxation's optimum of the full model (a proven bound), or None if not reached."""
    plan = Plan(idx)
    linear, _x, _y = build_window(plan, full_window(plan))
    params = mathopt.SolveParameters(time_limit=datetime.timedelta(seconds=max(0.05, time_limit)))
    result = highs(linear.to_mathopt(relax=True), params, stop)
    if result is None or result.termination.reason != mathopt.TerminationReason.OPTIMAL:
        return None
    return idx.constant + result.objective_value()
