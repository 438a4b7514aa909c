"""JSON <-> domain for exam problems and solutions; every error names the JSON path at fault."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from scheduler.common.errors import ProblemInputError
from scheduler.common.geo import Point
from scheduler.common.jsonmodel import validate
from scheduler.common.reasons import explained_json, reasons_from_json
from scheduler.exams.domain import (
    DEFAULT_COMPONENTS,
    Booking,
    Component,
    Learner,
    Location,
    Problem,
    Session,
    Settings,
    Solution,
    Unbooked,
    Weights,
)
from scheduler.exams.schema import (
    ExamProblemFile,
    ExamSolutionFile,
    LearnerIn,
    LocationIn,
    SessionIn,
    solution_wording,
    wording,
)


def _point(lat: float, lon: float, where: str) -> Point:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ProblemInputError(where, "lat/lon out of range")
    return Point(lat, lon)


def _location(x: LocationIn, where: str) -> Location:
    return Location(id=x.id, name=x.id if x.name is None else x.name, point=_point(x.lat, x.lon, where),
                    facilities=frozenset(x.facilities), closed_dates=frozenset(x.closed_dates))


def _session(x: SessionIn, where: str) -> Session:
    if x.seats < 0 or x.minutes <= 0:
        raise ProblemInputError(where, "seats must be >= 0 and minutes > 0")
    return Session(id=x.id, location=x.location, day=x.date, component=x.component, start=x.start,
                   minutes=x.minutes, seats=x.seats)


def _learner(x: LearnerIn, where: str, lead_days: int) -> Learner:
    if x.ready is not None:
        ready = x.ready
    elif x.registered is not None:
        ready = x.registered + timedelta(days=lead_days)
    else:
        raise ProblemInputError(f"{where}.registered", "is required")
    return Learner(
        id=x.id, needs=tuple(x.needs), ready=ready, deadline=x.deadline,
        home=_point(x.home.lat, x.home.lon, f"{where}.home"), attempts=tuple(sorted(x.attempts.items())),
        max_travel_km=x.max_travel_km, unavailable=frozenset(x.unavailable),
        requirements=frozenset(x.requirements), max_per_day=x.max_per_day)


def _finite(data: Any, where: str = "") -> None:
    """Refuse NaN and Infinity (Python's JSON reader accepts them; JSON does not), naming the path."""
    if isinstance(data, float) and not math.isfinite(data):
        raise ProblemInputError(where, f"must be a finite number, got {data}")
    if isinstance(data, dict):
        for key, value in data.items():
            _finite(value, f"{where}.{key}".lstrip("."))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _finite(value, f"{where}[{i}]")


def _at_least(value: float, low: float, where: str) -> None:
    if value < low:
        raise ProblemInputError(where, f"must be at least {low:g}, got {value:g}")


def _check_numbers(problem: Problem) -> None:
    """Numbers a solver divides by or adds up must be in range: weights, settings, travel limits."""
    for name in Weights.__dataclass_fields__:
        _at_least(getattr(problem.weights, name), 0, f"weights.{name}")
    _at_least(problem.weights.urgency_days, 1, "weights.urgency_days")
    if problem.weights.comfort_fill > 1:
        raise ProblemInputError("weights.comfort_fill", "must be at most 1 (a share of the seats)")
    for name in Settings.__dataclass_fields__:
        _at_least(getattr(problem.settings, name), 0, f"settings.{name}")
    for i, x in enumerate(problem.learners):
        _at_least(x.max_travel_km, 0, f"learners[{i}].max_travel_km")


def problem_from_json(data: Any) -> Problem:
    """Parse and validate a problem file's JSON; raises ProblemInputError naming the path."""
    from scheduler.exams.validate import validate_problem

    _finite(data)  # NaN/Infinity named by path, before the model reads the file
    raw = validate(ExamProblemFile, data, "the problem file", wording)
    settings = Settings(**raw.settings.model_dump())
    lead = settings.ready_after_registration_days
    problem = Problem(
        start=raw.horizon.start, end=raw.horizon.end,
        components=tuple(Component(c.id, c.minutes, c.interview) for c in raw.components)
        or DEFAULT_COMPONENTS,
        locations=tuple(_location(x, f"locations[{i}]") for i, x in enumerate(raw.locations)),
        sessions=tuple(_session(x, f"sessions[{i}]") for i, x in enumerate(raw.sessions)),
        learners=tuple(_learner(x, f"learners[{i}]", lead) for i, x in enumerate(raw.learners)),
        bookings=tuple(Booking(b.learner, b.component, b.session, b.pinned) for b in raw.bookings),
        open_holidays=frozenset(raw.open_holidays),
        weights=Weights(**raw.weights.model_dump()),
        settings=settings,
    )
    _check_numbers(problem)
    validate_problem(problem)
    return problem


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """The problem as JSON-ready data (what `generate` writes)."""
    return {
        "horizon": {"start": problem.start.isoformat(), "end": problem.end.isoformat()},
        "components": [{"id": c.id, "minutes": c.minutes, "interview": c.interview}
                       for c in problem.components],
        "locations": [{"id": x.id, "name": x.name, "lat": x.point.lat, "lon": x.point.lon,
                       "facilities": sorted(x.facilities),
                       "closed_dates": sorted(d.isoformat() for d in x.closed_dates)}
                      for x in problem.locations],
        "sessions": [{"id": s.id, "location": s.location, "date": s.day.isoformat(),
                      "component": s.component, "start": s.start.strftime("%H:%M"),
                      "minutes": s.minutes, "seats": s.seats} for s in problem.sessions],
        "learners": [_learner_json(x) for x in problem.learners],
        "bookings": [{"learner": b.learner, "component": b.component, "session": b.session,
                      "pinned": b.pinned} for b in problem.bookings],
        "open_holidays": sorted(d.isoformat() for d in problem.open_holidays),
        "weights": {k: getattr(problem.weights, k) for k in Weights.__dataclass_fields__},
        "settings": {k: getattr(problem.settings, k) for k in Settings.__dataclass_fields__},
    }


def _learner_json(x: Learner) -> dict[str, Any]:
    return {"id": x.id, "needs": list(x.needs), "ready": x.ready.isoformat(),
            "deadline": x.deadline.isoformat(), "home": {"lat": x.home.lat, "lon": x.home.lon},
            "attempts": dict(x.attempts), "max_travel_km": x.max_travel_km,
            "unavailable": sorted(d.isoformat() for d in x.unavailable),
            "requirements": sorted(x.requirements), "max_per_day": x.max_per_day}


def solution_to_json(solution: Solution) -> dict[str, Any]:
    """The solution file: bookings (fees flagged), unbooked components with reasons, and the run."""
    return {
        "status": solution.status, "objective": solution.objective, "bound": solution.bound,
        "gap": solution.gap, "seconds": round(solution.seconds, 3), "method": solution.method,
        "bookings": [{"learner": b.learner, "component": b.component, "session": b.session,
                      "location": b.location, "date": b.day.isoformat(),
                      "start": b.start.strftime("%H:%M"), "attempt": b.attempt,
                      "fee_eur": b.fee_eur, "pinned": b.pinned} for b in solution.bookings],
        "unbooked": [_unbooked_json(u) for u in solution.unbooked],
        "fees_eur": sum(b.fee_eur for b in solution.bookings),
        "moved": [{"learner": m.learner, "component": m.component, "session": m.session,
                   "to": m.to, "reason": m.reason, "reason_code": m.reason_code.to_json()}
                  for m in solution.moved],
    }


def _unbooked_json(u: Unbooked) -> dict[str, Any]:
    return explained_json({"learner": u.learner, "component": u.component}, u.reasons, u.reason_codes)


def solution_file(data: Any) -> ExamSolutionFile:
    """A solution file's JSON as its model (scheduler/exams/schema.py); errors name the JSON path."""
    return validate(ExamSolutionFile, data, "the solution file", solution_wording)


def unbooked_from_solution_json(data: Any) -> list[Unbooked]:
    """The unbooked components of a solution file, with codes when the file has them (newer runs)."""
    return [Unbooked(u.learner, u.component, tuple(u.reasons),
                     reasons_from_json(u.reason_codes, tuple(u.reasons), f"unbooked[{i}].reason_codes"))
            for i, u in enumerate(solution_file(data).unbooked)]


def bookings_from_solution_json(data: Any) -> list[tuple[str, str, str]]:
    """(learner, component, session) triples of a solution file; only these matter to `check`."""
    if isinstance(data, dict):
        _finite(data)  # NaN/Infinity anywhere, named by path (the model reads only what it knows)
    return [(b.learner, b.component, b.session) for b in solution_file(data).bookings]
