"""A minimal 0-1 linear model collected in plain lists and handed to MathOpt as one proto.

Building MathOpt models term by term from Python costs ~50 us a row; a window has tens of
thousands of rows, so we collect rows here and import them in one call (~20x faster).
"""

from __future__ import annotations

from collections.abc import Sequence

from ortools.math_opt import model_pb2
from ortools.math_opt.python import mathopt

INF = float("inf")


class LinearModel:
    """Binary variables, rows lb <= sum(coef * var) <= ub, and a maximised objective."""

    def __init__(self) -> None:
        self.obj: list[float] = []
        self.var_lb: list[float] = []
        self.var_ub: list[float] = []
        self.row_lb: list[float] = []
        self.row_ub: list[float] = []
        self.entries: tuple[list[int], list[int], list[float]] = ([], [], [])

    def add_var(self, objective: float) -> int:
        """A new binary variable with its objective coefficient; returns its column."""
        self.obj.append(float(objective))
        self.var_lb.append(0.0)
        self.var_ub.append(1.0)
        return len(self.obj) - 1

    def add_row(self, cols: Sequence[int], coefs: Sequence[float], lb: float, ub: float) -> None:
        """Add lb <= sum(coefs * cols) <= ub."""
        row = len(self.row_lb)
        self.row_lb.append(float(lb))
        self.row_ub.append(float(ub))
        rows, columns, values = self.entries
        for col, coef in zip(cols, coefs, strict=True):
            rows.append(row)
            columns.append(col)
            values.append(float(coef))

    def to_mathopt(self, relax: bool = False) -> mathopt.Model:
        """The model as MathOpt sees it (row-major entries, as the proto requires)."""
        proto = model_pb2.ModelProto(name="sessions")
        n = len(self.obj)
        proto.variables.ids.extend(range(n))
        proto.variables.lower_bounds.extend(self.var_lb)
        proto.variables.upper_bounds.extend(self.var_ub)
        proto.variables.integers.extend([not relax] * n)
        proto.linear_constraints.ids.extend(range(len(self.row_lb)))
        proto.linear_constraints.lower_bounds.extend(self.row_lb)
        proto.linear_constraints.upper_bounds.extend(self.row_ub)
        rows, columns, values = self.entries
        order = sorted(range(len(rows)), key=lambda k: (rows[k], columns[k]))
        matrix = proto.linear_constraint_matrix
        matrix.row_ids.extend(rows[k] for k in order)
        matrix.column_ids.extend(columns[k] for k in order)
        matrix.coefficients.extend(values[k] for k in order)
        proto.objective.maximize = True
        nonzero = [j for j in range(n) if self.obj[j]]
        proto.objective.linear_coefficients.ids.extend(nonzero)
        proto.objective.linear_coefficients.values.extend(self.obj[j] for j in nonzero)
        return mathopt.Model.from_model_proto(proto)
