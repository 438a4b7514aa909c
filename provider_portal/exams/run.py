"""The exam solver as a run kind: build from the portal, solve, publish bookings."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from provider_portal.exams import capacity
from provider_portal.exams.problem import FROM_CORE, build_exam_problem
from provider_portal.models import ExamBooking, LearnerExam, PlanRun
from provider_portal.models.enums import ExamStatus
from provider_portal.models.types import utcnow
from provider_portal.planning import bulk
from provider_portal.planning.runs import RunError, SolverKind, register
from scheduler.common.errors import ProblemInputError
from scheduler.common.progress import CancelToken, ProgressCallback
from scheduler.exams.cli import summary
from scheduler.exams.io import problem_from_json, problem_to_json, solution_to_json
from scheduler.exams.solver import solve


def _build(session: Session, municipalities: tuple[str, ...], plan_date: date) -> dict[str, Any]:
    problem = build_exam_problem(session, municipalities, plan_date)
    if not problem.sessions:
        raise RunError("municipalities", _l("There are no exam sessions in the coming quarter."))
    data = problem_to_json(problem)
    try:
        problem_from_json(data)  # the solver's own validation, now rather than in the jobs process
    except ProblemInputError as exc:
        raise RunError("municipalities", _l("The data cannot be planned: %(e)s", e=str(exc))) from exc
    return data


def _solve(
    problem: dict[str, Any], limit: int, cancel: CancelToken, progress: ProgressCallback, threads: int = 2
) -> tuple[dict[str, Any], dict[str, Any]]:
    parsed = problem_from_json(problem)
    solution = solve(parsed, time_limit=limit, workers=threads, seed=0, cancel=cancel, progress=progress)
    return solution_to_json(solution), summary(parsed, solution)


def _publish(session: Session, run: PlanRun) -> int:
    """Replace the run's learners' unpinned bookings with the run's; pinned ones stay (in bulk:
    planning/bulk.py).

    The exam sessions the run books are locked first and their bookings re-counted after the
    change: should another planner have published into them since this run was built, nothing is
    published (`capacity.check_seats` raises; the caller rolls back), see docs/exams.md.
    """
    assert run.problem is not None and run.solution is not None  # `runs.publish` checked the solution
    learner_ids = [int(x["id"]) for x in run.problem["learners"]]
    bookings = (run.solution or {}).get("bookings", [])
    sessions = {int(row["session"]) for row in bookings}
    capacity.lock_sessions(session, sessions)
    now = utcnow()
    rows = [{"learner_id": int(row["learner"]), "component": FROM_CORE[row["component"]],
             "session_id": int(row["session"]), "attempt": row["attempt"], "fee_cents": 100 * row["fee_eur"],
             "pinned": False, "run_id": run.id, "published_at": now} for row in bookings]
    bulk.replace_unpinned(session, ExamBooking, ExamBooking.component, learner_ids, rows)
    capacity.check_seats(session, sessions)
    booked = {(row["learner_id"], row["component"]) for row in rows}
    bulk.mark_statuses(session, LearnerExam, LearnerExam.component, learner_ids, booked,
                       ExamStatus.OPEN, ExamStatus.PLANNED)
    return len(booked)


EXAMS = register(SolverKind("exams", _build, _solve, _publish))
