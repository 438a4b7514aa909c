"""The background jobs: queue, claim, run, cancel, deduplicate, schedule, and show in the portal."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session

from provider_portal.jobs.context import JobContext
from provider_portal.jobs.process import build_scheduler, enqueue_housekeeping, tick
from provider_portal.jobs.queue import (
    UnknownJobKind,
    claim_next,
    enqueue,
    request_cancel,
    run_job,
    run_pending,
)
from provider_portal.jobs.registry import HANDLERS, job_handler
from provider_portal.models import Job
from provider_portal.models.enums import Role
from provider_portal.models.types import utcnow
from tests.factories import make_provider, make_user
from tests.pages import read_page
from tests.web import login, submit, text


@pytest.fixture()
def test_kinds():
    """Handlers that exist only for these tests: one that reports progress, one that fails."""

    @job_handler("test.count")
    def count(ctx: JobContext) -> dict:
        for step in range(1, 4):
            ctx.check_cancelled()
            ctx.progress(step * 33, f"step {step}")
        return {"counted": ctx.params["upto"]}

    @job_handler("test.fail")
    def fail(ctx: JobContext) -> dict:
        raise RuntimeError("the DUO file had 3 bad rows")

    yield
    HANDLERS.pop("test.count")
    HANDLERS.pop("test.fail")


def test_a_queued_job_runs_to_success_with_its_result(db: Session, engine, test_kinds) -> None:
    job = enqueue(db, "test.count", params={"upto": 7})
    db.commit()
    assert run_pending(engine) == 1
    db.refresh(job)
    assert (job.status, job.progress, job.result, job.message) == ("succeeded", 100, {"counted": 7}, "step 3")
    assert job.started_at <= job.finished_at


def test_a_failing_job_records_the_error_and_the_process_carries_on(db, engine, test_kinds) -> None:
    bad = enqueue(db, "test.fail")
    db.commit()
    good = enqueue(db, "test.count", params={"upto": 1})
    db.commit()
    assert run_pending(engine) == 2
    db.refresh(bad)
    db.refresh(good)
    assert bad.status == "failed" and "RuntimeError: the DUO file had 3 bad rows" in bad.error
    assert good.status == "succeeded"


def test_a_job_is_claimed_only_once(db, engine, test_kinds) -> None:
    job = enqueue(db, "test.count", params={"upto": 1})
    db.commit()
    assert claim_next(engine) == job.id
    assert claim_next(engine) is None


def test_cancelling_a_queued_job_stops_it_before_it_starts(db, engine, test_kinds) -> None:
    job = enqueue(db, "test.count", params={"upto": 1})
    db.commit()
    request_cancel(db, job)
    db.commit()
    assert run_pending(engine) == 0
    assert job.status == "cancelled"


def test_a_running_job_stops_at_its_next_check_after_cancel(db, engine, test_kinds) -> None:
    job = enqueue(db, "test.count", params={"upto": 1})
    db.commit()
    assert claim_next(engine) == job.id
    db.refresh(job)
    request_cancel(db, job)
    db.commit()
    assert run_job(engine, job.id) == "cancelled"


def test_an_unknown_kind_cannot_be_queued(db) -> None:
    with pytest.raises(UnknownJobKind):
        enqueue(db, "no.such.kind")


def test_a_scheduled_run_enqueued_twice_exists_once(db, app) -> None:
    url = app.config["DATABASE_URL"]
    enqueue_housekeeping(url)
    enqueue_housekeeping(url)
    assert db.execute(sa.select(sa.func.count()).select_from(Job)).scalar_one() == 1


def test_housekeeping_deletes_only_old_finished_jobs(db, engine) -> None:
    old = Job(kind="housekeeping", status="succeeded", finished_at=utcnow() - timedelta(days=120))
    recent = Job(kind="housekeeping", status="failed", finished_at=utcnow() - timedelta(days=5))
    waiting = Job(kind="housekeeping", status="queued", created_at=utcnow() - timedelta(days=200))
    db.add_all([old, recent, waiting])
    db.commit()
    old_id = old.id
    run_pending(engine, limit=1)  # the oldest queued one, `waiting`, is the housekeeping run itself
    remaining = set(db.execute(sa.select(Job.id)).scalars())
    assert old_id not in remaining and {recent.id, waiting.id} <= remaining
    db.refresh(waiting)
    assert waiting.result == {"deleted": 1, "retention_days": 90, "sessions_deleted": 0,
                              "session_retention_days": 30}


def test_the_scheduler_keeps_only_ticks_in_memory_with_hours_of_misfire_grace(app) -> None:
    scheduler = build_scheduler(app.config["DATABASE_URL"], "Europe/Amsterdam", kind=BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"tick", "housekeeping", "invoicing.quarter_drafts"}
        assert all(job.func is tick and job.coalesce and job.misfire_grace_time >= 3600
                   for job in jobs.values())
        assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
        assert str(jobs["housekeeping"].trigger.timezone) == "Europe/Amsterdam"
    finally:
        scheduler.shutdown(wait=False)


def test_the_jobs_page_shows_progress_and_errors_of_the_own_provider_only(
    client, db, engine, test_kinds
) -> None:
    provider = make_provider(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    mine = enqueue(db, "test.fail", provider_id=provider.id)
    db.commit()
    theirs = enqueue(db, "test.count", provider_id=make_provider(db).id, params={"upto": 1})
    db.commit()
    run_pending(engine)
    login(client, admin.email)
    assert f"/jobs/{mine.id}" in text(client.get("/jobs/")) and f'/jobs/{theirs.id}"' not in text(
        client.get("/jobs/")
    )
    assert "the DUO file had 3 bad rows" in text(client.get(f"/jobs/{mine.id}"))
    assert client.get(f"/jobs/{mine.id}.json").get_json()["status"] == "failed"
    assert client.get(f"/jobs/{theirs.id}").status_code == 404


def test_the_cancel_button_cancels_a_queued_job(client, db, test_kinds) -> None:
    provider = make_provider(db)
    login(client, make_user(db, provider, role=Role.PROVIDER_ADMIN).email)
    job = enqueue(db, "test.count", provider_id=provider.id, params={"upto": 1})
    db.commit()
    response = submit(client, f"/jobs/{job.id}", {}, action=f"/jobs/{job.id}/cancel")
    assert response.status_code == 302
    db.refresh(job)
    assert job.status == "cancelled"


def test_the_jobs_pages_show_kind_status_and_result_in_dutch(client, db, engine) -> None:
    provider = make_provider(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    job = enqueue(db, "housekeeping", provider_id=provider.id, params={"retention_days": 30})
    db.commit()
    run_pending(engine)
    login(client, admin.email)
    listed = read_page(text(client.get("/jobs/"))).visible_text
    assert "Nachtelijke opruiming van oude taken" in listed and "Gelukt" in listed
    assert "housekeeping" not in listed and "succeeded" not in listed
    detail = read_page(text(client.get(f"/jobs/{job.id}"))).visible_text
    assert "Bewaartermijn (dagen): 30" in detail and "retention_days" not in detail
