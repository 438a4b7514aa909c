"""The second worker: proves the bound in a child process, beside the MIPs of the main one.

A thread shared the GIL with the window building and was measured to slow the windows
three-fold; a forked process shares only a few numbers (target in, best bound out, a failure
flag) and, for small problems, one plan at the end. It runs at the caller's priority: at a lower
one, on a machine busy with other work, it starved (issue 18: the bound at 600 s was worse than
at 120 s because the LP never finished). The bound it publishes only ever goes down (the best so
far). If it fails (HiGHS error, out of memory), the solve reports the bound as unknown.

Small problems (up to MIP_ARCS) get the full MIP here: its cuts prove a tighter bound than the LP
and its heuristics find plans the windows miss (measured at 1,000 learners: 2,214,445 points
after 48 s against the windows' 2,213,449 at 30 s), while the main process keeps improving
windows. Larger ones get the exact LP (up to LP_ARCS) or Lagrangian steps.
"""

from __future__ import annotations

import logging
import math
import multiprocessing as mp
import time
from typing import Any

from scheduler.sessions.bound import Relaxation, improve
from scheduler.sessions.index import Index
from scheduler.sessions.model import full_window, lp_bound, solve_window
from scheduler.sessions.plan import Plan

MIP_ARCS = 25_000  # about 1,200 learners
LP_ARCS = 200_000  # the exact LP (HiGHS dual simplex): ~2 s at 20k arcs, ~30 s at 170k (quiet machine)
WARM_UP_ARCS = 60_000  # above this the LP takes long, so a few Lagrangian steps first give an early bound
WARM_UP = 3.0  # seconds; with 10 s the LP (about 30 s) landed after 60 s in 3 of 8 runs at 5,000 learners
SLICE = 1.0
HAND_OVER = 1.0  # seconds before the deadline the full MIP stops, to hand its plan over in time

log = logging.getLogger(__name__)


def _lagrangian(rel: Relaxation, target: Any, best: Any, stop: Any, until: float) -> None:
    while not stop.is_set() and time.monotonic() < until and rel.theta >= 1e-3:
        best.value = min(best.value, improve(rel, target.value, SLICE))


def _full_mip(idx: Index, start: list[int], best: Any, stop: Any, deadline: float) -> list[int] | None:
    """The whole model, hinted with the start plan: its arc per learner-module, or None.

    Its bound goes out through `best` like every other bound; only the plan needs the pipe.
    """
    plan = Plan(idx, start)
    result = solve_window(plan, full_window(plan), time_limit=deadline - HAND_OVER - time.monotonic(),
                          seed=0, stop=stop.is_set)
    if result is None:
        return None
    best.value = min(best.value, idx.constant + result.bound)
    return [result.assign.get(lm, -1) for lm in range(len(idx.lms))]


def _lp(idx: Index, best: Any, stop: Any, deadline: float) -> bool:
    """Publish the exact LP's bound; False if it was not reached in time."""
    bound = lp_bound(idx, time_limit=deadline - time.monotonic(),
                     stop=lambda: stop.is_set() or time.monotonic() > deadline)
    if bound is not None:
        best.value = min(best.value, bound)
    return bound is not None


def _loop(idx: Index, rel: Relaxation, start: list[int], target: Any, best: Any, failed: Any,
          stop: Any, deadline: float, conn: Any, mip: bool = True) -> None:
    try:
        _work(idx, rel, start, target, best, stop, deadline, conn, mip=mip)
    except Exception as exc:  # noqa: BLE001 - any failure: the parent must not trust this worker
        failed.value = 1
        log.warning("the bound worker failed (%s: %s); the bound is unknown", type(exc).__name__, exc)
        if idx.n_arcs <= MIP_ARCS:
            conn.send(None)  # close() waits for exactly one message


def _work(idx: Index, rel: Relaxation, start: list[int], target: Any, best: Any, stop: Any,
          deadline: float, conn: Any, mip: bool = True) -> None:
    if idx.n_arcs <= MIP_ARCS:  # always one message: close() waits for it
        conn.send(_full_mip(idx, start, best, stop, deadline)
                  if _lp(idx, best, stop, deadline) and mip else None)
        return
    if idx.n_arcs <= LP_ARCS:
        if idx.n_arcs > WARM_UP_ARCS:
            _lagrangian(rel, target, best, stop, min(deadline, time.monotonic() + WARM_UP))
        if _lp(idx, best, stop, deadline):
            return  # the LP also holds the trainer rows the Lagrangian drops: no step can beat it
    _lagrangian(rel, target, best, stop, deadline)


class BoundWorker:
    """Runs the LP and the full MIP (when small) or Lagrangian steps until stopped or the deadline."""

    def __init__(self, idx: Index, rel: Relaxation, start: Plan, target: float, deadline: float,
                 mip: bool = True) -> None:
        ctx = mp.get_context("fork")
        self._target = ctx.Value("d", target, lock=False)
        self._best = ctx.Value("d", math.inf, lock=False)
        self._failed = ctx.Value("i", 0, lock=False)
        self._terminated = False  # close() stopped it by force (not a failure)
        self._stop = ctx.Event()
        self._conn, child = ctx.Pipe(duplex=False)
        self._plan: list[int] | None = None
        self._sends = idx.n_arcs <= MIP_ARCS
        self._deadline = deadline
        self._process = ctx.Process(
            target=_loop, args=(idx, rel, list(start.assign), self._target, self._best, self._failed,
                                self._stop, deadline, child, mip), daemon=True)
        self._process.start()

    def aim(self, objective: float) -> None:
        """Tell the worker the incumbent's objective (the Polyak step's target)."""
        self._target.value = objective

    def failed(self) -> bool:
        """True when the worker died of an error (or was killed); its bound cannot be trusted."""
        died = self._process.exitcode not in (None, 0) and not self._terminated
        return bool(self._failed.value) or died

    def bound(self) -> float | None:
        """The best bound proven so far, or None."""
        value = self._best.value
        return None if math.isinf(value) else value

    def plan(self, wait: float = 0.0) -> list[int] | None:
        """The full MIP's plan (arc per learner-module), handed out once; else None."""
        self._receive(wait)
        found, self._plan = self._plan, None
        return found

    def _receive(self, wait: float) -> None:
        if self._sends and self._conn.poll(wait):
            self._sends = False
            try:
                self._plan = self._conn.recv()
            except EOFError:  # it ended without a word (stopped or killed before its MIP)
                self._plan = None

    def close(self) -> None:
        """Stop the worker, keep its plan (if it is about to send one) for plan(), wait for it."""
        self._stop.set()
        # the MIP ends HAND_OVER before the deadline; never keep the caller long past it
        self._receive(min(HAND_OVER + 1.0, max(0.1, self._deadline + 0.5 - time.monotonic())))
        self._process.join(timeout=1)  # HiGHS may take a while to notice an interrupt
        if self._process.is_alive():
            self._terminated = True
            self._process.terminate()
            self._process.join()
        self._sends = False
