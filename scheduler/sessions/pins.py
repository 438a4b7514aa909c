"""Pinned assignments: a start plan that keeps every pin valid, or a refusal naming the pins.

A pinned cohort must run, so it needs at least its minimum of learners. When fewer are pinned (a
learner left a published cohort), other learners who may legally join are added: the fewest
needed, chosen by an exact 0-1 model over the arcs into those cohorts (rows from
constraints.py). Only the pinned cohorts matter for whether the pins can hold: from any valid plan,
emptying every unpinned cohort leaves a valid plan. So when that model has no solution, no plan
keeps the pins, and the solve is refused with `InfeasibleInputError` naming the cohorts, their
pinned learners and why.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable

from ortools.math_opt.python import mathopt

from scheduler.common.errors import InfeasibleInputError
from scheduler.sessions import constraints as rules
from scheduler.sessions.index import Index
from scheduler.sessions.linear import LinearModel
from scheduler.sessions.model import highs
from scheduler.sessions.plan import Plan

NAMES_SHOWN = 8  # pinned learners named per cohort in a refusal; the rest are counted


def _names(ids: list[str]) -> str:
    shown = ", ".join(ids[:NAMES_SHOWN])
    return shown + (f" and {len(ids) - NAMES_SHOWN} more" if len(ids) > NAMES_SHOWN else "")


def _candidates(plan: Plan, short: list[int]) -> dict[int, list[int]]:
    """Per cohort below its minimum, the unpinned arcs into it that never clash with a pin."""
    idx = plan.idx
    return {ci: [a for a in idx.cohort_arcs[ci] if plan.assign[idx.arc_lm[a]] < 0 and not plan.clashes(a)]
            for ci in short}


def _describe(plan: Plan, ci: int, extra: int) -> str:
    idx = plan.idx
    cohort = idx.problem.cohorts[ci]
    learners = idx.problem.learners
    pinned = sorted(learners[idx.lms[idx.arc_lm[a]][0]].id for a in idx.cohort_arcs[ci]
                    if plan.assign[idx.arc_lm[a]] == a)
    return (f"pinned cohort {cohort.id} has {len(pinned)} pinned learners ({_names(pinned)}), "
            f"below its minimum {cohort.min_size}, and only {extra} other learners may join it "
            "(language, travel, availability, busy times, dates, and no clash with their own pins)")


def _model(plan: Plan, arcs: dict[int, list[int]]) -> tuple[LinearModel, dict[int, int]]:
    """Add the fewest learners (then the best-scoring ones) bringing every short cohort to its minimum.

    The short cohorts' pinned arcs are variables too, kept by the pin rule, so the size rule sees
    them and makes each cohort run.
    """
    idx, model = plan.idx, LinearModel()
    top = max((idx.arc_score[a] for cols in arcs.values() for a in cols), default=0) + 1
    x = {a: model.add_var(idx.arc_score[a] - 2 * abs(top)) for cols in arcs.values() for a in cols}
    pins = {ci: [a for a in idx.cohort_arcs[ci] if plan.assign[idx.arc_lm[a]] == a] for ci in arcs}
    for pinned in pins.values():
        for a in pinned:
            x[a] = model.add_var(0.0)
            rules.pinned_kept(model, x[a])
    by_lm: dict[int, list[int]] = defaultdict(list)
    for a, col in x.items():
        by_lm[idx.arc_lm[a]].append(col)
    for cols in by_lm.values():
        rules.one_cohort_per_module(model, cols)
    for ci, cols in arcs.items():
        cohort = idx.problem.cohorts[ci]
        rules.cohort_size_zero_or_within_bounds(model, model.add_var(0.0), [x[a] for a in cols + pins[ci]],
                                                0, cohort.min_size, cohort.max_size)
    for a, b in idx.clash_arcs:
        if a in x and b in x:
            rules.no_clash_between_own_cohorts(model, x[a], x[b])
    return model, x


def pinned_start(idx: Index, seconds: float, stop: Callable[[], bool] = lambda: False) -> Plan:
    """The pins, with every pinned cohort brought up to its minimum; raises InfeasibleInputError."""
    plan = Plan(idx)
    for arc in idx.pinned:
        plan.place(idx.arc_lm[arc], arc)
    cohorts = idx.problem.cohorts
    short = sorted(ci for ci, n in enumerate(plan.size) if rules.below_minimum(cohorts[ci], n))
    if not short:
        return plan
    arcs = _candidates(plan, short)
    hopeless = [_describe(plan, ci, len({idx.arc_lm[a] for a in arcs[ci]})) for ci in short
                if not rules.enough_to_open(cohorts[ci], plan.size[ci] + len(arcs[ci]))]
    if hopeless:
        raise InfeasibleInputError("; ".join(hopeless))
    linear, x = _model(plan, arcs)
    model = linear.to_mathopt()
    params = mathopt.SolveParameters(time_limit=datetime.timedelta(seconds=max(0.5, seconds)))
    result = highs(model, params, stop)
    names = ", ".join(cohorts[ci].id for ci in short)
    if result is None:
        raise InfeasibleInputError(f"pinned cohorts {names} are below their minimum, and the MIP "
                                   "solver failed while looking for learners to top them up")
    reason = result.termination.reason
    if reason in (mathopt.TerminationReason.INFEASIBLE, mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED):
        raise InfeasibleInputError(
            f"pinned cohorts {names} are below their minimum and cannot all be topped up at once: "
            "the learners who may join them are too few, or would have to sit in two of them at the "
            "same time; " + "; ".join(_describe(plan, ci, len(arcs[ci])) for ci in short))
    if not result.has_primal_feasible_solution():
        raise InfeasibleInputError(
            f"pinned cohorts {names} are below their minimum, and no way to top them up was found "
            f"within {seconds:.0f} s (a larger time limit may find one, or unpin them)")
    var = list(model.variables())
    for a, v in zip(x, result.variable_values([var[col] for col in x.values()]), strict=True):
        if v > 0.5:
            plan.place(idx.arc_lm[a], a)
    return plan
