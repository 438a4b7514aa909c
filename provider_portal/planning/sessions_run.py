"""The group-session solver as a run kind: build from the portal, solve, publish placements."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.models import LearnerModule, Placement, PlanRun
from provider_portal.models.enums import ModuleStatus
from provider_portal.planning.problem import build_problem
from provider_portal.planning.runs import RunError, SolverKind, register
from scheduler.common.progress import CancelToken, ProgressCallback
from scheduler.sessions.io import problem_from_json, problem_to_json, solution_from_json, solution_to_json
from scheduler.sessions.solver import solve


def _build(session: Session, municipalities: tuple[str, ...], plan_date: date) -> dict[str, Any]:
    problem = build_problem(session, municipalities, plan_date)
    if not problem.cohorts:
        raise RunError("municipalities", _l("There are no upcoming cohorts in these municipalities."))
    return problem_to_json(problem)


def _solve(
    problem: dict[str, Any], limit: int, cancel: CancelToken, progress: ProgressCallback, threads: int = 2
) -> tuple[dict[str, Any], dict[str, Any]]:
    solution = solve(problem_from_json(problem), time_limit=limit, workers=threads, seed=0, cancel=cancel,
                     progress=progress)
    return solution_to_json(solution), solution.summary()


def _publish(session: Session, run: PlanRun) -> int:
    """Replace the run's learners' unpinned placements with the run's; pinned ones stay."""
    problem, solution = problem_from_json(run.problem), solution_from_json(run.solution)
    learner_ids = [int(x.id) for x in problem.learners]
    current = {
        (p.learner_id, p.module): p
        for p in session.execute(sa.select(Placement).where(col(Placement.learner_id)
            .in_(learner_ids))).scalars()
    }
    for placement in current.values():
        if not placement.pinned:
            session.delete(placement)
    session.flush()
    placed = 0
    for a in solution.assignments:
        key = (int(a.learner), a.module)
        if key in current and current[key].pinned:
            continue
        session.add(Placement(learner_id=key[0], module=a.module, cohort_id=int(a.cohort), run_id=run.id))
        placed += 1
    _mark_planned(session, learner_ids, {(int(a.learner), a.module) for a in solution.assignments})
    return placed


def _mark_planned(session: Session, learner_ids: list[int], placed: set[tuple[int, str]]) -> None:
    """Required modules that got a cohort become planned; planned ones that lost it are required again."""
    rows = session.execute(
        sa.select(LearnerModule).where(col(LearnerModule.learner_id).in_(learner_ids))
    ).scalars()
    for row in rows:
        if row.status == ModuleStatus.REQUIRED and (row.learner_id, row.module) in placed:
            row.status = ModuleStatus.PLANNED
        elif row.status == ModuleStatus.PLANNED and (row.learner_id, row.module) not in placed:
            row.status = ModuleStatus.REQUIRED


SESSIONS = register(SolverKind("sessions", _build, _solve, _publish))
