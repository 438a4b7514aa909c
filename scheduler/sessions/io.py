"""JSON <-> domain for sessions problems and solutions; every error names its JSON path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

from scheduler.common.calendar import DayPart, Interval, day_parts_covering
from scheduler.common.errors import ProblemInputError
from scheduler.common.geo import Point
from scheduler.common.reasons import explained_json, reasons_from_json
from scheduler.sessions.domain import (
    MAX_WEIGHT,
    MODULES,
    Assignment,
    Cohort,
    Learner,
    Module,
    Problem,
    Slot,
    Solution,
    Status,
    Trainer,
    Unplaced,
    Weights,
)
from scheduler.sessions.jsonpath import date_field as _date
from scheduler.sessions.jsonpath import field as _field
from scheduler.sessions.jsonpath import list_field as _list
from scheduler.sessions.jsonpath import parse as _parse
from scheduler.sessions.jsonpath import reject_non_finite
from scheduler.sessions.validate import check_references

T = TypeVar("T")

def _slot(text: Any, where: str) -> Slot:
    if not isinstance(text, str) or ":" not in text:
        raise ProblemInputError(where, f"expected 'day:part' such as 'mon:morning', got {text!r}")
    day, part = text.split(":", 1)
    if day not in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
        raise ProblemInputError(where, f"unknown weekday {day!r}")
    if part not in {p.value for p in DayPart}:
        raise ProblemInputError(where, f"unknown day part {part!r}")
    return (day, DayPart(part))


def _meeting(obj: Any, where: str) -> Interval:
    day = _date(obj, "date", where)
    start = _parse(f"{where}.start", _field(obj, "start", where, str), time.fromisoformat, "HH:MM")
    end = _parse(f"{where}.end", _field(obj, "end", where, str), time.fromisoformat, "HH:MM")
    try:
        span = Interval(datetime.combine(day, start), datetime.combine(day, end))
        day_parts_covering(span)
    except ValueError as exc:
        raise ProblemInputError(where, str(exc)) from exc
    return span


def _busy(obj: Any, where: str) -> Interval:
    start = _parse(f"{where}.start", _field(obj, "start", where, str), datetime.fromisoformat,
                   "a date-time")
    end = _parse(f"{where}.end", _field(obj, "end", where, str), datetime.fromisoformat,
                 "a date-time")
    try:
        return Interval(start, end)
    except ValueError as exc:
        raise ProblemInputError(where, str(exc)) from exc


def _point(obj: Any, where: str) -> Point:
    lat = float(_field(obj, "lat", where, (int, float)))
    lon = float(_field(obj, "lon", where, (int, float)))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ProblemInputError(where, f"coordinates ({lat}, {lon}) out of range")
    return Point(lat, lon)


def _module_code(value: Any, where: str) -> str:
    if value not in MODULES:
        raise ProblemInputError(where, f"unknown module {value!r} (expected one of {', '.join(MODULES)})")
    return str(value)


def _cohort(obj: Any, where: str) -> Cohort:
    meetings = tuple(_meeting(m, f"{where}.meetings[{i}]")
                     for i, m in enumerate(_list(obj, "meetings", where)))
    if not meetings:
        raise ProblemInputError(f"{where}.meetings", "a cohort needs at least one meeting")
    low, high = _field(obj, "min_size", where, int), _field(obj, "max_size", where, int)
    if not 1 <= low <= high:
        raise ProblemInputError(f"{where}.min_size", f"need 1 <= min_size <= max_size, got {low}, {high}")
    cost = float(_field(obj, "cost", where, (int, float), 0.0))
    if cost < 0:
        raise ProblemInputError(f"{where}.cost", "must not be negative")
    holidays = frozenset(_day(day, f"{where}.allowed_holidays[{i}]")
                         for i, day in enumerate(_list(obj, "allowed_holidays", where, [])))
    return Cohort(
        id=_field(obj, "id", where, str), module=_module_code(obj.get("module"), f"{where}.module"),
        location=_field(obj, "location", where, str, ""), point=_point(obj, where),
        language=_field(obj, "language", where, str), trainer=_field(obj, "trainer", where, str),
        meetings=meetings, min_size=low, max_size=high, cost=cost, allowed_holidays=holidays)


def _day(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise ProblemInputError(where, f"expected a date YYYY-MM-DD, got {type(value).__name__}")
    return _parse(where, value, date.fromisoformat, "a date YYYY-MM-DD")


def _statuses(obj: Any, where: str) -> dict[str, Status]:
    raw = _field(obj, "modules", where, dict, {})
    out = {}
    for code, value in raw.items():
        _module_code(code, f"{where}.modules")
        if value not in {s.value for s in Status}:
            raise ProblemInputError(f"{where}.modules.{code}", f"unknown status {value!r}")
        out[code] = Status(value)
    return out


def _learner(obj: Any, where: str) -> Learner:
    languages = tuple(_list(obj, "languages", where))
    if not languages or not all(isinstance(x, str) for x in languages):
        raise ProblemInputError(f"{where}.languages", "expected a non-empty list of language names")
    travel = float(_field(obj, "max_travel_km", where, (int, float)))
    if travel < 0:
        raise ProblemInputError(f"{where}.max_travel_km", "must not be negative")
    deadlines = _field(obj, "deadlines", where, dict, {})
    for code in deadlines:
        _module_code(code, f"{where}.deadlines")
    return Learner(
        id=_field(obj, "id", where, str), route=_field(obj, "route", where, str),
        statuses=_statuses(obj, where), languages=languages, home=_point(obj, where),
        max_travel_km=travel,
        availability=frozenset(_slot(s, f"{where}.availability[{i}]")
                               for i, s in enumerate(_list(obj, "availability", where))),
        preferred=frozenset(_slot(s, f"{where}.preferred[{i}]")
                            for i, s in enumerate(_list(obj, "preferred", where, []))),
        busy=tuple(_busy(b, f"{where}.busy[{i}]") for i, b in enumerate(_list(obj, "busy", where, []))),
        earliest_start=_date(obj, "earliest_start", where),
        deadlines={code: _date(deadlines, code, f"{where}.deadlines") for code in deadlines})


def _assignment(obj: Any, where: str) -> Assignment:
    return Assignment(learner=_field(obj, "learner", where, str),
                      module=_module_code(obj.get("module") if isinstance(obj, dict) else None,
                                          f"{where}.module"),
                      cohort=_field(obj, "cohort", where, str),
                      pinned=_field(obj, "pinned", where, bool, False))


def _weights(obj: Any) -> Weights:
    if obj is None:
        return Weights()
    if not isinstance(obj, dict):
        raise ProblemInputError("weights", "expected an object")
    names = list(Weights.__dataclass_fields__)
    unknown = sorted(set(obj) - set(names))
    if unknown:
        raise ProblemInputError(f"weights.{unknown[0]}",
                                f"unknown weight (known: {', '.join(names)})")
    defaults = Weights()
    values = {}
    for name in names:
        value = _field(obj, name, "weights", (int, float), getattr(defaults, name))
        low = 1 if name == "urgency_horizon_days" else 0
        if not low <= value <= MAX_WEIGHT:
            raise ProblemInputError(f"weights.{name}", f"must lie between {low} and {MAX_WEIGHT:,}, "
                                                       f"got {value!r}")
        values[name] = type(getattr(defaults, name))(value)
    return Weights(**values)


def _module(obj: Any, where: str) -> Module:
    code = _module_code(obj.get("code") if isinstance(obj, dict) else None, f"{where}.code")
    routes = _list(obj, "routes", where)
    for i, route in enumerate(routes):
        if not isinstance(route, str) or not route:
            raise ProblemInputError(f"{where}.routes[{i}]", "expected a route name")
    return Module(code, frozenset(routes))


def _check_routes(problem: Problem) -> None:
    """Every learner's route must be one some module names (else it is a typo: nothing is required)."""
    known = set().union(*(m.routes for m in problem.modules))
    for i, x in enumerate(problem.learners):
        if x.route not in known:
            raise ProblemInputError(f"learners[{i}].route",
                                    f"unknown route {x.route!r} (the modules name "
                                    f"{', '.join(sorted(known)) or 'no routes'})")


def _items(data: Any, key: str, parse: Callable[[Any, str], T], default: Any = ...) -> tuple[T, ...]:
    return tuple(parse(obj, f"{key}[{i}]") for i, obj in enumerate(_list(data, key, "", default)))


def problem_from_json(data: Any) -> Problem:
    """Build a Problem from parsed JSON, raising ProblemInputError that names the bad field."""
    if not isinstance(data, dict):
        raise ProblemInputError("", "a problem file must hold a JSON object")
    reject_non_finite(data)
    modules = _items(data, "modules", _module)
    problem = Problem(
        plan_date=_date(data, "plan_date", ""), modules=modules,
        cohorts=_items(data, "cohorts", _cohort), learners=_items(data, "learners", _learner),
        trainers=_items(data, "trainers",
                        lambda o, w: Trainer(_field(o, "id", w, str), _field(o, "name", w, str, ""))),
        existing=_items(data, "existing", _assignment, []),
        weights=_weights(data.get("weights")))
    check_references(problem)
    _check_routes(problem)
    return problem


def _slot_text(slot: Slot) -> str:
    return f"{slot[0]}:{slot[1].value}"


def _meeting_json(span: Interval) -> dict[str, str]:
    return {"date": span.start.date().isoformat(), "start": span.start.strftime("%H:%M"),
            "end": span.end.strftime("%H:%M")}


def _cohort_json(c: Cohort) -> dict[str, Any]:
    return {"id": c.id, "module": c.module, "location": c.location, "lat": c.point.lat,
            "lon": c.point.lon, "language": c.language, "trainer": c.trainer,
            "meetings": [_meeting_json(m) for m in c.meetings], "min_size": c.min_size,
            "max_size": c.max_size, "cost": c.cost,
            **({"allowed_holidays": sorted(d.isoformat() for d in c.allowed_holidays)}
               if c.allowed_holidays else {})}


def _learner_json(x: Learner) -> dict[str, Any]:
    return {"id": x.id, "route": x.route, "modules": {k: v.value for k, v in x.statuses.items()},
            "languages": list(x.languages), "lat": x.home.lat, "lon": x.home.lon,
            "max_travel_km": x.max_travel_km,
            "availability": sorted(_slot_text(s) for s in x.availability),
            "preferred": sorted(_slot_text(s) for s in x.preferred),
            "busy": [{"start": b.start.isoformat(timespec="minutes"),
                      "end": b.end.isoformat(timespec="minutes")} for b in x.busy],
            "earliest_start": x.earliest_start.isoformat(),
            "deadlines": {k: v.isoformat() for k, v in x.deadlines.items()}}


def assignment_json(a: Assignment) -> dict[str, Any]:
    """One assignment as JSON."""
    return {"learner": a.learner, "module": a.module, "cohort": a.cohort, "pinned": a.pinned}


def problem_to_json(problem: Problem) -> dict[str, Any]:
    """The JSON form of a Problem (round-trips through problem_from_json)."""
    w = problem.weights
    return {
        "plan_date": problem.plan_date.isoformat(),
        "modules": [{"code": m.code, "routes": sorted(m.routes)} for m in problem.modules],
        "trainers": [{"id": t.id, "name": t.name} for t in problem.trainers],
        "cohorts": [_cohort_json(c) for c in problem.cohorts],
        "learners": [_learner_json(x) for x in problem.learners],
        "existing": [assignment_json(a) for a in problem.existing],
        "weights": {name: getattr(w, name) for name in Weights.__dataclass_fields__},
    }


def solution_to_json(solution: Solution) -> dict[str, Any]:
    """The JSON form of a Solution: summary fields, assignments and unplaced learners with reasons."""
    return {
        **solution.summary(),
        "method": solution.method,
        "assignments": [assignment_json(a) for a in solution.assignments],
        "unplaced_learners": [_unplaced_json(u) for u in solution.unplaced],
    }


def _unplaced_json(u: Unplaced) -> dict[str, Any]:
    return explained_json({"learner": u.learner, "module": u.module}, u.reasons, u.reason_codes)


def _unplaced(obj: Any, where: str) -> Unplaced:
    reasons = tuple(_list(obj, "reasons", where, []))
    return Unplaced(_field(obj, "learner", where, str), _field(obj, "module", where, str), reasons,
                    reasons_from_json(obj.get("reason_codes"), reasons, f"{where}.reason_codes"))


def assignments_from_json(data: Any) -> tuple[Assignment, ...]:
    """The assignments of a solution file (the only part `check` trusts)."""
    if not isinstance(data, dict):
        raise ProblemInputError("", "a solution file must hold a JSON object")
    reject_non_finite(data)
    return _items(data, "assignments", _assignment)


def solution_from_json(data: Any) -> Solution:
    """Read a solution file back (used by the portal to show a stored result)."""
    assignments = assignments_from_json(data)
    unplaced = _items(data, "unplaced_learners", _unplaced, [])
    bound = _field(data, "bound", "", (int, float, type(None)), None)
    return Solution(status=_field(data, "status", "", str, "feasible"), assignments=assignments,
                    unplaced=unplaced, objective=float(_field(data, "objective", "", (int, float), 0)),
                    bound=None if bound is None else float(bound),
                    seconds=float(_field(data, "seconds", "", (int, float), 0)),
                    method=_field(data, "method", "", str, ""))
