"""Progress reporting and cancellation, shared by every solver so the portal shows them alike."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Progress:
    """A snapshot while solving. `objective` and `bound` are in the model's own (maximised) units."""

    objective: float | None
    bound: float | None
    seconds: float
    phase: str = ""

    @property
    def gap(self) -> float | None:
        """Relative gap |bound - objective| / max(1, |bound|); None until both are known."""
        return relative_gap(self.objective, self.bound)


ProgressCallback = Callable[[Progress], None]


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """The relative optimality gap of a maximisation, 0.0 when proven optimal."""
    if objective is None or bound is None:
        return None
    return max(0.0, bound - objective) / max(1.0, abs(bound))


class CancelToken:
    """Set from another thread (the portal's cancel button); solvers poll it and stop with what they have."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        """Ask the solver to stop at its next check."""
        self._event.set()

    @property
    def cancelled(self) -> bool:
        """True once cancel() was called."""
        return self._event.is_set()
