"""JSON <-> domain for exam problems and solutions; every error names the JSON path at fault."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, time, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from scheduler.common.errors import ProblemInputError
from scheduler.common.geo import Point
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

if TYPE_CHECKING:  # typeshed's protocol for "any dataclass instance", a type-checking-only module
    from _typeshed import DataclassInstance

T = TypeVar("T")
D = TypeVar("D", bound="DataclassInstance")


def _get(obj: Any, key: str, where: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
    if not isinstance(obj, dict):
        raise ProblemInputError(where, "must be an object")
    if key not in obj:
        if default is ...:
            raise ProblemInputError(f"{where}.{key}".lstrip("."), "is required")
        return default
    value = obj[key]
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise ProblemInputError(f"{where}.{key}".lstrip("."), "must not be a boolean")
    if not isinstance(value, kind):
        raise ProblemInputError(f"{where}.{key}".lstrip("."), f"has the wrong type ({value!r})")
    return value


def _date(text: Any, where: str) -> date:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ProblemInputError(where, f"must be a date YYYY-MM-DD, got {text!r}") from None


def _time(text: Any, where: str) -> time:
    try:
        return time.fromisoformat(text)
    except (TypeError, ValueError):
        raise ProblemInputError(where, f"must be a time HH:MM, got {text!r}") from None


def _list(obj: Any, key: str, where: str, parse: Callable[[Any, str], T], opt: bool = False) -> list[T]:
    items = _get(obj, key, where, list, [] if opt else ...)
    path = f"{where}.{key}".lstrip(".")
    return [parse(item, f"{path}[{i}]") for i, item in enumerate(items)]


def _point(obj: Any, where: str) -> Point:
    lat, lon = _get(obj, "lat", where, (int, float)), _get(obj, "lon", where, (int, float))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ProblemInputError(where, "lat/lon out of range")
    return Point(float(lat), float(lon))


def _component(obj: Any, where: str) -> Component:
    minutes = _get(obj, "minutes", where, int)
    if minutes <= 0:
        raise ProblemInputError(f"{where}.minutes", "must be positive")
    return Component(_get(obj, "id", where, str), minutes, _get(obj, "interview", where, bool, False))


def _location(obj: Any, where: str) -> Location:
    return Location(
        id=_get(obj, "id", where, str), name=_get(obj, "name", where, str, obj.get("id", "")),
        point=_point(obj, where),
        facilities=frozenset(_get(obj, "facilities", where, list, ["accessible", "extra_time"])),
        closed_dates=frozenset(_list(obj, "closed_dates", where, _date, opt=True)),
    )


def _session(obj: Any, where: str) -> Session:
    seats, minutes = _get(obj, "seats", where, int), _get(obj, "minutes", where, int)
    if seats < 0 or minutes <= 0:
        raise ProblemInputError(where, "seats must be >= 0 and minutes > 0")
    return Session(
        id=_get(obj, "id", where, str), location=_get(obj, "location", where, str),
        day=_date(_get(obj, "date", where, str), f"{where}.date"),
        component=_get(obj, "component", where, str),
        start=_time(_get(obj, "start", where, str), f"{where}.start"), minutes=minutes, seats=seats,
    )


def _learner(obj: Any, where: str, lead_days: int) -> Learner:
    if "ready" in obj:
        ready = _date(obj["ready"], f"{where}.ready")
    else:
        registered = _date(_get(obj, "registered", where, str), f"{where}.registered")
        ready = registered + timedelta(days=lead_days)
    deadline = _date(_get(obj, "deadline", where, str), f"{where}.deadline")
    attempts = _get(obj, "attempts", where, dict, {})
    if any(not isinstance(v, int) or isinstance(v, bool) or v < 0 for v in attempts.values()):
        raise ProblemInputError(f"{where}.attempts", "values must be integers >= 0")
    max_per_day = _get(obj, "max_per_day", where, int, 5)
    if max_per_day < 1:
        raise ProblemInputError(f"{where}.max_per_day", "must be at least 1")
    return Learner(
        id=_get(obj, "id", where, str), needs=tuple(_get(obj, "needs", where, list)),
        ready=ready, deadline=deadline, home=_point(_get(obj, "home", where, dict), f"{where}.home"),
        attempts=tuple(sorted(attempts.items())),
        max_travel_km=float(_get(obj, "max_travel_km", where, (int, float), 150.0)),
        unavailable=frozenset(_list(obj, "unavailable", where, _date, opt=True)),
        requirements=frozenset(_get(obj, "requirements", where, list, [])), max_per_day=max_per_day,
    )


def _booking(obj: Any, where: str) -> Booking:
    return Booking(_get(obj, "learner", where, str), _get(obj, "component", where, str),
                   _get(obj, "session", where, str), _get(obj, "pinned", where, bool, False))


def _dataclass_from(cls: type[D], obj: Any, where: str) -> D:
    base = cls()
    values = {}
    for name in base.__dataclass_fields__:
        default = getattr(base, name)
        kind = (int, float) if isinstance(default, float) else type(default)
        values[name] = _get(obj, name, where, kind, default)
    return cls(**values)


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

    if not isinstance(data, dict):
        raise ProblemInputError("", "the problem file must hold a JSON object")
    _finite(data)
    horizon = _get(data, "horizon", "", dict)
    settings = _dataclass_from(Settings, data.get("settings", {}), "settings")
    lead = settings.ready_after_registration_days
    problem = Problem(
        start=_date(_get(horizon, "start", "horizon", str), "horizon.start"),
        end=_date(_get(horizon, "end", "horizon", str), "horizon.end"),
        components=tuple(_list(data, "components", "", _component, opt=True)) or DEFAULT_COMPONENTS,
        locations=tuple(_list(data, "locations", "", _location)),
        sessions=tuple(_list(data, "sessions", "", _session)),
        learners=tuple(_list(data, "learners", "", lambda o, w: _learner(o, w, lead))),
        bookings=tuple(_list(data, "bookings", "", _booking, opt=True)),
        open_holidays=frozenset(_list(data, "open_holidays", "", _date, opt=True)),
        weights=_dataclass_from(Weights, data.get("weights", {}), "weights"),
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


def _unbooked(obj: Any, where: str) -> Unbooked:
    reasons = tuple(_get(obj, "reasons", where, list))
    if not all(isinstance(r, str) for r in reasons):
        raise ProblemInputError(f"{where}.reasons", "must be a list of strings")
    return Unbooked(_get(obj, "learner", where, str), _get(obj, "component", where, str), reasons,
                    reasons_from_json(obj.get("reason_codes"), reasons, f"{where}.reason_codes"))


def unbooked_from_solution_json(data: Any) -> list[Unbooked]:
    """The unbooked components of a solution file, with codes when the file has them (newer runs)."""
    if not isinstance(data, dict):
        raise ProblemInputError("", "the solution file must hold a JSON object")
    return _list(data, "unbooked", "", _unbooked, opt=True)


def bookings_from_solution_json(data: Any) -> list[tuple[str, str, str]]:
    """(learner, component, session) triples of a solution file; only these matter to `check`."""
    if not isinstance(data, dict):
        raise ProblemInputError("", "the solution file must hold a JSON object")
    _finite(data)
    rows = _list(data, "bookings", "", lambda o, w: (_get(o, "learner", w, str),
                                                     _get(o, "component", w, str),
                                                     _get(o, "session", w, str)))
    return rows
