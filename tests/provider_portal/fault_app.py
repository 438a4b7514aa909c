"""The portal as the fault tests' jobs process runs it (`flask --app tests.provider_portal.fault_app`).

Exactly the real app and `jobs run` command (workers, ticks, reaper, spawned solver processes);
only slowed down so the test can kill the process in the middle of a job: each provider's draft
run first waits FAULT_DRAFT_SECONDS, and a solver run first spends FAULT_SOLVER_SECONDS reporting
progress before the real solver starts. With FAULT_NOW (an ISO instant) the portal's clock stands
still at that instant in the jobs process and its solver processes, as `frozen_now` holds it in the
test, so what the ticks find due never depends on the day the suite runs.
"""

from __future__ import annotations

import os
import time
from datetime import datetime
from typing import Any

from flask import Flask

from provider_portal import clock
from provider_portal import create_app as portal_app
from provider_portal.invoicing import jobs as invoicing_jobs
from provider_portal.jobs import isolated
from scheduler.common.progress import Progress

REAL_CHILD = isolated._child


def create_app() -> Flask:
    """The portal, with draft runs slowed down and solver runs started in `_slow_child`."""
    _freeze_clock()
    real, pause = invoicing_jobs.make_drafts, float(os.environ.get("FAULT_DRAFT_SECONDS", "0"))

    def slow(*args: Any, **kwargs: Any) -> Any:
        if os.environ.get("FAULT_DRAFTS_AFTER_SOLVER"):
            _wait_for_a_solver(args[0].get_bind())
        time.sleep(pause)
        return real(*args, **kwargs)

    invoicing_jobs.make_drafts = slow
    isolated._child = _slow_child
    if os.environ.get("FAULT_RUN_LOG"):
        _log_runs(os.environ["FAULT_RUN_LOG"])
    return portal_app()


def _wait_for_a_solver(engine: Any, seconds: float = 120.0) -> None:
    """With FAULT_DRAFTS_AFTER_SOLVER, drafts start once a solver run reports progress, so a busy
    machine's slow solver start never lets the draft run finish before the test can kill it midway."""
    import sqlalchemy as sa

    from provider_portal.models import Job

    query = sa.select(sa.func.count()).select_from(Job).where(Job.kind == "planning.run", Job.progress > 0)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.execute(query).scalar_one():
                return
        time.sleep(0.2)


def _freeze_clock() -> None:
    """Stop the portal's clock at FAULT_NOW, when set (the test's own frozen instant)."""
    if os.environ.get("FAULT_NOW"):
        moment = datetime.fromisoformat(os.environ["FAULT_NOW"]).astimezone(clock.AMSTERDAM)
        clock.now = lambda: moment


def _log_runs(path: str) -> None:
    """Append `job_id pid` to `path` each time a worker of this process starts a job."""
    from provider_portal.jobs import process

    real = process.run_job

    def logged(engine: Any, job_id: int, **kwargs: Any) -> str:
        with open(path, "a", encoding="utf-8") as log:
            log.write(f"{job_id} {os.getpid()}\n")
        return real(engine, job_id, **kwargs)

    process.run_job = logged


def _slow_child(*args: Any) -> None:
    """The spawned solver process, whose solvers first report progress for FAULT_SOLVER_SECONDS."""
    from provider_portal.planning import runs

    _freeze_clock()
    pause = float(os.environ.get("FAULT_SOLVER_SECONDS", "0"))
    for name in ("sessions", "exams"):
        kind = runs._solver(name)

        def solve(problem, limit, cancel, progress, threads, real=kind.solve):  # type: ignore[no-untyped-def]
            started = time.monotonic()
            while time.monotonic() - started < pause and not cancel.cancelled:
                progress(Progress(objective=None, bound=None, seconds=time.monotonic() - started))
                time.sleep(0.5)
            return real(problem, limit, cancel, progress, threads)

        runs.SOLVERS[name] = runs.SolverKind(kind.name, kind.build, solve, kind.publish)
    REAL_CHILD(*args)


def burn_child(*args: Any) -> None:
    """A spawned job process whose kind `test.burn` spins until its CPU limit stops it."""
    from provider_portal.jobs.registry import job_handler

    @job_handler("test.burn", isolate=True)
    def burn(ctx: Any) -> dict:
        while True:
            pass

    REAL_CHILD(*args)
