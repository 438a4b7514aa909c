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

LP_ARCS = 200_000  # the exact LP (HiGHS dual simplex): ~2 s at 20k arcs, ~30 s at 170k (quiet machine)
WARM_UP_ARCS = 60_000  # above this the LP takes long, so Lagrangian steps first give an early bound
WARM_UP = 10.0
SLICE = 1.0


def _lagrangian(rel: Relaxation, target: Any, best: Any, stop: Any, until: float) -> None:
    while not stop.is_set() and time.monotonic() < until and rel.theta >= 1e-3:
        best.value = min(best.value, improve(rel, target.value, SLICE))


def _loop(idx: Index, rel: Relaxation, target: Any, best: Any, stop: Any, deadline: float) -> None:
    os.nice(10)  # only idle CPU: on a busy machine the windows matter more than the bound
    if idx.n_arcs <= LP_ARCS:
        if idx.n_arcs > WARM_UP_ARCS:
            _lagrangian(rel, target, best, stop, min(deadline, time.monotonic() + WARM_UP))
        bound = lp_bound(idx, time_limit=deadline - time.monotonic(),
                         stop=lambda: stop.is_set() or time.monotonic() > deadline)
        if bound is not None:
            # the LP also holds the trainer rows the Lagrangian drops: no step can beat it
            best.value = min(best.value, bound)
            return
    _lagrangian(rel, target, best, stop, deadline)


class BoundWorker:
    """Runs the exact LP (up to LP_ARCS) or Lagrangian steps until stopped or the deadline."""

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
