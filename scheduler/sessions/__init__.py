"""Group-module planner: place learners in KNM, PVT and MAP cohorts under their rules (issue 6).

The same public API as `scheduler.exams`: a `Problem` in, `solve` it, a `Solution` out.
"""

from scheduler.sessions.domain import Problem, Solution
from scheduler.sessions.solver import solve

__all__ = ["Problem", "Solution", "solve"]
