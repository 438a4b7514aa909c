"""Crashes are survived: a job whose jobs process died is retried (drafts) or failed (solver runs).

The fault tests start the real jobs process (`flask ... jobs run`) on the test database, kill it
with SIGKILL in the middle of a solver run and of a draft run, start it again, and check what
became of both. They run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal import clock
from provider_portal.invoicing import jobs as invoicing_jobs
from provider_portal.jobs.queue import LOST, claim_next, reap_stale, run_job
from provider_portal.models import Invoice, Job
from provider_portal.models.types import utcnow
from provider_portal.planning.runs import start_run
from tests.provider_portal.test_invoicing_job import schools  # noqa: F401  (fixture)
from tests.provider_portal.test_planning import PLAN_DATE, world  # noqa: F401  (fixture)
from tests.web import login, text

ROOT = Path(__file__).resolve().parents[2]
FLASK = Path(sys.executable).parent / "flask"
STALE = timedelta(seconds=60)


def _age(db: Session, job_id: int, seconds: int) -> None:
    """Pretend the job's jobs process stopped beating `seconds` ago."""
    beat = utcnow() - timedelta(seconds=seconds)
    db.execute(sa.update(Job).where(Job.id == job_id).values(heartbeat_at=beat))
    db.commit()


def test_a_draft_run_whose_process_died_is_queued_again_until_its_attempts_are_used(db, engine) -> None:
    job = invoicing_jobs.enqueue_quarter_drafts(db, Quarter(2026, 1))
    db.commit()
    for attempt in (1, 2):
        assert claim_next(engine) == job.id
        _age(db, job.id, 61)
        assert reap_stale(engine, STALE, max_attempts=3) == (1, 0)
        db.refresh(job)
        assert (job.status, job.attempts, job.started_at) == ("queued", attempt, None)
    assert claim_next(engine) == job.id
    _age(db, job.id, 61)
    assert reap_stale(engine, STALE, max_attempts=3) == (0, 1)
    db.refresh(job)
    assert job.status == "failed" and "3 times" in job.error and job.finished_at


def test_a_solver_run_whose_process_died_fails_with_a_sentence_and_its_page_says_so(
    client, db, engine, world  # noqa: F811
) -> None:
    run = start_run(db, world["planner"], ("Utrecht", "Amersfoort"), 5, PLAN_DATE)
    db.commit()
    assert claim_next(engine) == run.job_id
    _age(db, run.job_id, 30)
    assert reap_stale(engine, STALE, max_attempts=3) == (0, 0)  # still beating recently enough
    _age(db, run.job_id, 61)
    assert reap_stale(engine, STALE, max_attempts=3) == (0, 1)
    job = db.get(Job, run.job_id)
    db.refresh(job)
    assert (job.status, job.error) == ("failed", LOST)
    login(client, world["planner"].email)
    page = text(client.get(f"/planning/runs/{run.id}"))
    assert "Het takenproces stopte tijdens deze planningsronde; start de planningsronde opnieuw." in page
    assert run_job(engine, run.job_id) == "succeeded"  # a late result from the dead process...
    db.refresh(job)
    assert job.status == "failed"  # ...does not overwrite the verdict


def _process(url: str, **env: str) -> subprocess.Popen:
    """The real jobs process on the test database, its portal clock standing at the test's `clock.now()`."""
    environ = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "JOBS_WORKERS": "2",
               "FAULT_NOW": clock.now().isoformat(),
               "JOBS_POLL_SECONDS": "0.2", "JOBS_TICK_SECONDS": "1", "JOBS_HEARTBEAT_SECONDS": "0.5",
               "JOBS_STALE_SECONDS": "4", "FAULT_DRAFT_SECONDS": "3",
               "FAULT_SOLVER_SECONDS": "30", **env}
    return subprocess.Popen([str(FLASK), "--app", "tests.provider_portal.fault_app", "jobs", "run"],
                            cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _children(pid: int) -> set[int]:
    """Child process ids of `pid` (Linux /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _descendants(pid: int) -> set[int]:
    """Every process below `pid`: its children, theirs, and so on."""
    found, todo = set(), [pid]
    while todo:
        below = _children(todo.pop()) - found
        found |= below
        todo += below
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _solver_and_draft_runs(db: Session, planning: dict) -> tuple[Job, Job]:
    """A planning run for Utrecht and Amersfoort and the 2026-Q1 draft run, both queued (committed)."""
    run = start_run(db, planning["planner"], ("Utrecht", "Amersfoort"), 60, PLAN_DATE)
    db.commit()  # the callers' units of work, one each
    drafts = invoicing_jobs.enqueue_quarter_drafts(db, Quarter(2026, 1))
    db.commit()
    return db.get(Job, run.job_id), db.get(Job, drafts.id)


def _until(db: Session, predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while True:
        db.expire_all()
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigkill_in_the_middle_of_a_solver_run_and_a_draft_run_loses_nothing(
    app, db, schools, world  # noqa: F811
) -> None:
    solver, draft = _solver_and_draft_runs(db, world)
    url = app.config["DATABASE_URL"]
    first = _process(url, FAULT_DRAFTS_AFTER_SOLVER="1")  # drafts wait for the solver to report
    try:
        _until(db, lambda: (db.refresh(solver), db.refresh(draft), solver.progress > 0
                            and 0 < draft.progress < 50)[-1], 60, "a solver and a 1/3 done draft run")
        children = _descendants(first.pid)  # the fork server, the solver it forked, the resource tracker
        solvers = children - _children(first.pid)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        first.kill()
    db.refresh(solver)
    db.refresh(draft)
    assert (solver.status, draft.status) == ("running", "running")  # what the crash left behind
    q1 = sa.select(sa.func.count()).select_from(Invoice).where(Invoice.quarter == "2026-Q1")
    assert db.execute(q1).scalar_one() == 2  # the 1st of 3 providers done, the 2nd under way
    assert solvers, "the solver runs in a child of the jobs process's fork server"
    _until(db, lambda: not any(_alive(pid) for pid in children), 10, "the orphaned solver to exit")

    second = _process(url)
    try:
        _until(db, lambda: (db.refresh(solver), db.refresh(draft), solver.finished
                            and draft.status == "succeeded")[-1], 90, "the reaper and the retry")
        _until(db, lambda: db.execute(sa.select(sa.func.count()).select_from(Job)
                                      .where(Job.status.in_(("queued", "running")))).scalar_one() == 0,
               60, "every job to finish")
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(15)
        except subprocess.TimeoutExpired:
            second.kill()
    assert (solver.status, solver.error) == ("failed", LOST)
    assert draft.attempts == 2 and draft.result["quarter"] == "2026-Q1"
    pairs = db.execute(sa.select(Invoice.learner_id, Invoice.quarter)).all()
    assert sorted(pairs) == sorted(set(pairs))  # never twice
    # and complete: the process's ticks, at the test's 1 April 2026 06:00, found only 2026-Q1 due
    assert {quarter for _, quarter in pairs} == {"2026-Q1"} and len(pairs) == 4
    assert db.execute(sa.select(Job.dedupe_key).where(Job.kind == "housekeeping")).scalars().all() == [
        "housekeeping:2026-04-01"]
