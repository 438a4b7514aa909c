"""A proven upper bound by Lagrangian relaxation, valid for any multipliers.

Relaxing "one cohort per module" and the learners' own time clashes leaves one small problem
per cohort (stay closed, or open with min..max of its best reduced-profit learners), solved
exactly; so every multiplier vector gives a valid bound, and subgradient steps tighten it
towards the LP bound (the cohort problem has the integrality property).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from scheduler.sessions import constraints as rules
from scheduler.sessions.index import Index

BIG = 1e12


@dataclass
class Relaxation:
    """The index as arrays, plus the current multipliers."""

    arc_lm: np.ndarray
    arc_cohort: np.ndarray
    score: np.ndarray
    pinned: np.ndarray
    cost: np.ndarray
    low: np.ndarray
    high: np.ndarray
    has_pin: np.ndarray
    edges: np.ndarray
    n_lms: int
    constant: float
    lam: np.ndarray
    mu: np.ndarray
    theta: float = 1.0  # subgradient step scale, kept between calls
    best: float = np.inf
    stall: int = 0


def relaxation(idx: Index) -> Relaxation:
    """Arrays for the relaxation, multipliers started at each learner-module's best arc."""
    arc_lm = np.asarray(idx.arc_lm, dtype=np.int64)
    score = np.asarray(idx.arc_score, dtype=np.float64)
    pinned = np.zeros(len(score), dtype=bool)
    pinned[idx.pinned] = True
    cohorts = idx.problem.cohorts
    arc_cohort = np.asarray(idx.arc_cohort, dtype=np.int64)
    has_pin = np.zeros(len(cohorts), dtype=bool)
    has_pin[arc_cohort[pinned]] = True
    lam = np.zeros(len(idx.lms))
    if len(score):
        np.maximum.at(lam, arc_lm, score)
    return Relaxation(
        arc_lm, arc_cohort, score, pinned, np.asarray(idx.cohort_cost, dtype=np.float64),
        *rules.size_bounds(cohorts), has_pin,
        np.asarray(idx.clash_arcs, dtype=np.int64).reshape(-1, 2), len(idx.lms),
        float(idx.constant), lam, np.zeros(len(idx.clash_arcs)))


def evaluate(rel: Relaxation) -> tuple[float, np.ndarray]:
    """The bound for the current multipliers and the relaxed solution's x (0/1 per arc)."""
    r = rel.score - rel.lam[rel.arc_lm]
    if len(rel.edges):
        r -= np.bincount(rel.edges.ravel(), weights=np.repeat(rel.mu, 2), minlength=len(r))
    order = np.lexsort((-(r + BIG * rel.pinned), rel.arc_cohort))
    cohort_sorted = rel.arc_cohort[order]
    starts = np.searchsorted(cohort_sorted, np.arange(len(rel.cost)))
    rank = np.arange(len(order)) - starts[cohort_sorted]
    r_sorted = r[order]
    take = (rank < rel.low[cohort_sorted]) | ((rank < rel.high[cohort_sorted]) & (r_sorted > 0))
    take |= rel.pinned[order]
    counts = np.bincount(rel.arc_cohort, minlength=len(rel.cost))
    value = np.bincount(cohort_sorted, weights=r_sorted * take, minlength=len(rel.cost)) - rel.cost
    feasible = counts >= rel.low
    open_ = feasible & ((value > 0) | rel.has_pin)
    bound = rel.constant + rel.lam.sum() + rel.mu.sum() + value[open_].sum()
    x = np.zeros(len(r))
    x[order] = take & open_[cohort_sorted]
    return float(bound), x


def improve(rel: Relaxation, target: float, seconds: float, max_iter: int = 10_000) -> float:
    """Subgradient (Polyak steps towards `target`) for about `seconds`; returns the best bound.

    The iterate, step scale and best bound carry over between calls, so short slices add up.
    """
    deadline = time.monotonic() + seconds
    for _ in range(max_iter):
        bound, x = evaluate(rel)
        if bound < rel.best - 1e-9:
            rel.best, rel.stall = bound, 0
        else:
            rel.stall += 1
            if rel.stall >= 15:
                rel.theta, rel.stall = rel.theta / 2, 0
        if time.monotonic() > deadline or rel.theta < 1e-3 or rel.best - target < 0.5:
            break
        _step(rel, x, bound, target)
    return rel.best


def _step(rel: Relaxation, x: np.ndarray, bound: float, target: float) -> None:
    g_lm = 1.0 - np.bincount(rel.arc_lm, weights=x, minlength=rel.n_lms)
    g_lm[(rel.lam <= 0) & (g_lm > 0)] = 0.0
    g_e = 1.0 - x[rel.edges[:, 0]] - x[rel.edges[:, 1]] if len(rel.edges) else np.zeros(0)
    g_e[(rel.mu <= 0) & (g_e > 0)] = 0.0
    norm = float(g_lm @ g_lm + g_e @ g_e)
    if norm == 0:
        return
    step = rel.theta * max(bound - target, 1.0) / norm
    rel.lam = np.maximum(0.0, rel.lam - step * g_lm)
    rel.mu = np.maximum(0.0, rel.mu - step * g_e)
