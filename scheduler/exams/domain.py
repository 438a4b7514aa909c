"""Plain dataclasses for the exam problem and its solution; no solver or file format in here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time

from scheduler.common.geo import Point
from scheduler.common.reasons import Reason, worded
from scheduler.exams.reasons import text as english

LANGUAGE_AND_KNM = ("lezen", "luisteren", "schrijven", "spreken", "knm")


@dataclass(frozen=True, slots=True)
class Component:
    """An exam component; an interview (ONA) is always its own appointment on its own day."""

    id: str
    minutes: int
    interview: bool = False


DEFAULT_COMPONENTS: tuple[Component, ...] = (
    Component("lezen", 65),
    Component("luisteren", 45),
    Component("schrijven", 60),
    Component("spreken", 35),
    Component("knm", 45),
    Component("ona", 30, interview=True),
)


@dataclass(frozen=True, slots=True)
class Location:
    """A DUO exam location; `facilities` such as "accessible" or "extra_time" serve learners' needs."""

    id: str
    name: str
    point: Point
    facilities: frozenset[str] = frozenset({"accessible", "extra_time"})
    closed_dates: frozenset[date] = frozenset()


# Configuration, not law: seed 004 lists these five; a problem file may name others.
DEFAULT_LOCATIONS: tuple[Location, ...] = (
    Location("amsterdam", "DUO Amsterdam", Point(52.3889, 4.8380)),
    Location("rijswijk", "DUO Rijswijk", Point(52.0362, 4.3250)),
    Location("rotterdam", "DUO Rotterdam", Point(51.9225, 4.4792)),
    Location("eindhoven", "DUO Eindhoven", Point(51.4416, 5.4697)),
    Location("zwolle", "DUO Zwolle", Point(52.5168, 6.0830)),
)


@dataclass(frozen=True, slots=True)
class Session:
    """One sitting of one component at a location on a date; for ONA `seats` = examiners free."""

    id: str
    location: str
    day: date
    component: str
    start: time
    minutes: int
    seats: int


@dataclass(frozen=True, slots=True)
class Learner:
    """A learner with the components still needed (and attempts already used per component)."""

    id: str
    needs: tuple[str, ...]
    ready: date
    deadline: date
    home: Point
    attempts: tuple[tuple[str, int], ...] = ()
    max_travel_km: float = 150.0
    unavailable: frozenset[date] = frozenset()
    requirements: frozenset[str] = frozenset()
    max_per_day: int = 5

    def attempts_used(self, component: str) -> int:
        """Attempts already used for a component (0 when never taken)."""
        return dict(self.attempts).get(component, 0)


@dataclass(frozen=True, slots=True)
class Booking:
    """An existing booking of a learner's component in a session; pinned ones must be kept."""

    learner: str
    component: str
    session: str
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class Weights:
    """Objective weights in integer points (documented in docs/exams.md)."""

    book: int = 1000
    urgency: int = 500
    urgency_days: int = 90
    travel_per_km: int = 1
    wait_per_day: int = 2
    change: int = 300
    crowding: int = 5
    comfort_fill: float = 0.8


@dataclass(frozen=True, slots=True)
class Settings:
    """Dated policy figures kept as configuration: free attempts, fee, lead time."""

    free_attempts: int = 2
    fee_per_component_eur: int = 50
    ready_after_registration_days: int = 42


@dataclass(frozen=True, slots=True)
class Problem:
    """Everything the optimiser needs; `open_holidays` are public holidays a planner opened."""

    start: date
    end: date
    components: tuple[Component, ...]
    locations: tuple[Location, ...]
    sessions: tuple[Session, ...]
    learners: tuple[Learner, ...]
    bookings: tuple[Booking, ...] = ()
    open_holidays: frozenset[date] = frozenset()
    weights: Weights = field(default_factory=Weights)
    settings: Settings = field(default_factory=Settings)


@dataclass(frozen=True, slots=True)
class BookedExam:
    """One booked component; `fee_eur` > 0 flags an attempt beyond the free ones."""

    learner: str
    component: str
    session: str
    location: str
    day: date
    start: time
    attempt: int
    fee_eur: int
    pinned: bool = False


@dataclass(frozen=True, slots=True)
class Unbooked:
    """A needed component left unbooked, with the reasons the diagnosis found (`reasons` and
    `reason_codes` as `scheduler.common.reasons.worded` gives them; older files have no codes)."""

    learner: str
    component: str
    reasons: tuple[str, ...]
    reason_codes: tuple[Reason, ...] = ()

    @classmethod
    def explained(cls, learner: str, component: str, reasons: Sequence[Reason]) -> Unbooked:
        """The diagnosis's reasons, worded in English beside their codes."""
        return cls(learner, component, *worded(english, reasons))


@dataclass(frozen=True, slots=True)
class Moved:
    """An existing unpinned booking the new plan does not keep exactly: moved (`to`) or dropped."""

    learner: str
    component: str
    session: str
    to: str | None
    reason: str
    reason_code: Reason


@dataclass(slots=True)
class Solution:
    """The bookings plus what the run proved: objective, bound, gap, status and timing."""

    bookings: list[BookedExam]
    unbooked: list[Unbooked]
    status: str
    objective: int
    bound: int | None
    seconds: float
    first_solution_seconds: float | None = None
    method: str = ""
    stats: dict[str, float] = field(default_factory=dict)
    moved: list[Moved] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        """Relative gap to the proven bound, 0.0 when proven optimal."""
        if self.bound is None:
            return None
        return max(0.0, self.bound - self.objective) / max(1.0, abs(self.bound))
