"""Split the learner-modules into geographic windows small enough for an exact MIP each."""

from __future__ import annotations

import math

import numpy as np

from scheduler.sessions.index import Index


def _bisect(members: np.ndarray, pts: np.ndarray, work: np.ndarray, limit: float) -> list[list[int]]:
    if work[members].sum() <= limit or len(members) < 2:
        return [members.tolist()]
    spread = pts[members].max(axis=0) - pts[members].min(axis=0)
    axis = int(np.argmax(spread))
    order = members[np.argsort(pts[members, axis], kind="stable")]
    cut = int(np.searchsorted(np.cumsum(work[order]), work[order].sum() / 2))
    cut = min(max(cut, 1), len(order) - 1)
    return _bisect(order[:cut], pts, work, limit) + _bisect(order[cut:], pts, work, limit)


def bisect_windows(idx: Index, arcs_per_window: int, rng: np.random.Generator) -> list[list[int]]:
    """Recursive coordinate bisection of learners' homes (randomly rotated) into windows of
    about `arcs_per_window` arcs; all modules of one learner stay in the same window."""
    learners = idx.problem.learners
    angle = rng.uniform(0, math.pi)
    lat = np.array([x.home.lat for x in learners])
    lon = np.array([x.home.lon for x in learners]) * 0.62  # km-ish: cos(52 degrees)
    pts = np.column_stack([lat * math.cos(angle) - lon * math.sin(angle),
                           lat * math.sin(angle) + lon * math.cos(angle)])
    work = np.zeros(len(learners))
    lms_of: list[list[int]] = [[] for _ in learners]
    for lm, (li, _module) in enumerate(idx.lms):
        work[li] += len(idx.lm_arcs[lm])
        lms_of[li].append(lm)
    groups = _bisect(np.flatnonzero(work > 0), pts, work, arcs_per_window)
    return [sorted(lm for li in g for lm in lms_of[li]) for g in groups if g]
