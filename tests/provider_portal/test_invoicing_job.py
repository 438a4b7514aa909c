"""The quarterly draft job: queued once per quarter, idempotent, failures visible on the jobs page."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing import drafts as drafts_module
from provider_portal.invoicing import jobs as invoicing_jobs
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.jobs.process import build_scheduler, enqueue_quarter_drafts
from provider_portal.jobs.queue import run_pending
from provider_portal.models import Invoice, Job
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider
from tests.invoicing_factories import AFTER_Q1, attend_all

Q1 = Quarter(2026, 1)


@pytest.fixture()
def schools(db: Session, frozen_now) -> list:
    frozen_now(datetime(2026, 4, 1, 6, 0))
    providers = []
    for _ in range(2):
        provider = make_provider(db)
        course = make_class(db, provider)
        for _ in range(2):
            learner = make_learner(db, provider)
            make_contract(db, learner)
            make_enrolment(db, course, learner)
            attend_all(db, course, learner)
        providers.append(provider)
    return providers


def _count(db: Session, model: type) -> int:
    return db.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_the_scheduled_run_is_queued_once_per_quarter_for_the_previous_quarter(app, db, schools) -> None:
    url = app.config["DATABASE_URL"]
    enqueue_quarter_drafts(url)
    enqueue_quarter_drafts(url)
    (job,) = db.execute(sa.select(Job)).scalars()
    assert job.params == {"quarter": "2026-Q1"} and job.dedupe_key == "invoicing.quarter_drafts:2026-Q1"
    assert job.provider_id is None


def test_the_job_makes_drafts_for_every_provider_and_running_it_twice_adds_none(db, engine, schools) -> None:
    for _ in range(2):
        invoicing_jobs.enqueue_quarter_drafts(db, Q1, dedupe=False)
        db.commit()
        run_pending(engine)
    assert [j.status for j in db.execute(sa.select(Job)).scalars()] == ["succeeded", "succeeded"]
    assert _count(db, Invoice) == 4
    pairs = db.execute(sa.select(Invoice.learner_id, Invoice.quarter)).all()
    assert len(set(pairs)) == 4


def test_a_run_that_loses_a_race_retries_against_the_winners_drafts(db, schools, monkeypatch) -> None:
    make_drafts(db, schools[0], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    real = drafts_module._current
    calls = []

    def stale(*args, **kwargs):  # what a second process saw before the first one committed
        calls.append(1)
        return {} if len(calls) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(drafts_module, "_current", stale)
    run = make_drafts(db, schools[0], Q1, AFTER_Q1)
    db.commit()  # the caller's unit of work
    assert len(calls) == 2 and run.updated == 2 and run.created == 0
    assert _count(db, Invoice) == 2


def test_a_failing_provider_is_named_in_the_jobs_error_and_the_others_keep_their_drafts(
    db, engine, schools, monkeypatch
) -> None:
    def flaky(session, provider, quarter, today, learner_ids=None):
        if provider.id == schools[0].id:
            raise RuntimeError("database went away")
        return make_drafts(session, provider, quarter, today, learner_ids)

    monkeypatch.setattr(invoicing_jobs, "make_drafts", flaky)
    job = invoicing_jobs.enqueue_quarter_drafts(db, Q1)
    db.commit()
    run_pending(engine)
    db.refresh(job)
    assert job.status == "failed" and f"provider {schools[0].id}" in job.error
    assert "database went away" in job.error
    assert {i.provider_id for i in db.execute(sa.select(Invoice)).scalars()} == {schools[1].id}


def test_the_scheduler_runs_the_draft_job_on_the_first_day_of_each_quarter_at_six(app, db) -> None:
    scheduler = build_scheduler(app.config["DATABASE_URL"], "Europe/Amsterdam", kind=BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        trigger = scheduler.get_job("invoicing.quarter_drafts").trigger
        assert str(trigger.timezone) == "Europe/Amsterdam"
        fields = {f.name: str(f) for f in trigger.fields}
        assert (fields["month"], fields["day"], fields["hour"], fields["minute"]) == (
            "1,4,7,10",
            "1",
            "6",
            "0",
        )
    finally:
        scheduler.shutdown(wait=False)
