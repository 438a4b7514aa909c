"""Several workers: each job is claimed once, solver runs go to a spawned process and leave room.

The two-process test runs on PostgreSQL only (SKIP LOCKED is what lets workers on several
machines share one queue); set TEST_DATABASE_URL to a PostgreSQL database to run it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing import jobs as invoicing_jobs
from provider_portal.jobs import isolated
from provider_portal.jobs.context import JobContext
from provider_portal.jobs.process import JobSettings, _work_once
from provider_portal.jobs.queue import claim_next, enqueue
from provider_portal.models import Job
from provider_portal.models.enums import JobStatus, Role
from provider_portal.planning.runs import start_run
from tests.factories import make_user
from tests.provider_portal import fault_app
from tests.provider_portal.test_jobs_crash import _process, _until
from tests.provider_portal.test_planning import PLAN_DATE, world  # noqa: F401  (fixture)


def _on_postgresql(engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SKIP LOCKED")


def test_a_worker_without_a_free_solver_place_takes_the_drafts_behind_a_solver_run(
    db, engine, world  # noqa: F811
) -> None:
    run = start_run(db, world["planner"], ("Utrecht", "Amersfoort"), 5, PLAN_DATE)
    db.commit()
    drafts = invoicing_jobs.enqueue_quarter_drafts(db, Quarter(2026, 1))
    db.commit()
    assert _work_once(engine, JobSettings(), threading.Semaphore(0))  # the only solver place is taken
    db.expire_all()
    assert db.get(Job, drafts.id).status == "succeeded" and db.get(Job, run.job_id).status == "queued"


def test_a_solver_process_over_its_cpu_limit_is_stopped_and_the_job_says_so(db, engine, monkeypatch) -> None:
    job = Job(kind="test.burn", status=JobStatus.RUNNING)
    db.add(job)
    db.commit()
    monkeypatch.setattr(isolated, "_child", fault_app.burn_child)
    started = time.monotonic()
    status, result, error = isolated.run_isolated(JobContext(engine, job.id, "test.burn", {}, None), 2)
    assert (status, error) == ("failed", isolated.CPU_LIMIT % {"seconds": 2})
    assert time.monotonic() - started < 30


def test_on_postgresql_a_row_locked_by_one_worker_is_skipped_by_the_next(db, engine) -> None:
    _on_postgresql(engine)
    first = enqueue(db, "housekeeping")
    db.commit()
    second = enqueue(db, "housekeeping")
    db.commit()
    with Session(engine) as other:  # another worker is in the middle of claiming the first row
        other.execute(sa.select(Job).where(Job.id == first.id).with_for_update())
        assert claim_next(engine) == second.id  # not blocked, not the same row
        other.rollback()
    assert claim_next(engine) == first.id


def test_two_worker_processes_run_twenty_mixed_jobs_each_exactly_once(
    app, db, world, tmp_path: Path  # noqa: F811
) -> None:
    engine = app.extensions["db_engine"]
    _on_postgresql(engine)
    towns = ("Utrecht", "Amersfoort")  # one run per planner: the same start twice is refused
    planners = [world["planner"]] + [make_user(db, None, role=Role.PLANNER, municipalities=towns)
                                     for _ in range(3)]
    ids = [start_run(db, planner, ("Utrecht", "Amersfoort"), 5, PLAN_DATE).job_id for planner in planners]
    db.commit()
    for year in (2024, 2025):
        for number in (1, 2, 3, 4):
            ids.append(invoicing_jobs.enqueue_quarter_drafts(db, Quarter(year, number), dedupe=False).id)
            db.commit()
    ids += [enqueue(db, "housekeeping").id for _ in range(8)]
    db.commit()
    log = tmp_path / "runs.log"
    env = {"FAULT_RUN_LOG": str(log), "FAULT_DRAFT_SECONDS": "0.1", "FAULT_SOLVER_SECONDS": "0",
           "JOBS_WORKERS": "3"}
    processes = [_process(app.config["DATABASE_URL"], **env) for _ in range(2)]
    try:
        done = sa.select(sa.func.count()).select_from(Job).where(
            Job.id.in_(ids), Job.status.in_(("succeeded", "failed")))
        _until(db, lambda: db.execute(done).scalar_one() == 20, 120, "the 20 jobs to finish")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(15)
    runs = [tuple(map(int, line.split())) for line in log.read_text().splitlines()]
    ran = [job_id for job_id, _ in runs if job_id in ids]
    assert sorted(ran) == sorted(ids)  # every one ran, none twice
    assert len({pid for _, pid in runs}) == 2  # and both processes took part
    statuses = db.execute(sa.select(Job.status, Job.attempts, Job.error).where(Job.id.in_(ids))).all()
    assert {(status, attempts) for status, attempts, _ in statuses} == {("succeeded", 1)}, statuses
