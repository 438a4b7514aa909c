"""DUO exam-slot optimiser: book learners' exam components at DUO locations (issue 7)."""

from scheduler.exams.domain import Problem, Solution
from scheduler.exams.solver import solve

__all__ = ["Problem", "Solution", "solve"]
