"""Aggregated model: interchangeable learners become classes; each class gets trip options."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

import numpy as np

from scheduler.common.geo import haversine_km
from scheduler.exams import constraints as rules
from scheduler.exams.domain import Learner, Problem, Session

if TYPE_CHECKING:
    from scheduler.exams.options import PinnedTrips


@dataclass(slots=True)
class LearnerClass:
    """Learners identical in every respect the model sees, solved as one integer count."""

    members: list[str]
    groups: list[tuple[str, ...]]
    first_group: int = 0  # index of its first (class, group) pair in Prepared.cg_class


class Extra(TypedDict):
    """What `prepare` works out beside the classes and hands to the option builder for Prepared."""

    cap: np.ndarray
    comfort: np.ndarray
    const: int
    pinned: list[tuple[str, str, int]]


@dataclass(slots=True)
class Prepared:
    """Classes, trip options as numpy arrays sorted by (class, group), and seat rows per session."""

    problem: Problem
    sessions: list[Session]
    cap: np.ndarray  # seats left after pinned bookings
    comfort: np.ndarray  # comfortable seats left after pinned bookings (may be negative)
    classes: list[LearnerClass]
    cg_class: np.ndarray  # (class, group) pair -> class index
    opt_cg: np.ndarray  # option -> (class, group) pair
    opt_day: np.ndarray  # option -> day ordinal
    opt_loc: np.ndarray
    opt_travel: np.ndarray
    opt_sess: np.ndarray  # option x slot -> session index, -1 for none
    opt_val: np.ndarray  # option x slot -> points for booking that component there
    const: int  # objective points of pinned bookings minus `change` per existing booking
    pinned: list[tuple[str, str, int]] = field(default_factory=list)
    class_groups: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    cg_comp: np.ndarray = field(default_factory=lambda: np.zeros((0, 1), dtype=np.int64))
    sizes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    learner: dict[str, Learner] = field(default_factory=dict)
    class_of: dict[str, int] = field(default_factory=dict)

    @property
    def cg_size(self) -> np.ndarray:
        """Members per (class, group) pair."""
        return self.class_sizes[self.cg_class]

    @property
    def class_sizes(self) -> np.ndarray:
        """Members per class (computed once: the LP and the bounds ask often)."""
        if len(self.sizes) != len(self.classes):
            self.sizes = np.array([len(cl.members) for cl in self.classes], dtype=np.int64)
        return self.sizes

    @property
    def cg_starts(self) -> np.ndarray:
        """Offset of each (class, group) pair's first option (options are sorted by pair)."""
        return np.searchsorted(self.opt_cg, np.arange(len(self.cg_class)))


def _pinned(problem: Problem, sidx: dict[str, int]) -> tuple[list, dict[str, PinnedTrips]]:
    """Pinned (learner, component, session index) rows, and per learner and day what is pinned."""
    rows = [(b.learner, b.component, sidx[b.session]) for b in problem.bookings if b.pinned]
    interview = {c.id for c in problem.components if c.interview}
    trips: dict[str, PinnedTrips] = defaultdict(dict)
    for learner, comp, s in rows:
        sess = problem.sessions[s]
        trips[learner].setdefault(sess.day, []).append((sess.location, comp in interview))
    return rows, dict(trips)


def _pinned_points(problem: Problem, rows: list, learners: dict[str, Learner]) -> int:
    """Points of the pinned bookings (values minus one trip's travel per pinned day)."""
    w, total, trips = problem.weights, 0, set()
    for lid, _, s in rows:
        sess, x = problem.sessions[s], learners[lid]
        total += rules.booking_value(w, x, problem.start, sess.day)
        if (lid, sess.day) not in trips:
            trips.add((lid, sess.day))
            loc = next(loc for loc in problem.locations if loc.id == sess.location)
            total -= rules.travel_cost(w, haversine_km(x.home, loc.point))
    return total


def prepare(problem: Problem) -> Prepared:
    """Group learners into classes and build every feasible trip option for each class."""
    from scheduler.exams.options import build_options, class_key, last_day

    sidx = {s.id: i for i, s in enumerate(problem.sessions)}
    learners = {x.id: x for x in problem.learners}
    pinned, pinned_trips = _pinned(problem, sidx)
    last = last_day(problem)
    pinned_comps: dict[str, set[str]] = defaultdict(set)
    for lid, comp, _ in pinned:
        pinned_comps[lid].add(comp)
    existing = {(b.learner, b.component): sidx[b.session] for b in problem.bookings if not b.pinned}
    keyed: dict[tuple, LearnerClass] = {}
    for x in problem.learners:
        groups = rules.day_groups(x, problem, pinned_comps[x.id])
        if not groups:
            continue
        key = class_key(problem, x, groups, frozenset(pinned_trips.get(x.id, {})), existing, last)
        keyed.setdefault(key, LearnerClass([], groups)).members.append(x.id)
    cap, comfort = rules.seats_left(problem, pinned)
    const = _pinned_points(problem, pinned, learners) - rules.change_cost(problem.weights) * len(
        existing)
    classes = list(keyed.values())
    prep = build_options(problem, classes, learners, pinned_trips, existing,
                         dict(cap=cap, comfort=comfort, const=const, pinned=pinned))
    prep.class_of = {m: ci for ci, cl in enumerate(classes) for m in cl.members}
    prep.class_groups = np.array([len(cl.groups) for cl in classes], dtype=np.int64)
    prep.cg_comp = _group_components(problem, classes, prep.opt_sess.shape[1])
    return prep


def _group_components(problem: Problem, classes: list[LearnerClass], width: int) -> np.ndarray:
    """(class, group) pair x slot -> index of the slot's component in problem.components, or -1."""
    index = {c.id: k for k, c in enumerate(problem.components)}
    rows = [[index[c] for c in g] + [-1] * (width - len(g)) for cl in classes for g in cl.groups]
    return np.array(rows, dtype=np.int64).reshape(len(rows), width)
