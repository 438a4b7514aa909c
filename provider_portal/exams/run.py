"""The exam solver as a run kind: build from the portal, solve, publish bookings."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.exams import capacity
from provider_portal.exams.problem import FROM_CORE, build_exam_problem
from provider_portal.models import ExamBooking, LearnerExam, PlanRun
from provider_portal.models.enums import ExamStatus
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
    """Replace the run's learners' unpinned bookings with the run's; pinned ones stay.

    The exam sessions the run books are locked first and their bookings re-counted after the
    change: should another planner have published into them since this run was built, nothing is
    published (`capacity.check_seats` raises; the caller rolls back), see docs/exams.md.
    """
    assert run.problem is not None and run.solution is not None  # `runs.publish` checked the solution
    learner_ids = [int(x["id"]) for x in run.problem["learners"]]
    capacity.lock_sessions(session, {int(row["session"]) for row in run.solution["bookings"]})
    current = {
        (b.learner_id, b.component): b
        for b in session.execute(
            sa.select(ExamBooking).where(col(ExamBooking.learner_id).in_(learner_ids))
        ).scalars()
    }
    for booking in current.values():
        if not booking.pinned:
            session.delete(booking)
    session.flush()
    booked = set()
    for row in run.solution["bookings"]:
        key = (int(row["learner"]), FROM_CORE[row["component"]])
        booked.add(key)
        if key in current and current[key].pinned:
            continue
        session.add(
            ExamBooking(
                learner_id=key[0],
                component=key[1],
                session_id=int(row["session"]),
                attempt=row["attempt"],
                fee_cents=100 * row["fee_eur"],
                run_id=run.id,
            )
        )
    session.flush()
    capacity.check_seats(session, {int(row["session"]) for row in run.solution["bookings"]})
    _mark_planned(session, learner_ids, booked)
    return len(booked)


def _mark_planned(session: Session, learner_ids: list[int], booked: set[tuple[int, str]]) -> None:
    rows = session.execute(sa.select(LearnerExam).where(col(LearnerExam.learner_id)
        .in_(learner_ids))).scalars()
    for row in rows:
        if row.status == ExamStatus.OPEN and (row.learner_id, row.component) in booked:
            row.status = ExamStatus.PLANNED
        elif row.status == ExamStatus.PLANNED and (row.learner_id, row.component) not in booked:
            row.status = ExamStatus.OPEN


EXAMS = register(SolverKind("exams", _build, _solve, _publish))
