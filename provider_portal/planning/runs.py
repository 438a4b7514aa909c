"""Solver runs, for group sessions and for exams alike: start one in the jobs process, follow
it with progress and cancel, publish its result.

The problem is built and stored when the run is created, so a run can be reviewed exactly as it
was, whatever changes in the portal afterwards. Each solver plugs in through `SolverKind`.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.db import unit_of_work
from provider_portal.jobs.context import JobContext
from provider_portal.jobs.queue import AlreadyActive, enqueue
from provider_portal.jobs.registry import job_handler
from provider_portal.models import ExamBooking, Placement, PlanRun, User
from provider_portal.models.types import utcnow
from provider_portal.planning.problem import home_levels
from provider_portal.reference.places import centre_of
from provider_portal.service_errors import DomainError
from scheduler.common.progress import CancelToken, Progress, ProgressCallback

KIND = "planning.run"
MIN_SECONDS, MAX_SECONDS = 5, 600


class RunError(DomainError):
    """A run cannot be started or published as asked; `field` names the form field."""


class RunAlreadyActive(RunError):
    """The same run (planner, municipalities, solver) is already queued or running: `run` is that one."""

    def __init__(self, run: PlanRun) -> None:
        super().__init__("run", _l("Run %(id)s for these municipalities is already queued or running; "
                                   "it is shown here.", id=run.id))
        self.run = run


def active_key(planner_id: int, kind: str, municipalities: tuple[str, ...]) -> str:
    """One queued or running run per planner, solver and set of municipalities (Job.active_key)."""
    places = "\n".join(sorted(set(municipalities)))
    return f"{KIND}:{planner_id}:{kind}:{hashlib.sha256(places.encode()).hexdigest()[:32]}"


@dataclass(frozen=True)
class SolverKind:
    """How one solver is built from the portal's data, solved, and published."""

    name: str
    build: Callable[[Session, tuple[str, ...], date], dict[str, Any]]  # raises RunError when empty
    # (problem, time limit, cancel, progress, solver threads) -> (solution, summary)
    solve: Callable[
        [dict[str, Any], int, CancelToken, ProgressCallback, int], tuple[dict[str, Any], dict[str, Any]]
    ]
    publish: Callable[[Session, PlanRun], int]


SOLVERS: dict[str, SolverKind] = {}


def register(kind: SolverKind) -> SolverKind:
    """Make a solver available to runs (each solver module registers itself on import)."""
    SOLVERS[kind.name] = kind
    return kind


def _solver(name: str) -> SolverKind:
    from provider_portal.exams import run as _exams  # noqa: F401  (registers "exams")
    from provider_portal.planning import sessions_run as _sessions  # noqa: F401  (registers "sessions")

    return SOLVERS[name]


def start_run(
    session: Session,
    planner: User,
    municipalities: tuple[str, ...],
    time_limit: int,
    plan_date: date,
    kind: str = "sessions",
) -> PlanRun:
    """Snapshot the problem and queue the solver in the jobs process.

    Raises RunAlreadyActive (nothing stored) while the same planner's run of this solver for the
    same municipalities is queued or running: a double click on "Run starten" queues one run. The
    partial unique index on `job.active_key` decides, so this holds for requests at the same moment.
    """
    if not municipalities:
        raise RunError("municipalities", _l("Choose at least one municipality."))
    if not MIN_SECONDS <= time_limit <= MAX_SECONDS:
        raise RunError("time_limit", _l("Between %(a)s and %(b)s seconds.", a=MIN_SECONDS, b=MAX_SECONDS))
    unplaceable = [m for m in municipalities if centre_of(m) is None]
    if unplaceable:
        raise RunError("municipalities", _l(
            "No location is known yet for %(names)s, so travel cannot be measured; ask the platform "
            "administrator to add it.", names=", ".join(unplaceable)))
    problem = _solver(kind).build(session, municipalities, plan_date)
    run = PlanRun(
        planner_id=planner.id or 0,
        kind=kind,
        municipalities=list(municipalities),
        time_limit=time_limit,
        problem=problem,
        homes=home_levels(session, [int(x["id"]) for x in problem.get("learners", [])]),
    )
    session.add(run)
    session.flush()
    try:
        job = enqueue(session, KIND, params={"run_id": run.id}, created_by_id=planner.id,
                      active_key=active_key(planner.id or 0, kind, municipalities))
    except AlreadyActive as exc:  # the caller's unit of work rolls this run's row back
        holder = session.execute(sa.select(PlanRun).where(col(PlanRun.id) == exc.job.params.get("run_id"))
                                 ).scalar_one()  # committed with its job
        raise RunAlreadyActive(holder) from exc
    run.job_id = job.id
    session.flush()
    return run


@job_handler(KIND, isolate=True)
def solve_run(ctx: JobContext) -> dict[str, Any]:
    """Solve a stored run with JOBS_SOLVER_THREADS threads, reporting best objective and gap, and
    stopping when cancelled. The result's `phases` say where the seconds went (reading the
    problem, solving, storing the solution), for the planner's benchmark (bench/planning)."""
    began = time.monotonic()
    with ctx.session() as session:
        run = session.execute(sa.select(PlanRun).where(PlanRun.id == ctx.params["run_id"])).scalar_one()
        problem, limit, kind = run.problem, run.time_limit, run.kind
    loaded = time.monotonic()
    cancel, done = CancelToken(), threading.Event()
    watcher = threading.Thread(target=_watch_cancel, args=(ctx, cancel, done), daemon=True)
    watcher.start()
    try:
        solution, summary = _solver(kind).solve(problem, limit, cancel, lambda p: _report(ctx, p, limit),
                                                ctx.solver_threads)
    finally:
        done.set()
        watcher.join(timeout=5)
    solved = time.monotonic()
    with unit_of_work(ctx.engine) as session:
        session.execute(
            sa.update(PlanRun).where(PlanRun.id == ctx.params["run_id"]).values(solution=solution)
        )
    phases = {"load": loaded - began, "solve": solved - loaded, "store": time.monotonic() - solved}
    return {**summary, "cancelled": cancel.cancelled, "phases": {k: round(v, 3) for k, v in phases.items()}}


def _watch_cancel(ctx: JobContext, cancel: CancelToken, done: threading.Event) -> None:
    """Poll the job's cancel flag (now, then every second) and pass it on to the solver."""
    while True:
        if ctx.cancel_requested():
            cancel.cancel()
            return
        if done.wait(1.0):
            return


def _report(ctx: JobContext, progress: Progress, limit: int) -> None:
    """Store the progress in plain numbers; the pages word and format it (labels.job_message)."""
    gap = "–" if progress.gap is None else f"{progress.gap * 100:.2f}%"
    best = "–" if progress.objective is None else f"{progress.objective:.0f}"
    ctx.progress(min(99, int(100 * progress.seconds / max(1, limit))), f"best {best}, gap {gap}")


def publish(session: Session, run: PlanRun) -> int:
    """Make the run's result the published plan; returns how many placements or bookings it made.

    A RunError (e.g. exam seats taken meanwhile) leaves the caller's unit of work to roll back, so
    nothing of the run is published; the locks the solver's publish takes are held until it commits."""
    if run.solution is None:
        raise RunError("run", _l("This run has no result yet."))
    count = _solver(run.kind).publish(session, run)
    run.published_at = utcnow()
    session.flush()
    return count


def toggle_pin(session: Session, published: Placement | ExamBooking) -> bool:
    """Pin or unpin a published placement or exam booking (later runs keep pinned ones)."""
    published.pinned = not published.pinned
    session.flush()
    return published.pinned
