"""The group-session solver as a run kind: build from the portal, solve, publish placements."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from provider_portal.models import LearnerModule, Placement, PlanRun
from provider_portal.models.enums import ModuleStatus
from provider_portal.models.types import utcnow
from provider_portal.planning import bulk
from provider_portal.planning.problem import build_problem
from provider_portal.planning.runs import RunError, SolverKind, register
from scheduler.common.progress import CancelToken, ProgressCallback
from scheduler.sessions.io import problem_from_json, problem_to_json, solution_to_json
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
    """Replace the run's learners' unpinned placements with the run's; pinned ones stay (in bulk:
    planning/bulk.py)."""
    learner_ids = [int(x["id"]) for x in run.problem["learners"]]  # no need to validate it again
    assignments = (run.solution or {}).get("assignments", [])
    now = utcnow()
    rows = [{"learner_id": int(a["learner"]), "module": a["module"], "cohort_id": int(a["cohort"]),
             "pinned": False, "run_id": run.id, "published_at": now} for a in assignments]
    placed = bulk.replace_unpinned(session, Placement, Placement.module, learner_ids, rows)
    bulk.mark_statuses(session, LearnerModule, LearnerModule.module, learner_ids,
                       {(row["learner_id"], row["module"]) for row in rows},
                       ModuleStatus.REQUIRED, ModuleStatus.PLANNED)
    return placed


SESSIONS = register(SolverKind("sessions", _build, _solve, _publish))
