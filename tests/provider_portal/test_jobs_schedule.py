"""Scheduled work is derived from the clock on every tick, so late ticks and downtime catch up once."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal import clock
from provider_portal.jobs.context import JobContext
from provider_portal.jobs.process import JobSettings, build_scheduler, quarter_to_draft, tick, work
from provider_portal.jobs.queue import run_pending
from provider_portal.jobs.registry import HANDLERS, job_handler
from provider_portal.models import Invoice, Job
from provider_portal.models.types import utcnow
from tests.provider_portal.test_invoicing_job import schools  # noqa: F401  (fixture)

Q1 = "invoicing.quarter_drafts:2026-Q1"


def _keys(db: Session) -> list[str]:
    db.expire_all()
    return sorted(k for k in db.execute(sa.select(Job.dedupe_key)).scalars() if k)


def _wait_for(predicate, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_quarter_is_due_from_six_on_its_first_day() -> None:
    at = datetime(2026, 4, 1, 5, 59, tzinfo=clock.AMSTERDAM)
    assert quarter_to_draft(at) == Quarter(2025, 4)
    assert quarter_to_draft(at + timedelta(minutes=1)) == Quarter(2026, 1)
    assert quarter_to_draft(datetime(2026, 6, 30, 23, 0, tzinfo=clock.AMSTERDAM)) == Quarter(2026, 1)


def test_two_ticks_enqueue_each_piece_of_due_work_once(app, db, frozen_now) -> None:
    frozen_now(datetime(2026, 4, 1, 7, 0))
    tick(app.config["DATABASE_URL"])
    tick(app.config["DATABASE_URL"])
    assert _keys(db) == ["housekeeping:2026-04-01", Q1]


def test_a_process_started_a_week_late_enqueues_the_missed_quarters_drafts_once(
    app, db, engine, schools, frozen_now  # noqa: F811
) -> None:
    url = app.config["DATABASE_URL"]
    frozen_now(datetime(2026, 4, 8, 10, 0))  # the process was down from before the quarter began
    tick(url)
    tick(url)
    assert _keys(db) == ["housekeeping:2026-04-08", Q1]
    run_pending(engine)
    tick(url)  # done is done: the finished run's row keeps its key taken
    assert _keys(db) == ["housekeeping:2026-04-08", Q1]
    assert db.execute(sa.select(sa.func.count()).select_from(Invoice)).scalar_one() == 4
    assert db.execute(sa.select(Job.status).where(Job.dedupe_key == Q1)).scalar_one() == "succeeded"


def test_housekeeping_keeps_the_record_of_a_scheduled_draft_run(app, db, engine, frozen_now) -> None:
    frozen_now(datetime(2026, 6, 30, 12, 0))
    old = utcnow() - timedelta(days=100)
    db.add(Job(kind="invoicing.quarter_drafts", status="succeeded", dedupe_key=Q1, finished_at=old,
               params={"quarter": "2026-Q1"}))
    db.add(Job(kind="housekeeping", status="succeeded", dedupe_key="housekeeping:2026-03-01",
               finished_at=old))
    db.commit()
    tick(app.config["DATABASE_URL"])
    run_pending(engine)
    assert _keys(db) == ["housekeeping:2026-06-30", Q1]  # Q1 is not queued a second time


@pytest.fixture()
def slow_kind():
    """A job that runs until the test releases it (a solver run busy at 06:00)."""
    started, release = threading.Event(), threading.Event()

    @job_handler("test.slow")
    def slow(ctx: JobContext) -> dict:
        started.set()
        release.wait(30)
        return {}

    yield started, release
    release.set()
    HANDLERS.pop("test.slow")


@pytest.mark.parametrize(("year", "month", "quarter", "invoices"), [
    (2026, 4, Q1, 4),
    (2027, 1, "invoicing.quarter_drafts:2026-Q4", 4),  # over New Year
], ids=["2026-04-01", "2027-01-01"])
def test_a_job_spanning_the_six_oclock_tick_still_yields_the_quarters_drafts(
    app, db, engine, schools, slow_kind, frozen_now, year, month, quarter, invoices  # noqa: F811
) -> None:
    started, release = slow_kind
    url = app.config["DATABASE_URL"]
    frozen_now(datetime(year, month, 1, 5, 59))
    settings = JobSettings(workers=1, poll_seconds=0.05, tick_seconds=0.2)
    stop = threading.Event()
    worker = threading.Thread(target=work, args=(engine, settings, stop), daemon=True)
    with Session(engine) as session:
        from provider_portal.jobs.queue import enqueue

        enqueue(session, "test.slow")
        session.commit()
    worker.start()
    scheduler = build_scheduler(url, "Europe/Amsterdam", settings)
    try:
        assert started.wait(10)  # the only worker is busy from before six
        scheduler.start()
        time.sleep(0.5)
        assert quarter not in _keys(db)
        frozen_now(datetime(year, month, 1, 6, 0, 30))  # six o'clock passes while the worker is busy
        _wait_for(lambda: quarter in _keys(db))
        release.set()

        def drafted() -> bool:
            db.expire_all()
            status = db.execute(sa.select(Job.status).where(Job.dedupe_key == quarter)).scalar_one()
            return status == "succeeded"

        _wait_for(drafted)
    finally:
        stop.set()
        scheduler.shutdown(wait=False)
        worker.join(10)
    pairs = db.execute(sa.select(Invoice.learner_id, Invoice.quarter)).all()
    assert len(pairs) == len(set(pairs))  # (at 05:59 the tick also catches up the quarter before)
    assert sum(f"invoicing.quarter_drafts:{q}" == quarter for _learner, q in pairs) == invoices
    assert _keys(db).count(quarter) == 1
