"""Shared state of one solve: clock, incumbent plan, proven bound, progress and cancellation."""

from __future__ import annotations

import logging
import threading
import time

from scheduler.common.progress import CancelToken, Progress, ProgressCallback, relative_gap
from scheduler.sessions.bound_worker import BoundWorker
from scheduler.sessions.index import Index
from scheduler.sessions.plan import Plan

log = logging.getLogger(__name__)

OPTIMAL_GAP = 1e-6  # the objective is integral; at this gap it is optimal up to a point or two


class Run:
    """One solve's clock, incumbent and bound; `bound` may be tightened from another thread."""

    def __init__(self, idx: Index, plan: Plan, started: float, time_limit: float,
                 progress: ProgressCallback | None, cancel: CancelToken | None) -> None:
        self.idx, self.plan, self.started, self.limit = idx, plan, started, time_limit
        self.progress, self.cancel = progress, cancel
        self.bound: float | None = None
        self.objective = plan.objective()
        self.lock = threading.Lock()
        self.helper: BoundWorker | None = None
        self.floor = plan.placed()  # greedy's: no plan placing fewer is ever kept
        self.bound_failed = False  # a bound worker died: its bound, and "optimal", are unknown

    def elapsed(self) -> float:
        """Seconds since the solve began."""
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds left of the time limit."""
        return self.limit - self.elapsed()

    def gap(self) -> float | None:
        """Relative gap of the incumbent against the proven bound."""
        return relative_gap(self.objective, self.bound)

    def cancelled(self) -> bool:
        """True once the caller asked to stop."""
        return self.cancel is not None and self.cancel.cancelled

    def stop(self) -> bool:
        """True when out of time, cancelled, or proven optimal."""
        gap = self.gap()
        return self.left() <= 0.05 or self.cancelled() or (gap is not None and gap <= OPTIMAL_GAP)

    def improved(self) -> None:
        """Refresh the incumbent's objective after the plan changed."""
        self.objective = self.plan.objective()

    def report(self, phase: str) -> None:
        """Send a progress snapshot to the caller."""
        snap = Progress(self.objective, self.bound, self.elapsed(), phase)
        log.info("%s: objective %s bound %s gap %s", phase, snap.objective, snap.bound, snap.gap)
        if self.progress is not None:
            with self.lock:
                self.progress(snap)

    def poll(self, wait: float = 0.0) -> None:
        """Take the second worker's bound and plan (if any); tell it the current incumbent."""
        if self.helper is None:
            return
        found = self.helper.plan(wait)
        if found is not None:
            self.offer(Plan(self.idx, found), "full MIP (second worker)")
        if self.helper.failed():
            self.bound_failed = True
        bound = self.helper.bound()
        if bound is not None and (self.bound is None or bound < self.bound - 1e-9):
            self.tighten(bound)
            self.report("bound")
        self.helper.aim(self.objective)

    def offer(self, plan: Plan, phase: str) -> None:
        """Keep `plan` if it scores more and places no fewer than greedy."""
        if plan.objective() > self.objective + 1e-6 and plan.placed() >= self.floor:
            self.plan = plan
            self.improved()
            self.report(phase)

    def tighten(self, bound: float) -> None:
        """Keep the smallest proven bound."""
        with self.lock:
            self.bound = bound if self.bound is None else min(self.bound, bound)
