"""Last pass: book still-unbooked components on trips of their own when seats are left.

The search books a learner's day group on one trip; a plan may also split it (lezen on Monday,
luisteren on Tuesday), which `check` accepts. This pass adds such bookings to the final plan, one
component at a time, each only where every hard rule holds and the objective gains.
"""

from __future__ import annotations

from collections import Counter

from scheduler.common.geo import haversine_km
from scheduler.exams import constraints as rules
from scheduler.exams.domain import BookedExam, Learner, Problem, Session
from scheduler.exams.greedy import learner_order
from scheduler.exams.model import Prepared


def _gain(problem: Problem, x: Learner, s: Session, trip_days: set, used: int,
          existing: str | None) -> int:
    """Objective points gained by booking `s` for the learner (travel only for a new trip day)."""
    w, loc = problem.weights, next(loc for loc in problem.locations if loc.id == s.location)
    gain = rules.booking_value(w, x, problem.start, s.day)
    if existing == s.id:
        gain += rules.change_cost(w)
    if s.day not in trip_days:
        gain -= rules.travel_cost(w, haversine_km(x.home, loc.point))
    if used + 1 > rules.comfort_seats(w, s.seats):
        gain -= w.crowding
    return gain


def _allowed(problem: Problem, x: Learner, s: Session, mine: list[Session],
             interviews: set[str]) -> bool:
    loc = next(loc for loc in problem.locations if loc.id == s.location)
    return (rules.session_usable(s, s.component) and rules.within_window(x, s.day)
            and rules.location_open(problem, loc, s.day) and rules.learner_can_come(x, s.day)
            and rules.reachable(x, loc) and rules.needs_respected(x, loc)
            and rules.fits_the_day(x, [m for m in mine if m.day == s.day], s, interviews))


def top_up(prep: Prepared, bookings: list[BookedExam], only_existing: bool = False,
           ) -> tuple[list[BookedExam], int]:
    """The bookings plus every gainful valid extra booking, and the points they add.

    With `only_existing` only existing (published) bookings are added back, each in its own session.
    """
    from scheduler.exams.result import booked_exam

    problem = prep.problem
    sessions = {s.id: s for s in problem.sessions}
    by_comp: dict[str, list[Session]] = {}
    for s in problem.sessions:
        by_comp.setdefault(s.component, []).append(s)
    interviews = {c.id for c in problem.components if c.interview}
    existing = {(b.learner, b.component): b.session for b in problem.bookings}
    used = Counter(b.session for b in bookings)
    mine: dict[str, list[Session]] = {}
    for b in bookings:
        mine.setdefault(b.learner, []).append(sessions[b.session])
    sidx = {s.id: i for i, s in enumerate(problem.sessions)}
    added, total = [], 0
    for lid, _ in learner_order(prep):
        x = prep.learner[lid]
        booked = {s.component for s in mine.get(lid, [])}
        for comp in (c.id for c in problem.components if c.id in x.needs and c.id not in booked):
            have = mine.setdefault(lid, [])
            days = {s.day for s in have}
            was = existing.get((lid, comp))
            if only_existing and was is None:
                continue
            candidates = [sessions[was]] if only_existing and was else by_comp.get(comp, [])
            options = [(_gain(problem, x, s, days, used[s.id], was), s.id) for s in candidates
                       if used[s.id] < s.seats and _allowed(problem, x, s, have, interviews)]
            if not options:
                continue
            gain, sid = min(options, key=lambda o: (-o[0], o[1]))
            if gain <= 0:
                continue
            used[sid] += 1
            have.append(sessions[sid])
            added.append(booked_exam(prep, lid, comp, sidx[sid], False))
            total += gain
    out = sorted(bookings + added, key=lambda b: (b.learner, b.day, b.start))
    return out, total
