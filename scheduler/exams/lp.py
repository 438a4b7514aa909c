"""Column generation on the aggregated LP (HiGHS): the master prices seats, pricing adds trips."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np

from scheduler.exams import constraints as rules
from scheduler.exams.model import Prepared
from scheduler.exams.pricing import lagrangian_bound

INF = highspy.kHighsInf


@dataclass(slots=True)
class Master:
    """The restricted master LP; rows: seats, crowding, groups, then days as they appear."""

    prep: Prepared
    h: highspy.Highs
    day: dict[int, int] = field(default_factory=dict)  # (class, day) key -> its one-trip-a-day row
    columns: list[tuple[int, int]] = field(default_factory=list)  # after one `over` per session
    index: set[tuple[int, int]] = field(default_factory=set)
    upper: list[float] = field(default_factory=list)  # per trip column: members of its class
    values: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def sessions(self) -> int:
        """Number of sessions (seat rows)."""
        return len(self.prep.cap)


def _rows(h: highspy.Highs, upper: np.ndarray) -> None:
    n = len(upper)
    empty = np.zeros(0, dtype=np.int32)
    h.addRows(n, np.full(n, -INF), upper.astype(float), 0, empty, empty, np.zeros(0))


def seats_per_session(m: Master) -> None:
    """Hard: seats per session. Soft: each seat beyond the comfortable fill costs `crowding`.

    Right-hand sides from `constraints.seats_left` (prep.cap, prep.comfort).
    """
    n, crowd = m.sessions, float(m.prep.problem.weights.crowding)
    _rows(m.h, np.maximum(m.prep.cap, 0))
    _rows(m.h, m.prep.comfort)
    rows = np.arange(n, 2 * n, dtype=np.int32)
    m.h.addCols(n, np.full(n, -crowd), np.zeros(n), np.full(n, INF), n,
                np.arange(n, dtype=np.int32), rows, np.full(n, -1.0))


def each_group_once(m: Master) -> None:
    """Hard: at most one trip per learner and group, so each component is booked at most once."""
    _rows(m.h, m.prep.cg_size)


def one_trip_per_day(m: Master, keys: np.ndarray) -> None:
    """Hard: one trip a day per learner (`constraints.trip_day_keys`): a row per (class, day)."""
    new = sorted({int(k) for k in keys if k >= 0 and int(k) not in m.day})
    base = 2 * m.sessions + len(m.prep.cg_class) + len(m.day)
    for i, key in enumerate(new):
        m.day[key] = base + i
    if new:
        _rows(m.h, rules.trips_a_day(m.prep, np.array(new, dtype=np.int64)))


def _column(m: Master, o: int, mask: int, day_key: int) -> tuple[float, float, list[int]]:
    p = m.prep
    cg, ci = int(p.opt_cg[o]), int(p.cg_class[p.opt_cg[o]])
    slots = [j for j in range(p.opt_sess.shape[1]) if mask >> j & 1]
    rows = [2 * m.sessions + cg]
    if day_key >= 0:
        rows.append(m.day[day_key])
    for j in slots:
        s = int(p.opt_sess[o, j])
        rows += [s, m.sessions + s]
    value = float(p.opt_val[o, slots].sum() - p.opt_travel[o])
    return value, float(len(p.classes[ci].members)), rows


def add_columns(m: Master, options: np.ndarray, masks: np.ndarray) -> int:
    """Add trips (option, booked-slot mask) as columns: a whole trip for some of a class."""
    p = m.prep
    new = [(int(o), int(k)) for o, k in zip(options, masks, strict=True)
           if k and (int(o), int(k)) not in m.index]
    new = list(dict.fromkeys(new))
    keys = rules.trip_day_keys(p, np.array([o for o, _ in new], dtype=np.int64))
    one_trip_per_day(m, keys)
    cost: list[float] = []
    upper: list[float] = []
    starts: list[int] = []
    rows: list[int] = []
    for (o, k), key in zip(new, keys.tolist(), strict=True):
        value, n, r = _column(m, o, k, key)
        cost.append(value)
        upper.append(n)
        starts.append(len(rows))
        rows += r
    if new:
        m.h.addCols(len(new), np.array(cost), np.zeros(len(new)), np.array(upper), len(rows),
                    np.array(starts, dtype=np.int32), np.array(rows, dtype=np.int32),
                    np.ones(len(rows)))
        m.columns += new
        m.index.update(new)
        m.upper += upper
    return len(new)


def new_master(prep: Prepared, threads: int = 1) -> Master:
    """An empty master with its seat, crowding and group rows."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", max(1, threads))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    m = Master(prep, h)
    seats_per_session(m)
    each_group_once(m)
    return m


def solve_master(m: Master, seconds: float) -> tuple[float, np.ndarray]:
    """Solve the LP; keep its trip values; return its value and the row duals."""
    m.h.setOptionValue("time_limit", m.h.getRunTime() + max(0.1, seconds))  # HiGHS clock is cumulative
    m.h.run()
    if m.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        raise TimeoutError(f"master LP ended with {m.h.modelStatusToString(m.h.getModelStatus())}")
    sol = m.h.getSolution()
    m.values = np.array(sol.col_value)[m.sessions:]
    return m.h.getInfo().objective_function_value + m.prep.const, np.array(sol.row_dual)


def entering(m: Master, values: np.ndarray, duals: np.ndarray, per_group: int) -> np.ndarray:
    """Options with positive reduced cost, the best `per_group` of each (class, group)."""
    p, base = m.prep, 2 * m.sessions
    rc = values - duals[base + p.opt_cg]
    if m.day:
        keys = np.array(list(m.day), dtype=np.int64)
        dual = duals[np.array(list(m.day.values()))]
        order = np.argsort(keys)
        keys, dual = keys[order], dual[order]
        opt_keys = rules.trip_day_keys(p, np.arange(len(p.opt_cg)))
        pos = np.minimum(np.searchsorted(keys, opt_keys), len(keys) - 1)
        rc = rc - np.where(keys[pos] == opt_keys, dual[pos], 0.0)
    cand = np.flatnonzero(rc > 1e-6)
    order = cand[np.lexsort((-rc[cand], p.opt_cg[cand]))]
    rank = np.arange(len(order)) - np.searchsorted(p.opt_cg[order], p.opt_cg[order])
    return order[rank < per_group]


def priced_mask(prep: Prepared, options: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Per option, the bitmask of slots worth booking at these prices."""
    sess = prep.opt_sess[options]
    worth = (sess >= 0) & (prep.opt_val[options] - price[np.maximum(sess, 0)] > 0)
    return (worth * (1 << np.arange(sess.shape[1]))).sum(axis=1)


def column_generation(m: Master, deadline: Callable[[], float], per_group: int = 3,
                      on_bound: Callable[[float, float, np.ndarray, np.ndarray], None] | None = None,
                      ) -> dict:
    """Alternate master LP and pricing until no trip prices in or time runs out."""
    best, lp_value, rounds, lam, rho, n = float("inf"), float("-inf"), 0, None, None, m.sessions
    converged, took = False, 0.0
    while deadline() > 1.5 * took + 0.2:  # a round cut short by the clock is wasted
        start = time.monotonic()
        try:
            lp_value, duals = solve_master(m, deadline())
        except TimeoutError:
            break
        took = time.monotonic() - start
        lam, rho = duals[:n], duals[n:2 * n]
        bound, values = lagrangian_bound(m.prep, lam, rho)
        best, rounds = min(best, bound), rounds + 1
        if on_bound:
            on_bound(lp_value, best, lam, rho)
        new = entering(m, values, duals, per_group)
        converged = len(new) == 0
        if converged or deadline() <= 0.2:
            break
        price = np.maximum(lam, 0) + np.maximum(rho, 0)
        if add_columns(m, new, priced_mask(m.prep, new, price)) == 0:
            converged = True
            break
    return {"bound": best, "lp": lp_value, "rounds": rounds, "lam": lam, "rho": rho,
            "converged": converged}
