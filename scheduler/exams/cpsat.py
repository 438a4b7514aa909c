"""Run CP-SAT on the integer model: hinted, time-boxed, cancellable, reporting progress."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from scheduler.exams import intmodel
from scheduler.exams.model import Prepared


class _Reporter(cp_model.CpSolverSolutionCallback):
    """Pass every improving CP-SAT solution on as progress (objective in the model's points)."""

    def __init__(self, run: Any, offset: int) -> None:
        super().__init__()
        self.run, self.offset = run, offset

    def on_solution_callback(self) -> None:
        """Report objective and CP-SAT's bound; the run keeps the plan only at the end."""
        if self.run.progress is not None:
            self.run.report(f"cp-sat {self.objective_value + self.offset:.0f}")


def _watch(solver: cp_model.CpSolver, run: Any, done: threading.Event) -> None:
    """Stop CP-SAT when the portal's cancel button is pressed."""
    while not done.wait(0.2):
        if run.cancel is not None and run.cancel.cancelled:
            solver.stop_search()
            return


def improve(prep: Prepared, options: np.ndarray, hint: tuple | None, run: Any, workers: int,
            seed: int, share: float = 0.97) -> tuple[tuple | None, float | None]:
    """Solve the integer model on `options`; return trip counts and the bound in points."""
    im = intmodel.build(prep, options)
    if hint is not None:
        intmodel.add_hint(im, *hint)
    solver = cp_model.CpSolver()
    limit = max(0.5, run.left(share))
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = max(1, workers)
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2  # the LP relaxation is tight here: let CP-SAT use it
    if workers <= 1:  # reproducible: stop on CP-SAT's deterministic clock, wall time as backstop
        solver.parameters.max_deterministic_time = limit / 2
    offset = prep.const - intmodel.constant_crowding(prep, options)
    done = threading.Event()
    threading.Thread(target=_watch, args=(solver, run, done), daemon=True).start()
    try:
        status = solver.solve(im.model, _Reporter(run, offset))
    finally:
        done.set()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    z = {o: int(solver.value(v)) for o, v in im.z.items() if solver.value(v)}
    u = {k: int(solver.value(v)) for k, v in im.u.items() if solver.value(v)}
    bound = solver.best_objective_bound + offset
    return (z, u), float(np.floor(bound + 1e-6))
