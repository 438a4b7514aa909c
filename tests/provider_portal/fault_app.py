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
    return portal_app()


def _slow_child(*args: Any) -> None:
    """The spawned solver process, whose solvers first report progress for FAULT_SOLVER_SECONDS."""
    from provider_portal.planning import runs

    pause = float(os.environ.get("FAULT_SOLVER_SECONDS", "0"))
    for name in ("sessions", "exams"):
        kind = runs._solver(name)

        def solve(problem, limit, cancel, progress, real=kind.solve):  # type: ignore[no-untyped-def]
            started = time.monotonic()
            while time.monotonic() - started < pause and not cancel.cancelled:
                progress(Progress(objective=None, bound=None, seconds=time.monotonic() - started))
                time.sleep(0.5)
            return real(problem, limit, cancel, progress)

        runs.SOLVERS[name] = runs.SolverKind(kind.name, kind.build, solve, kind.publish)
    REAL_CHILD(*args)
