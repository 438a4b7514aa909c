"""Independent verifier: re-reads the raw problem and bookings; shares no code with the model."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import holidays

from scheduler.exams.domain import Learner, Problem, Session

if TYPE_CHECKING:  # the type only: the verifier computes its own distances
    from scheduler.common.geo import Point


def _km(a: Point, b: Point) -> float:
    """Own haversine, so a bug in the shared geometry cannot hide in both solver and check."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(
        math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def _closed(problem: Problem, loc_closed: frozenset[date], day: date) -> bool:
    holiday = day in holidays.country_holidays("NL", years=day.year)
    return day in loc_closed or (holiday and day not in problem.open_holidays)


def _session_rules(problem: Problem, x: Learner, s: Session, errors: list[str]) -> None:
    """Window, closed dates, the learner's dates, travel limit and needs, per booked session."""
    loc = next(loc for loc in problem.locations if loc.id == s.location)
    where = f"{x.id} {s.component} in {s.id}"
    if not x.ready <= s.day <= x.deadline:
        errors.append(f"{where}: outside {x.ready}..{x.deadline}")
    if _closed(problem, loc.closed_dates, s.day):
        errors.append(f"{where}: location closed on {s.day}")
    if s.day in x.unavailable:
        errors.append(f"{where}: learner cannot come on {s.day}")
    if _km(x.home, loc.point) > x.max_travel_km:
        errors.append(f"{where}: {loc.name} is beyond {x.max_travel_km} km")
    if not x.requirements <= loc.facilities:
        errors.append(f"{where}: {loc.name} lacks {sorted(x.requirements - loc.facilities)}")


def _day_rules(problem: Problem, x: Learner, day: date, same: list[Session],
               errors: list[str]) -> None:
    """One location a day, at most max_per_day exams, interviews alone, no overlaps."""
    interview = {c.id for c in problem.components if c.interview}
    if len({s.location for s in same}) > 1:
        errors.append(f"{x.id}: two locations on {day}")
    exams = [s for s in same if s.component not in interview]
    if len(exams) > x.max_per_day:
        errors.append(f"{x.id}: {len(exams)} components on {day}, at most {x.max_per_day}")
    if len(same) > 1 and any(s.component in interview for s in same):
        errors.append(f"{x.id}: interview on {day} shares the day with another component")
    spans = sorted((datetime.combine(day, s.start), s.minutes) for s in same)
    for (a, m), (b, _) in zip(spans, spans[1:], strict=False):
        if b < a + timedelta(minutes=m):
            errors.append(f"{x.id}: components overlap on {day}")


def _rules_for_one(problem: Problem, x: Learner, rows: list[Session], errors: list[str]) -> None:
    """Every per-learner hard rule over the learner's booked sessions."""
    by_day: dict[date, list[Session]] = defaultdict(list)
    for s in rows:
        _session_rules(problem, x, s, errors)
        by_day[s.day].append(s)
    for day, same in by_day.items():
        _day_rules(problem, x, day, same, errors)


def check(problem: Problem, rows: list[tuple[str, str, str]]) -> tuple[list[str], int]:
    """Every broken hard rule (empty when valid) and the objective recomputed from scratch."""
    errors: list[str] = []
    sessions = {s.id: s for s in problem.sessions}
    learners = {x.id: x for x in problem.learners}
    mine: dict[str, list[Session]] = defaultdict(list)
    seen: Counter[tuple[str, str]] = Counter()
    for i, (lid, comp, sid) in enumerate(rows):
        if lid not in learners or sid not in sessions:
            errors.append(f"bookings[{i}]: unknown learner {lid!r} or session {sid!r}")
            continue
        if sessions[sid].component != comp or comp not in learners[lid].needs:
            errors.append(f"bookings[{i}]: {lid} {comp} in {sid}: wrong or unneeded component")
        seen[(lid, comp)] += 1
        mine[lid].append(sessions[sid])
    errors += [f"{lid}: {comp} booked {n} times" for (lid, comp), n in seen.items() if n > 1]
    used = Counter(sid for _, _, sid in rows if sid in sessions)
    errors += [f"session {sid}: {n} bookings for {sessions[sid].seats} seats"
               for sid, n in used.items() if n > sessions[sid].seats]
    kept = {(lid, comp, sid) for lid, comp, sid in rows}
    errors += [f"pinned booking {b.learner} {b.component} in {b.session} was not kept"
               for b in problem.bookings if b.pinned and (b.learner, b.component, b.session) not in kept]
    for lid, booked in mine.items():
        _rules_for_one(problem, learners[lid], booked, errors)
    return errors, _objective(problem, rows, mine, used)


def _objective(problem: Problem, rows: list[tuple[str, str, str]], mine: dict[str, list[Session]],
               used: Counter[str]) -> int:
    """Points as docs/exams.md defines them, recomputed from the bookings alone."""
    w, locs = problem.weights, {loc.id: loc for loc in problem.locations}
    learners, total = {x.id: x for x in problem.learners}, 0
    for lid, booked in mine.items():
        x = learners[lid]
        left = (x.deadline - problem.start).days
        bonus = max(0, w.urgency_days - left) * w.urgency // w.urgency_days
        for s in booked:
            total += w.book + bonus - w.wait_per_day * max(0, (s.day - x.ready).days)
        trips = {s.day: s.location for s in booked}
        total -= sum(w.travel_per_km * round(_km(x.home, locs[loc].point)) for loc in trips.values())
    kept = set(rows)
    total -= w.change * sum(1 for b in problem.bookings
                            if not b.pinned and (b.learner, b.component, b.session) not in kept)
    seats = {s.id: s.seats for s in problem.sessions}
    total -= w.crowding * sum(max(0, n - int(w.comfort_fill * seats[sid])) for sid, n in used.items())
    return total
