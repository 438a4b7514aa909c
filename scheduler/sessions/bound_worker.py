"""The second worker: proves the bound in a child process, beside the MIPs of the main one.

A thread shared the GIL with the window building and was measured to slow the windows
three-fold; a forked, lower-priority process shares nothing but two numbers (target in,
best bound out) and takes only CPU the main process leaves idle.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import time
from typing import Any

from scheduler.sessions.bound import Relaxation, improve
from scheduler.sessions.index import Index
from scheduler.sessions.model import lp_bound

LP_ARCS = 60_000  # the exact LP (HiGHS) where it takes seconds; at 170k arcs it took 30-120 s
SLICE = 1.0


def _loop(idx: Index, rel: Relaxation, target: Any, best: Any, stop: Any, deadline: float) -> None:
    os.nice(10)  # only idle CPU: on a busy machine the windows matter more than the bound
    if idx.n_arcs <= LP_ARCS:
        bound = lp_bound(idx, time_limit=deadline - time.monotonic(),
                         stop=lambda: stop.is_set() or time.monotonic() > deadline)
        if bound is not None:
            best.value = min(best.value, bound)
    while not stop.is_set() and time.monotonic() < deadline and rel.theta >= 1e-3:
        best.value = min(best.value, improve(rel, target.value, SLICE))


class BoundWorker:
    """Runs the LP (when small) and then Lagrangian steps until stopped or the deadline."""

    def __init__(self, idx: Index, rel: Relaxation, target: float, deadline: float) -> None:
        ctx = mp.get_context("fork")
        self._target = ctx.Value("d", target, lock=False)
        self._best = ctx.Value("d", math.inf, lock=False)
        self._stop = ctx.Event()
        self._process = ctx.Process(
            target=_loop, args=(idx, rel, self._target, self._best, self._stop, deadline),
            daemon=True)
        self._process.start()

    def aim(self, objective: float) -> None:
        """Tell the worker the incumbent's objective (the Polyak step's target)."""
        self._target.value = objective

    def bound(self) -> float | None:
        """The best bound proven so far, or None."""
        value = self._best.value
        return None if math.isinf(value) else value

    def close(self) -> None:
        """Stop the worker and wait for it."""
        self._stop.set()
        self._process.join(timeout=1)  # HiGHS may take a while to notice an interrupt
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
