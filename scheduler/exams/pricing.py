"""Seat prices: trip values under prices, the Lagrangian bound they prove, and reduced costs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scheduler.exams import constraints as rules
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
                deadline: Callable[[], float], steps: int = 200,
                on_better: Callable[[np.ndarray, np.ndarray], None] | None = None,
                ) -> tuple[float, np.ndarray, np.ndarray]:
    """Polish seat prices by Polyak subgradient steps towards `target`; the best bound wins.

    `on_better` sees every fifth improving set of prices (the solver evaluates the true bound there).
    """
    improved = 0
    crowd = prep.problem.weights.crowding
    lam, rho = np.maximum(lam, 0.0), np.clip(rho, 0.0, crowd)
    best = (float("inf"), lam, rho)
    theta, stall = 2.0, 0
    for _ in range(steps):
        if deadline() <= 0:
            break
        bound, values = lagrangian_bound(prep, lam, rho)
        if bound < best[0] - 1e-6:
            best, stall, improved = (bound, lam, rho), 0, improved + 1
            if on_better is not None and improved % 5 == 0:
                on_better(lam, rho)
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


def _cells(prep: Prepared) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each option's (class, location, day) cell, each cell's class, and the cells' starts per class."""
    ci = prep.cg_class[prep.opt_cg]
    day0 = int(prep.opt_day.min()) if len(prep.opt_day) else 0
    key = (ci * (int(prep.opt_loc.max(initial=0)) + 1) + prep.opt_loc) * 10**6 + (prep.opt_day - day0)
    uniq, cell = np.unique(key, return_inverse=True)
    first = np.zeros(len(uniq), dtype=np.int64)
    first[cell[::-1]] = np.arange(len(cell))[::-1]
    cell_class = ci[first]
    return cell, cell_class, np.searchsorted(cell_class, np.arange(len(prep.classes)))


def _trip_subsets(prep: Prepared, most: int) -> list[tuple[int, list[int]]]:
    """Every set of components one trip may hold (`constraints.trip_room` with `most` a day)."""
    comps = prep.problem.components
    exams = [k for k, c in enumerate(comps) if not c.interview]
    out = [(1 << k, [k]) for k, c in enumerate(comps) if c.interview and rules.trip_room(most, (), True)]
    for mask in range(1, 1 << len(exams)):
        chosen = [exams[i] for i in range(len(exams)) if mask >> i & 1]
        if len(chosen) <= rules.trip_room(most, (), False):
            out.append((sum(1 << k for k in chosen), chosen))
    return out


MAX_EXACT_COMPONENTS = 10  # beyond this many components the per-learner bound splits travel instead


def true_bound(prep: Prepared, lam: np.ndarray, rho: np.ndarray) -> float:
    """A proven upper bound over every plan `check` accepts, for any seat and crowding prices.

    Unlike `lagrangian_bound` it does not assume the day groups: relaxing seats and crowding (with
    prices) and one-trip-a-day, each learner independently picks any set of trips, each at one
    (location, day) with up to `max_per_day` exam components or one interview, paying travel per
    trip and booking each component at most once. That best plan per class is found exactly by a
    dynamic programme over subsets of components (cells: the class's (location, day) pairs).
    """
    crowd = prep.problem.weights.crowding
    lam, rho = np.maximum(lam, 0.0), np.clip(rho, 0.0, crowd)
    base = float(lam @ prep.cap + rho @ prep.comfort) + prep.const
    if len(prep.opt_cg) == 0:
        return base
    sess, price = prep.opt_sess, lam + rho
    gain = np.where(sess >= 0, prep.opt_val - price[np.maximum(sess, 0)], np.nan)
    cell, cell_class, starts = _cells(prep)
    k_all = len(prep.problem.components)
    grid = np.full((len(cell_class), k_all), np.nan)
    comp = prep.cg_comp[prep.opt_cg]
    for j in range(sess.shape[1]):
        ok = sess[:, j] >= 0
        grid[cell[ok], comp[ok, j]] = gain[ok, j]
    travel = np.zeros(len(cell_class))
    travel[cell] = prep.opt_travel
    most = np.array([max(prep.learner[m].max_per_day for m in cl.members) for cl in prep.classes])
    has = np.diff(np.append(starts, len(cell_class))) > 0
    if k_all > MAX_EXACT_COMPONENTS:
        best = _split_travel(prep, grid, travel, cell_class, starts, has, most)
    else:
        best = _subset_programme(prep, grid, travel, cell_class, starts, has, most)
    return base + float(prep.class_sizes @ best)


def _per_class_max(values: np.ndarray, starts: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Max of `values` (cells sorted by class) per class; -inf for a class without cells or values."""
    if len(values) == 0:
        return np.full(len(starts), -np.inf)
    out = np.fmax.reduceat(values, np.minimum(starts, len(values) - 1))
    return np.where(has & ~np.isnan(out), out, -np.inf)


def _subset_programme(prep: Prepared, grid: np.ndarray, travel: np.ndarray, cell_class: np.ndarray,
                      starts: np.ndarray, has: np.ndarray, most: np.ndarray) -> np.ndarray:
    """Per class, the best plan as a partition of its components into trips (exact, 2^K states)."""
    k_all = grid.shape[1]
    best_trip: dict[int, np.ndarray] = {}
    for mask, chosen in _trip_subsets(prep, int(most.max(initial=1))):
        value = grid[:, chosen].sum(axis=1) - travel  # NaN when a component has no session there
        value = np.where(most[cell_class] >= len(chosen), value, np.nan)
        best_trip[mask] = _per_class_max(value, starts, has)
    full = (1 << k_all) - 1
    plan = np.zeros((full + 1, len(prep.classes)))
    for mask in range(1, full + 1):
        low = mask & -mask
        top = plan[mask ^ low].copy()  # the lowest component left unbooked
        for trip, value in best_trip.items():
            if trip & low and trip & mask == trip:
                top = np.maximum(top, value + plan[mask ^ trip])
        plan[mask] = top
    return plan[full]


def _split_travel(prep: Prepared, grid: np.ndarray, travel: np.ndarray, cell_class: np.ndarray,
                  starts: np.ndarray, has: np.ndarray, most: np.ndarray) -> np.ndarray:
    """A looser bound for many components: each booked exam pays travel / `max_per_day`."""
    total = np.zeros(len(prep.classes))
    for k, c in enumerate(prep.problem.components):
        share = travel if c.interview else travel / most[cell_class]
        total += np.maximum(0.0, _per_class_max(grid[:, k] - share, starts, has))
    return total
