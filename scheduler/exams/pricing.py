"""Seat prices: trip values under prices, the Lagrangian bound they prove, and reduced costs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scheduler.exams.model import Prepared


def trip_values(prep: Prepared, price: np.ndarray) -> np.ndarray:
    """Each option's best value under seat prices: book only components worth their price."""
    sess = prep.opt_sess
    gain = np.where(sess >= 0, np.maximum(0, prep.opt_val - price[np.maximum(sess, 0)]), 0.0)
    return gain.sum(axis=1) - prep.opt_travel


def best_per_group(prep: Prepared, values: np.ndarray) -> np.ndarray:
    """The best option value per (class, group), at least 0 (booking nothing)."""
    best = np.zeros(len(prep.cg_class))
    np.maximum.at(best, prep.opt_cg, values)
    return best


def lagrangian_bound(prep: Prepared, lam: np.ndarray, rho: np.ndarray) -> tuple[float, np.ndarray]:
    """A proven upper bound for any seat prices lam >= 0 and crowding prices 0 <= rho <= weight.

    Relaxing seats and crowding rows (and the one-trip-per-day rows) leaves every learner free to
    take their best priced trip per group, so n_c * best_cg summed plus the priced capacities
    bounds every feasible booking plan. Returns the bound and the trip values used.
    """
    crowd = prep.problem.weights.crowding
    lam, rho = np.maximum(lam, 0.0), np.clip(rho, 0.0, crowd)
    values = trip_values(prep, lam + rho)
    best = best_per_group(prep, values)
    bound = float(lam @ prep.cap + rho @ prep.comfort + prep.cg_size @ best) + prep.const
    return bound, values


def useful_options(prep: Prepared, values: np.ndarray, slack: float) -> np.ndarray:
    """Options that can appear in a plan better than `bound - slack` (reduced-cost fixing)."""
    best = best_per_group(prep, values)
    return np.flatnonzero(best[prep.opt_cg] - values < slack + 1e-6)


def _usage(prep: Prepared, values: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Seats every learner would take if each took their best priced trip per group."""
    best = best_per_group(prep, values)
    top = np.flatnonzero((values >= best[prep.opt_cg] - 1e-9) & (best[prep.opt_cg] > 0))
    _, first = np.unique(prep.opt_cg[top], return_index=True)
    chosen = top[first]
    sess = prep.opt_sess[chosen]
    take = (sess >= 0) & (prep.opt_val[chosen] - price[np.maximum(sess, 0)] > 0)
    weight = np.repeat(prep.cg_size[prep.opt_cg[chosen]][:, None], sess.shape[1], axis=1)
    return np.bincount(sess[take], weights=weight[take], minlength=len(prep.cap))


def subgradient(prep: Prepared, lam: np.ndarray, rho: np.ndarray, target: float,
                deadline: Callable[[], float], steps: int = 200) -> tuple[float, np.ndarray, np.ndarray]:
    """Polish seat prices by Polyak subgradient steps towards `target`; the best bound wins."""
    crowd = prep.problem.weights.crowding
    lam, rho = np.maximum(lam, 0.0), np.clip(rho, 0.0, crowd)
    best = (float("inf"), lam, rho)
    theta, stall = 2.0, 0
    for _ in range(steps):
        if deadline() <= 0:
            break
        bound, values = lagrangian_bound(prep, lam, rho)
        if bound < best[0] - 1e-6:
            best, stall = (bound, lam, rho), 0
        else:
            stall += 1
            if stall >= 3:
                theta, stall = theta * 0.5, 0
        used = _usage(prep, values, lam + rho)
        g_lam, g_rho = prep.cap - used, prep.comfort - used
        norm = float(g_lam @ g_lam + g_rho @ g_rho)
        if norm == 0 or bound - target <= 0:
            break
        step = theta * (bound - target) / norm
        lam = np.maximum(0.0, lam - step * g_lam)
        rho = np.clip(rho - step * g_rho, 0.0, crowd)
    return best
