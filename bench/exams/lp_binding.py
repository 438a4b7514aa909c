"""Could OR-Tools' own LP solvers replace `highspy` for the exam master LP? Measure it.

    python bench/exams/lp_binding.py --learners 10000 --rounds 3

Runs column generation on the generated instance (seed 1) with the solver's own code (`highspy`,
warm-started across rounds), recording after each round the columns and rows the master had and
how long its LP took. Then the same masters (identical columns and rows, taken from HiGHS's LP) are
solved through MathOpt: GLOP, HiGHS as shipped inside OR-Tools, PDLP. MathOpt's HiGHS cannot update a
model in place, so each round is a cold solve there; GLOP can, so it is also run incrementally
(columns and rows added through the Python API, as a binding would), its time including the adding.
Prints one row per round and solver: seconds, LP value, difference to `highspy`'s value, whether
dual values came back.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ortools.math_opt import model_pb2  # noqa: E402
from ortools.math_opt.python import mathopt  # noqa: E402

from scheduler.exams import lp  # noqa: E402
from scheduler.exams.generate import generate  # noqa: E402
from scheduler.exams.greedy import greedy  # noqa: E402
from scheduler.exams.model import prepare  # noqa: E402
from scheduler.exams.pricing import lagrangian_bound  # noqa: E402
from scheduler.exams.solver import _seed_master  # noqa: E402


@dataclass
class Snapshot:
    """The master after one round: its size and what `highspy` took and found."""

    cols: int
    rows: int
    value: float
    seconds: float


@dataclass
class Matrix:
    """The final master LP, column-wise (HiGHS's own arrays)."""

    cost: np.ndarray
    col_lb: np.ndarray
    col_ub: np.ndarray
    row_lb: np.ndarray
    row_ub: np.ndarray
    start: np.ndarray
    index: np.ndarray
    value: np.ndarray


def _highs_rounds(learners: int, rounds: int) -> tuple[list[Snapshot], Matrix, float]:
    prep = prepare(generate(learners, 1))
    master = _seed_master(prep, greedy(prep))
    snaps: list[Snapshot] = []
    for _ in range(rounds):
        t = time.monotonic()
        value, duals = lp.solve_master(master, 3600)
        took = time.monotonic() - t
        snaps.append(Snapshot(master.h.getNumCol(), master.h.getNumRow(), value - prep.const, took))
        print(f"highspy round {len(snaps)}: {snaps[-1].cols} columns, {snaps[-1].rows} rows, "
              f"{took:.1f} s", file=sys.stderr, flush=True)
        n = master.sessions
        _, values = lagrangian_bound(prep, duals[:n], duals[n:2 * n])
        new = lp.entering(master, values, duals, 10)
        price = np.maximum(duals[:n], 0) + np.maximum(duals[n:2 * n], 0)
        if len(new) == 0 or lp.add_columns(master, new, lp.priced_mask(prep, new, price)) == 0:
            break
    a = master.h.getLp()
    matrix = Matrix(np.array(a.col_cost_), np.array(a.col_lower_), np.array(a.col_upper_),
                    np.array(a.row_lower_), np.array(a.row_upper_), np.array(a.a_matrix_.start_),
                    np.array(a.a_matrix_.index_), np.array(a.a_matrix_.value_))
    return snaps, matrix, prep.const


def _proto(m: Matrix, cols: int, rows: int) -> model_pb2.ModelProto:
    proto = model_pb2.ModelProto(name="master")
    proto.variables.ids.extend(range(cols))
    proto.variables.lower_bounds.extend(m.col_lb[:cols].tolist())
    proto.variables.upper_bounds.extend(m.col_ub[:cols].tolist())
    proto.variables.integers.extend([False] * cols)
    proto.linear_constraints.ids.extend(range(rows))
    proto.linear_constraints.lower_bounds.extend(m.row_lb[:rows].tolist())
    proto.linear_constraints.upper_bounds.extend(m.row_ub[:rows].tolist())
    col_of = np.repeat(np.arange(cols), np.diff(m.start[:cols + 1]))
    row_of = m.index[:m.start[cols]]
    val = m.value[:m.start[cols]]
    order = np.lexsort((col_of, row_of))
    mat = proto.linear_constraint_matrix
    mat.row_ids.extend(row_of[order].tolist())
    mat.column_ids.extend(col_of[order].tolist())
    mat.coefficients.extend(val[order].tolist())
    proto.objective.maximize = True
    nz = np.flatnonzero(m.cost[:cols])
    proto.objective.linear_coefficients.ids.extend(nz.tolist())
    proto.objective.linear_coefficients.values.extend(m.cost[nz].tolist())
    return proto


def _solve(model: mathopt.Model, solver: mathopt.SolverType, limit: float,
           incremental: mathopt.IncrementalSolver | None = None) -> tuple[float, str, bool, float]:
    simplex = solver != mathopt.SolverType.PDLP  # highspy runs HiGHS's (dual) simplex, one thread
    params = mathopt.SolveParameters(
        time_limit=timedelta(seconds=limit),
        threads=1 if solver == mathopt.SolverType.GLOP else None,  # MathOpt's HiGHS refuses `threads`
        lp_algorithm=mathopt.LPAlgorithm.DUAL_SIMPLEX if simplex else None)
    t = time.monotonic()
    if incremental is not None:
        result = incremental.solve(params=params)
    else:
        result = mathopt.solve(model, solver, params=params)
    took = time.monotonic() - t
    reason = result.termination.reason.name
    duals = result.has_dual_feasible_solution()
    value = result.objective_value() if result.has_primal_feasible_solution() else float("nan")
    return took, reason, duals, value


def _glop_incremental(m: Matrix, snaps: list[Snapshot], limit: float) -> list[tuple[float, str, bool, float]]:
    """GLOP kept alive across rounds, the new columns and rows added through MathOpt's Python API."""
    out = []
    t = time.monotonic()
    model = mathopt.Model.from_model_proto(_proto(m, snaps[0].cols, snaps[0].rows))
    solver = mathopt.IncrementalSolver(model, mathopt.SolverType.GLOP)
    build = time.monotonic() - t
    for k, snap in enumerate(snaps):
        if k:
            t = time.monotonic()
            prev = snaps[k - 1]
            rows = list(model.linear_constraints())
            for r in range(prev.rows, snap.rows):
                rows.append(model.add_linear_constraint(lb=m.row_lb[r], ub=m.row_ub[r]))
            obj = model.objective
            for c in range(prev.cols, snap.cols):
                var = model.add_variable(lb=m.col_lb[c], ub=m.col_ub[c])
                obj.set_linear_coefficient(var, m.cost[c])
                for e in range(m.start[c], m.start[c + 1]):
                    rows[m.index[e]].set_coefficient(var, m.value[e])
            build = time.monotonic() - t
        took, reason, duals, value = _solve(model, mathopt.SolverType.GLOP, limit, solver)
        out.append((build + took, reason, duals, value))
    return out


def main() -> None:
    """One table: per round, highspy's warm re-solve against MathOpt's solvers on the same master."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--limit", type=float, default=60.0, help="seconds per MathOpt solve")
    ap.add_argument("--skip", nargs="*", default=[], help="solvers to leave out (glop, highs, pdlp)")
    a = ap.parse_args()
    load = os.getloadavg()
    print(f"{a.learners:,} learners, load average at start {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    snaps, matrix, _ = _highs_rounds(a.learners, a.rounds)
    print("| round | columns | rows | solver | seconds | LP value | vs highspy | status | duals |")
    print("|---|---|---|---|---|---|---|---|---|")
    for k, s in enumerate(snaps, 1):
        print(f"| {k} | {s.cols:,} | {s.rows:,} | highspy (warm, as the solver runs it) | {s.seconds:.1f} | "
              f"{s.value:,.1f} | - | optimal | yes |", flush=True)
    glop = [] if "glop" in a.skip else _glop_incremental(matrix, snaps, a.limit)
    for k, s in enumerate(snaps, 1):
        rows = []
        if glop:
            rows.append(("GLOP (MathOpt, incremental incl. adding)", glop[k - 1]))
        proto = _proto(matrix, s.cols, s.rows)
        for name, kind in (("GLOP (MathOpt, cold)", mathopt.SolverType.GLOP),
                           ("HiGHS (MathOpt, cold)", mathopt.SolverType.HIGHS),
                           ("PDLP (MathOpt)", mathopt.SolverType.PDLP)):
            if name.split()[0].lower() in a.skip:
                continue
            t = time.monotonic()
            model = mathopt.Model.from_model_proto(proto)
            load_s = time.monotonic() - t
            took, reason, duals, value = _solve(model, kind, a.limit)
            rows.append((name, (took + load_s, reason, duals, value)))
        for name, (took, reason, duals, value) in rows:
            print(f"| {k} | {s.cols:,} | {s.rows:,} | {name} | {took:.1f} | {value:,.1f} | "
                  f"{value - s.value:+,.1f} | {reason.lower()} | {'yes' if duals else 'no'} |", flush=True)
    load = os.getloadavg()
    print(f"load average at end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
