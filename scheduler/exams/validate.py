"""Cross-reference checks on a parsed problem (ids, timetables, bookings) with JSON-path errors."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

from scheduler.common.errors import InfeasibleInputError, ProblemInputError
from scheduler.common.ids import unique_ids
from scheduler.exams.domain import Problem, Session


def _end(session: Session) -> datetime:
    return datetime.combine(session.day, session.start) + timedelta(minutes=session.minutes)


def _check_timetable(problem: Problem) -> None:
    """The model needs each location-day to offer a component at most once, exams not overlapping."""
    interview = {c.id for c in problem.components if c.interview}
    by_day: dict[tuple[str, object], list[tuple[int, Session]]] = defaultdict(list)
    for i, s in enumerate(problem.sessions):
        by_day[(s.location, s.day)].append((i, s))
    for rows in by_day.values():
        seen: set[str] = set()
        exams = sorted((r for r in rows if r[1].component not in interview),
                       key=lambda r: r[1].start)
        for i, s in rows:
            if s.component in seen:
                raise ProblemInputError(f"sessions[{i}].component", f"{s.location} offers "
                                        f"{s.component} twice on {s.day}; merge the sittings")
            seen.add(s.component)
        for (_, a), (j, b) in zip(exams, exams[1:], strict=False):
            if datetime.combine(b.day, b.start) < _end(a):
                raise ProblemInputError(f"sessions[{j}].start", f"overlaps {a.id}; exam sessions "
                                        "at one location and day must follow each other")


def _check_bookings(problem: Problem) -> None:
    learners = {x.id: x for x in problem.learners}
    sessions = {s.id: s for s in problem.sessions}
    pinned: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for i, b in enumerate(problem.bookings):
        where = f"bookings[{i}]"
        if b.learner not in learners:
            raise ProblemInputError(f"{where}.learner", f"unknown learner {b.learner!r}")
        if b.session not in sessions:
            raise ProblemInputError(f"{where}.session", f"unknown session {b.session!r}")
        if sessions[b.session].component != b.component:
            raise ProblemInputError(f"{where}.component", "differs from the session's component")
        if b.component not in learners[b.learner].needs or (b.learner, b.component) in seen:
            raise ProblemInputError(f"{where}.component", "not needed by the learner, or twice")
        seen.add((b.learner, b.component))
        pinned[b.session] += b.pinned
    for sid, count in pinned.items():
        if count > sessions[sid].seats:
            raise InfeasibleInputError(f"session {sid}: {count} pinned bookings exceed its "
                                       f"{sessions[sid].seats} seats")


def validate_problem(problem: Problem) -> None:
    """Raise ProblemInputError (or InfeasibleInputError) when the problem contradicts itself."""
    if problem.end < problem.start:
        raise ProblemInputError("horizon.end", "is before horizon.start")
    unique_ids((c.id for c in problem.components), "components")
    unique_ids((x.id for x in problem.locations), "locations")
    unique_ids((s.id for s in problem.sessions), "sessions")
    unique_ids((x.id for x in problem.learners), "learners")
    components = {c.id for c in problem.components}
    locations = {x.id for x in problem.locations}
    for i, s in enumerate(problem.sessions):
        if s.location not in locations:
            raise ProblemInputError(f"sessions[{i}].location", f"unknown location {s.location!r}")
        if s.component not in components:
            raise ProblemInputError(f"sessions[{i}].component", f"unknown component {s.component!r}")
    for i, x in enumerate(problem.learners):
        for j, need in enumerate(x.needs):
            if need not in components:
                raise ProblemInputError(f"learners[{i}].needs[{j}]", f"unknown component {need!r}")
        if len(set(x.needs)) != len(x.needs):
            raise ProblemInputError(f"learners[{i}].needs", "lists a component twice")
    _check_timetable(problem)
    _check_bookings(problem)
