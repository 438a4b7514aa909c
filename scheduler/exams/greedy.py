"""The planner's by-hand baseline: deadline order, nearest location with room, earliest day."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scheduler.exams import constraints as rules
from scheduler.exams.model import Prepared


@dataclass(slots=True)
class Assignment:
    """Per learner: group index -> (option, booked slots); plus the seats still free per session."""

    remaining: np.ndarray
    trips: dict[str, dict[int, tuple[int, tuple[int, ...]]]] = field(default_factory=dict)

    def days_of(self, prep: Prepared, learner: str) -> set[int]:
        """(class, day) keys (`constraints.trip_day_keys`) of the days this learner travels."""
        options = np.array([o for o, _ in self.trips.get(learner, {}).values()], dtype=np.int64)
        return set(rules.trip_day_keys(prep, options).tolist()) - {-1}

    def book(self, prep: Prepared, learner: str, group: int, option: int, slots: tuple) -> None:
        """Record a trip and take its seats."""
        self.trips.setdefault(learner, {})[group] = (option, slots)
        for j in slots:
            self.remaining[prep.opt_sess[option, j]] -= 1


def learner_order(prep: Prepared) -> list[tuple[str, int]]:
    """(learner, class) pairs by deadline, then ready date, then id: who a planner serves first."""
    pairs = [(m, ci) for ci, cl in enumerate(prep.classes) for m in cl.members]
    return sorted(pairs, key=lambda p: (prep.learner[p[0]].deadline, prep.learner[p[0]].ready, p[0]))


def _ranked(prep: Prepared, first: np.ndarray, then: np.ndarray) -> list[np.ndarray]:
    """Per (class, group): its options sorted by `first`, then `then` (ascending)."""
    order = np.lexsort((then, first, prep.opt_cg))
    return np.split(order, prep.cg_starts[1:]) if len(prep.cg_class) else []


def _pick(prep: Prepared, state: Assignment, options: np.ndarray, days: set[int]) -> int:
    """First option with room for the whole group, else the one with room for most components."""
    if len(options) == 0:
        return -1
    sess = prep.opt_sess[options]
    room = (sess >= 0) & rules.has_seat(state.remaining[np.maximum(sess, 0)])
    free = room.sum(axis=1)
    ok = ~np.isin(rules.trip_day_keys(prep, options), list(days)) & (free > 0)
    full = ok & (free == (sess >= 0).sum(axis=1))
    if full.any():
        return int(options[np.argmax(full)])
    if ok.any():
        return int(options[np.argmax(np.where(ok, free, -1))])
    return -1


def fill(prep: Prepared, state: Assignment) -> Assignment:
    """Give every learner-group without a trip the greedy choice among the seats still free.

    A planner's choice: nearest location, then earliest day. (A priced variant, each learner's best
    trip under the bound's seat prices, never beat the rounded LP and was removed: docs/benchmarks.md.)
    """
    nearest = _ranked(prep, prep.opt_travel, prep.opt_day)
    for learner, ci in learner_order(prep):
        cl = prep.classes[ci]
        for g in range(len(cl.groups)):
            if g in state.trips.get(learner, {}):
                continue
            option = _pick(prep, state, nearest[cl.first_group + g], state.days_of(prep, learner))
            if option < 0:
                continue
            slots = tuple(j for j, s in enumerate(prep.opt_sess[option])
                          if s >= 0 and rules.has_seat(int(state.remaining[s])))
            state.book(prep, learner, g, option, slots)
    return state


def greedy(prep: Prepared) -> Assignment:
    """The baseline assignment, from empty."""
    return fill(prep, Assignment(prep.cap.copy()))
