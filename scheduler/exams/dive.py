"""Dive on the master LP: fix whole-number trips, round the most decided fractions up, re-solve."""

from __future__ import annotations

import logging
from collections.abc import Callable

import highspy
import numpy as np

from scheduler.exams.lp import Master

log = logging.getLogger(__name__)

Counts = tuple[dict[int, int], dict[tuple[int, int], int]]


def _resolve(m: Master, deadline: Callable[[], float]) -> bool:
    m.h.setOptionValue("time_limit", m.h.getRunTime() + max(0.1, deadline()))
    m.h.run()
    if m.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return False
    m.values = np.array(m.h.getSolution().col_value)[m.sessions:]
    return True


def _fix(m: Master, cols: np.ndarray, lower: np.ndarray) -> None:
    idx = (cols + m.sessions).astype(np.int32)
    upper = np.array(m.upper)[cols] if len(cols) else np.zeros(0)
    m.h.changeColsBounds(len(idx), idx, lower.astype(float), upper)


def _undo(m: Master, cols: np.ndarray) -> None:
    _fix(m, cols, np.zeros(len(cols)))


def dive(m: Master, deadline: Callable[[], float], batch: float = 0.5) -> Counts | None:
    """Round the LP to whole trips; None when time runs out first. The master is left fixed."""
    while deadline() > 0:
        v = m.values
        frac = np.abs(v - np.round(v)) > 1e-6
        if not frac.any():
            return _counts(m)
        fixed_whole = np.flatnonzero(~frac & (v > 0.5))
        _fix(m, fixed_whole, np.round(v[fixed_whole]))
        cand = np.flatnonzero(frac)
        cand = cand[np.argsort(-(v[cand] - np.floor(v[cand])), kind="stable")]
        take = cand[: max(1, int(len(cand) * batch))]
        log.debug("dive: %d fractional, fixing %d", len(cand), len(take))
        _fix(m, take, np.ceil(v[take]))
        if _resolve(m, deadline):
            continue
        _undo(m, take)
        _fix(m, take[:1], np.ceil(v[take[:1]]))
        if not _resolve(m, deadline):
            _undo(m, take[:1])
            _cap(m, take[0], np.floor(v[take[0]]))
            if not _resolve(m, deadline):
                return None
    return None


def _cap(m: Master, col: int, upper: float) -> None:
    i = np.array([col + m.sessions], dtype=np.int32)
    m.h.changeColsBounds(1, i, np.zeros(1), np.array([upper]))


def _counts(m: Master) -> Counts:
    """Trip and booking counts of the (whole-number) LP solution."""
    p = m.prep
    z: dict[int, int] = {}
    u: dict[tuple[int, int], int] = {}
    for (o, mask), value in zip(m.columns, m.values.tolist(), strict=False):
        k = int(round(value))
        if k <= 0:
            continue
        z[o] = z.get(o, 0) + k
        for j in range(p.opt_sess.shape[1]):
            if mask >> j & 1:
                u[(o, j)] = u.get((o, j), 0) + k
    return z, u
