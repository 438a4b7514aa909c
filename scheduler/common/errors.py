"""Errors that name where the input is wrong, so a planner can fix their file."""

from __future__ import annotations


class ProblemInputError(ValueError):
    """A problem or solution file is malformed; `where` is a JSON path such as `learners[3].route`."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.where = where
        self.message = message


class InfeasibleInputError(ValueError):
    """The input is well-formed but contradicts itself (e.g. a pinned assignment breaks a hard rule)."""


class PlanRejectedError(RuntimeError):
    """A solver produced a plan its own independent checker rejects: a bug, reported, never returned."""
