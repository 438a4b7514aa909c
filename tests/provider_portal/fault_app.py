"""The portal as the fault tests' jobs process runs it (`flask --app tests.provider_portal.fault_app`).

Exactly the real app and `jobs run` command (workers, ticks, reaper, spawned solver processes);
only slowed down so the test can kill the process in the middle of a job: each provider's draft
run first waits FAULT_DRAFT_SECONDS, and a solver run first spends FAULT_SOLVER_SECONDS reporting
progress before the real solver starts.
"""

from __future__ import annotations

import os
import time
from typing import Any

from flask import Flask

from provider_portal import create_app as portal_app
from provider_portal.invoicing import jobs as invoicing_jobs
from provider_portal.jobs import isolated
from scheduler.common.progress import Progress

REAL_CHILD = isolated._child


def create_app() -> Flask:
    """The portal, with draft runs slowed down and solver runs started in `_slow_child`."""
    real, pause = invoicing_jobs.make_drafts, float(os.environ.get("FAULT_DRAFT_SECONDS", "0"))

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(pause)
        return real(*args, **kwargs)

    invoicing_jobs.make_drafts = slow
    isolated._child = _slow_child
    if os.environ.get("FAULT_RUN_LOG"):
        _log_runs(os.environ["FAULT_RUN_LOG"])
    return portal_app()


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
