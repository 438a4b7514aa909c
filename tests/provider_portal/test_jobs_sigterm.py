"""SIGTERM stops the jobs process gracefully: it claims nothing more, lets a running job finish
within JOBS_GRACE_SECONDS, and hands back what still runs after that (drafts queued again, a solver
run failed with a sentence), its solver process stopped with it. Real `jobs run` processes, bounded.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from billing.quarters import Quarter
from provider_portal.invoicing import jobs as invoicing_jobs
from provider_portal.jobs.queue import LOST, enqueue
from provider_portal.models import Invoice, Job
from tests.provider_portal.test_invoicing_job import schools  # noqa: F401  (fixture)
from tests.provider_portal.test_jobs_crash import (
    _alive,
    _children,
    _descendants,
    _process,
    _solver_and_draft_runs,
    _until,
)
from tests.provider_portal.test_planning import PLAN_DATE, world  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")


def _stop(process: subprocess.Popen, seconds: float) -> tuple[int, float]:
    """SIGTERM, then the exit code and how long the process took to exit (killed after `seconds`)."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)
        pytest.fail(f"the jobs process did not exit within {seconds} s of SIGTERM")
    return code, time.monotonic() - started


def test_sigterm_lets_the_running_draft_run_finish_and_claims_nothing_more(app, db, schools) -> None:  # noqa: F811
    url = app.config["DATABASE_URL"]
    drafts = invoicing_jobs.enqueue_quarter_drafts(db, Quarter(2026, 1))
    db.commit()
    behind = enqueue(db, "housekeeping")  # the one worker would take it next
    db.commit()
    process = _process(url, JOBS_WORKERS="1", JOBS_GRACE_SECONDS="60", FAULT_DRAFT_SECONDS="4")
    try:
        _until(db, lambda: (db.refresh(drafts), drafts.status == "running")[-1], 60, "the draft run to start")
        code, took = _stop(process, 45)  # two providers of 4 s each: longer than the old 5 s join
    finally:
        process.kill()
    db.expire_all()
    assert code == 0 and took < 45
    assert (drafts.status, drafts.attempts) == ("succeeded", 1)  # finished within the grace period
    assert db.execute(sa.select(sa.func.count()).select_from(Invoice)).scalar_one() == 4
    assert db.get(Job, behind.id).status == "queued"  # not started after the signal
    running = sa.select(sa.func.count()).select_from(Job).where(Job.status == "running")
    assert db.execute(running).scalar_one() == 0


def test_after_the_grace_period_a_solver_run_fails_and_a_draft_run_is_queued_again(
    app, db, schools, world  # noqa: F811
) -> None:
    solver, draft = _solver_and_draft_runs(db, world)
    process = _process(app.config["DATABASE_URL"], JOBS_GRACE_SECONDS="2", FAULT_DRAFT_SECONDS="20",
                       FAULT_DRAFTS_AFTER_SOLVER="1")
    try:
        _until(db, lambda: (db.refresh(solver), db.refresh(draft), solver.progress > 0
                            and draft.status == "running")[-1], 90, "a solver run and a draft run under way")
        children = _descendants(process.pid)  # the fork server, the solver it forked, the resource tracker
        solvers = children - _children(process.pid)
        code, took = _stop(process, 30)
    finally:
        process.kill()
    db.expire_all()
    assert code == 0 and took < 30
    assert solvers, "the solver runs in a child of the jobs process's fork server"
    _until(db, lambda: not any(_alive(pid) for pid in children), 10, "the solver process to stop with it")
    assert (solver.status, solver.error) == ("failed", LOST)
    assert (draft.status, draft.attempts, draft.started_at) == ("queued", 1, None)  # for the next process
    assert "retrying" in draft.message
