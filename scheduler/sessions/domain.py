"""Plain data for the group-session (KNM, PVT, MAP) planner: what the portal and the CLI exchange."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from scheduler.common.calendar import DayPart, Interval
from scheduler.common.geo import Point
from scheduler.common.reasons import Reason, worded
from scheduler.sessions.reasons import text as english

MODULES = ("KNM", "PVT", "MAP")


class Status(StrEnum):
    """Where a learner stands with one group module."""

    REQUIRED = "required"
    EXEMPT = "exempt"
    DONE = "done"


Slot = tuple[str, DayPart]  # ("mon", DayPart.MORNING)


@dataclass(frozen=True, slots=True)
class Module:
    """A group module and the routes that require it."""

    code: str
    routes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Cohort:
    """One run of a module: place, language, trainer, meetings, group size and cost to run."""

    id: str
    module: str
    location: str
    point: Point
    language: str
    trainer: str
    meetings: tuple[Interval, ...]
    min_size: int
    max_size: int
    cost: float
    allowed_holidays: frozenset[date] = frozenset()  # public holidays the planner lets it meet on

    @property
    def first_day(self) -> date:
        """The date of the first meeting."""
        return min(m.start for m in self.meetings).date()

    @property
    def last_day(self) -> date:
        """The date of the last meeting."""
        return max(m.end for m in self.meetings).date()


@dataclass(frozen=True, slots=True)
class Learner:
    """A learner with what they still need, where they live and when they can come."""

    id: str
    route: str
    statuses: dict[str, Status]
    languages: tuple[str, ...]  # in order of preference; the first is the preferred one
    home: Point
    max_travel_km: float
    availability: frozenset[Slot]
    preferred: frozenset[Slot]  # empty: no preference beyond availability
    busy: tuple[Interval, ...]
    earliest_start: date
    deadlines: dict[str, date]


@dataclass(frozen=True, slots=True)
class Trainer:
    """A trainer; a trainer teaches at most one meeting at a time."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """A learner placed in a cohort for one module; pinned ones the solver must keep."""

    learner: str
    module: str
    cohort: str
    pinned: bool = False


# The largest weight a problem may set: HiGHS works to a relative tolerance of about 1e-7, so with
# weights near 10**12 the rounding swamps every smaller term and its "optimal" means nothing.
MAX_WEIGHT = 1_000_000


@dataclass(frozen=True, slots=True)
class Weights:
    """Objective weights in points (maximised); see docs/sessions.md for why these values.

    Every weight lies in 0..MAX_WEIGHT (urgency_horizon_days in 1..MAX_WEIGHT).
    """

    place: int = 1000
    urgency: int = 200
    urgency_horizon_days: int = 365
    travel_per_km: float = 2.0
    cohort_cost_per_euro: float = 0.1
    missed_preference: int = 50
    change: int = 300


@dataclass(frozen=True, slots=True)
class Problem:
    """Everything one planning run needs."""

    plan_date: date
    modules: tuple[Module, ...]
    cohorts: tuple[Cohort, ...]
    learners: tuple[Learner, ...]
    trainers: tuple[Trainer, ...]
    existing: tuple[Assignment, ...] = ()
    weights: Weights = field(default_factory=Weights)

    def needs(self, learner: Learner, module: str) -> bool:
        """True when the learner's route requires the module and it is neither done nor exempt."""
        mod = next((m for m in self.modules if m.code == module), None)
        if mod is None or learner.route not in mod.routes:
            return False
        return learner.statuses.get(module, Status.REQUIRED) is Status.REQUIRED


@dataclass(frozen=True, slots=True)
class Unplaced:
    """A learner-module left without a cohort, with the diagnosis's reasons (`reasons` and
    `reason_codes` as `scheduler.common.reasons.worded` gives them; older files have no codes)."""

    learner: str
    module: str
    reasons: tuple[str, ...]
    reason_codes: tuple[Reason, ...] = ()

    @classmethod
    def explained(cls, learner: str, module: str, reasons: Sequence[Reason]) -> Unplaced:
        """The diagnosis's reasons, worded in English beside their codes."""
        return cls(learner, module, *worded(english, reasons))


@dataclass(frozen=True, slots=True)
class Solution:
    """A plan: assignments, what is left unplaced and why, and how good it provably is."""

    status: str  # "optimal" | "feasible"
    assignments: tuple[Assignment, ...]
    unplaced: tuple[Unplaced, ...]
    objective: float
    bound: float | None
    seconds: float
    method: str = ""

    @property
    def gap(self) -> float | None:
        """Relative gap between the objective and the proven bound."""
        if self.bound is None:
            return None
        return max(0.0, self.bound - self.objective) / max(1.0, abs(self.bound))

    def summary(self) -> dict[str, object]:
        """The one-line summary the CLI prints."""
        gap = self.gap
        return {
            "status": self.status,
            "placed": len(self.assignments),
            "unplaced": len(self.unplaced),
            "objective": round(self.objective, 3),
            "bound": None if self.bound is None else round(self.bound, 3),
            "gap": None if gap is None else round(gap, 6),
            "seconds": round(self.seconds, 3),
        }
