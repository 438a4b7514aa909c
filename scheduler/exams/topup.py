"""Last pass: book still-unbooked components on trips of their own when seats are left.

The search books a learner's day group on one trip; a plan may also split it (lezen on Monday,
luisteren on Tuesday), which `check` accepts. This pass adds such bookings to the final plan, one
component at a time, each only where every hard rule holds and the objective gains. The rules are
those of `constraints.py`, evaluated per location or session once and then over numpy arrays.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from scheduler.exams import constraints as rules
from scheduler.exams.domain import BookedExam, Learner, Problem, Session
from scheduler.exams.greedy import learner_order
from scheduler.exams.model import Prepared
from scheduler.exams.options import reachable_locations


@dataclass(slots=True)
class _Sessions:
    """One component's usable sessions as arrays: index, day ordinal, location index, seats."""

    idx: np.ndarray
    day: np.ndarray
    loc: np.ndarray
    seats: np.ndarray
    comfort: np.ndarray


def _by_component(problem: Problem) -> dict[str, _Sessions]:
    locs = {loc.id: i for i, loc in enumerate(problem.locations)}
    rows: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(problem.sessions):
        loc = problem.locations[locs[s.location]]
        if rules.has_seat(s.seats) and rules.location_open(problem, loc, s.day):
            rows[s.component].append(i)
    out = {}
    for comp, idx in rows.items():
        ss = [problem.sessions[i] for i in idx]
        out[comp] = _Sessions(np.array(idx), np.array([s.day.toordinal() for s in ss]),
                              np.array([locs[s.location] for s in ss]),
                              np.array([s.seats for s in ss]),
                              np.array([rules.comfort_seats(problem.weights, s.seats) for s in ss]))
    return out


def _travel(problem: Problem, x: Learner) -> np.ndarray:
    """Travel points per location, -1 where the learner may not go (`reachable_locations`)."""
    usable = dict(reachable_locations(problem, x))
    return np.array([usable.get(loc.id, -1) for loc in problem.locations], dtype=np.int64)


def _best(problem: Problem, x: Learner, c: _Sessions, used: np.ndarray, mine: list[Session],
          travel: np.ndarray, existing: int) -> tuple[int, int] | None:
    """(gain, session index) of the best valid session of a component, None when none gains."""
    w = problem.weights
    ok = rules.has_seat(c.seats - used[c.idx]) & rules.within_window(x, c.day) \
        & rules.learner_can_come(x, c.day) & (travel[c.loc] >= 0)
    cand = np.flatnonzero(ok)
    if len(cand) == 0:
        return None
    days = np.array(sorted({s.day.toordinal() for s in mine}), dtype=np.int64)
    day, idx, comfort = c.day[cand], c.idx[cand], c.comfort[cand]
    gain = rules.booking_value(w, x, problem.start, day)
    gain = gain - np.where(np.isin(day, days), 0, travel[c.loc[cand]])  # one trip a day: travel once
    crowding = rules.crowding_cost(w, used[idx] + 1, comfort) - rules.crowding_cost(w, used[idx], comfort)
    gain = gain - crowding + rules.change_cost(w) * (idx == existing)
    interviews = {k.id for k in problem.components if k.interview}
    for i in np.lexsort((idx, -gain)):
        if gain[i] <= 0:
            return None
        s = problem.sessions[int(idx[i])]
        if rules.fits_the_day(x, [m for m in mine if m.day == s.day], s, interviews):
            return int(gain[i]), int(idx[i])
    return None


def top_up(prep: Prepared, bookings: list[BookedExam], only_existing: bool = False,
           ) -> tuple[list[BookedExam], int]:
    """The bookings plus every gainful valid extra booking, and the points they add.

    With `only_existing` only existing (published) bookings are added back, each in its own session.
    """
    from scheduler.exams.result import booked_exam

    problem = prep.problem
    sidx = {s.id: i for i, s in enumerate(problem.sessions)}
    comps = _by_component(problem)
    existing = {(b.learner, b.component): sidx[b.session] for b in problem.bookings}
    used = np.zeros(len(problem.sessions), dtype=np.int64)
    mine: dict[str, list[Session]] = defaultdict(list)
    for b in bookings:
        used[sidx[b.session]] += 1
        mine[b.learner].append(problem.sessions[sidx[b.session]])
    added, total = [], 0
    for lid, _ in learner_order(prep):
        x = prep.learner[lid]
        booked = {s.component for s in mine[lid]}
        todo = [c.id for c in problem.components if c.id in x.needs and c.id not in booked
                and c.id in comps and (not only_existing or (lid, c.id) in existing)]
        if not todo:
            continue
        travel = _travel(problem, x)
        for comp in todo:
            c = comps[comp]
            was = existing.get((lid, comp), -1)
            if only_existing:
                c = _Sessions(*(a[c.idx == was] for a in (c.idx, c.day, c.loc, c.seats, c.comfort)))
            found = _best(problem, x, c, used, mine[lid], travel, was)
            if found is None:
                continue
            gain, s = found
            used[s] += 1
            mine[lid].append(problem.sessions[s])
            added.append(booked_exam(prep, lid, comp, s, False))
            total += gain
    return sorted(bookings + added, key=lambda b: (b.learner, b.day, b.start)), total
