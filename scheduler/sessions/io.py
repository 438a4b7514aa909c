"""JSON <-> domain for sessions problems and solutions; every error names its JSON path.

The file formats are the models in schema.py; this module turns them into domain objects and
checks what spans fields and records.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scheduler.common.calendar import Interval, day_parts_covering
from scheduler.common.errors import ProblemInputError
from scheduler.common.geo import Point
from scheduler.common.jsonmodel import validate
from scheduler.common.reasons import explained_json, reasons_from_json
from scheduler.sessions.domain import (
    Assignment,
    Cohort,
    Learner,
    Module,
    Problem,
    Slot,
    Solution,
    Trainer,
    Unplaced,
    Weights,
)
from scheduler.sessions.schema import (
    AssignmentIn,
    CohortIn,
    LearnerIn,
    ProblemFile,
    SolutionFile,
    UnplacedIn,
    WeightsIn,
)
from scheduler.sessions.validate import check_references


def _interval(start: datetime, end: datetime, where: str, *, meeting: bool) -> Interval:
    try:
        span = Interval(start, end)
        if meeting:
            day_parts_covering(span)
    except ValueError as exc:
        raise ProblemInputError(where, str(exc)) from exc
    return span


def _cohort(c: CohortIn, where: str) -> Cohort:
    meetings = tuple(_interval(datetime.combine(m.date, m.start), datetime.combine(m.date, m.end),
                               f"{where}.meetings[{i}]", meeting=True) for i, m in enumerate(c.meetings))
    if not meetings:
        raise ProblemInputError(f"{where}.meetings", "a cohort needs at least one meeting")
    if not 1 <= c.min_size <= c.max_size:
        raise ProblemInputError(f"{where}.min_size",
                                f"need 1 <= min_size <= max_size, got {c.min_size}, {c.max_size}")
    return Cohort(id=c.id, module=c.module, location=c.location, point=Point(c.lat, c.lon),
                  language=c.language, trainer=c.trainer, meetings=meetings, min_size=c.min_size,
                  max_size=c.max_size, cost=c.cost, allowed_holidays=frozenset(c.allowed_holidays))


def _learner(x: LearnerIn, where: str) -> Learner:
    return Learner(
        id=x.id, route=x.route, statuses=dict(x.modules),
        languages=tuple(x.languages), home=Point(x.lat, x.lon), max_travel_km=x.max_travel_km,
        availability=frozenset(x.availability), preferred=frozenset(x.preferred),
        busy=tuple(_interval(b.start, b.end, f"{where}.busy[{i}]", meeting=False)
                   for i, b in enumerate(x.busy)),
        earliest_start=x.earliest_start, deadlines=dict(x.deadlines))


def _assignment(a: AssignmentIn) -> Assignment:
    return Assignment(learner=a.learner, module=a.module, cohort=a.cohort, pinned=a.pinned)


def _weights(w: WeightsIn | None) -> Weights:
    if w is None:
        return Weights()
    defaults = Weights()
    return Weights(**{name: type(getattr(defaults, name))(getattr(w, name))
                      for name in Weights.__dataclass_fields__})


def _check_routes(problem: Problem) -> None:
    """Every learner's route must be one some module names (else it is a typo: nothing is required)."""
    known = set().union(*(m.routes for m in problem.modules))
    for i, x in enumerate(problem.learners):
        if x.route not in known:
            raise ProblemInputError(f"learners[{i}].route",
                                    f"unknown route {x.route!r} (the modules name "
                                    f"{', '.join(sorted(known)) or 'no routes'})")


def problem_from_json(data: Any) -> Problem:
    """Build a Problem from parsed JSON, raising ProblemInputError that names the bad field."""
    raw = validate(ProblemFile, data, "a problem file")
    problem = Problem(
        plan_date=raw.plan_date, modules=tuple(Module(m.code, frozenset(m.routes)) for m in raw.modules),
        cohorts=tuple(_cohort(c, f"cohorts[{i}]") for i, c in enumerate(raw.cohorts)),
        learners=tuple(_learner(x, f"learners[{i}]") for i, x in enumerate(raw.learners)),
        trainers=tuple(Trainer(t.id, t.name) for t in raw.trainers),
        existing=tuple(_assignment(a) for a in raw.existing), weights=_weights(raw.weights))
    check_references(problem)
    _check_routes(problem)
    return problem


def review_parts(data: Any) -> tuple[tuple[Cohort, ...], dict[str, Point]]:
    """What a reader of a stored run needs of its problem file: the cohorts (validated as
    `problem_from_json` validates them) and each learner's home, by learner id.

    The busy times and availability are not read: re-validating the whole file costs seconds at
    3,000 learners, and the file was validated when the run was built and solved.
    """
    if not isinstance(data, dict):
        raise ProblemInputError("", "a problem file must hold a JSON object")
    cohorts = tuple(_cohort(validate(CohortIn, c, f"cohorts[{i}]"), f"cohorts[{i}]")
                    for i, c in enumerate(data.get("cohorts") or []))
    homes: dict[str, Point] = {}
    for i, x in enumerate(data.get("learners") or []):
        try:
            homes[str(x["id"])] = Point(float(x["lat"]), float(x["lon"]))
        except (KeyError, TypeError, ValueError):
            raise ProblemInputError(f"learners[{i}]", "a learner needs an id, lat and lon") from None
    return cohorts, homes


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


def _unplaced(u: UnplacedIn, where: str) -> Unplaced:
    reasons = tuple(u.reasons)
    return Unplaced(u.learner, u.module, reasons,
                    reasons_from_json(u.reason_codes, reasons, f"{where}.reason_codes"))


def _solution_file(data: Any) -> SolutionFile:
    return validate(SolutionFile, data, "a solution file")


def assignments_from_json(data: Any) -> tuple[Assignment, ...]:
    """The assignments of a solution file (the only part `check` trusts)."""
    return tuple(_assignment(a) for a in _solution_file(data).assignments)


def solution_from_json(data: Any) -> Solution:
    """Read a solution file back (used by the portal to show a stored result)."""
    raw = _solution_file(data)
    return Solution(status=raw.status, assignments=tuple(_assignment(a) for a in raw.assignments),
                    unplaced=tuple(_unplaced(u, f"unplaced_learners[{i}]")
                                   for i, u in enumerate(raw.unplaced_learners)),
                    objective=raw.objective, bound=raw.bound, seconds=raw.seconds, method=raw.method)
