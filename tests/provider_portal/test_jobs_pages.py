"""Jobs a user understands: in words, who started them, a link to the result, errors as sentences."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa

from provider_portal.jobs.context import JobContext
from provider_portal.jobs.queue import enqueue, run_pending
from provider_portal.jobs.registry import HANDLERS, job_handler
from provider_portal.models import Job
from provider_portal.planning.runs import start_run
from tests.provider_portal.test_invoicing_pages import office  # noqa: F401  (fixture)
from tests.provider_portal.test_planning import PLAN_DATE, world  # noqa: F401  (fixture)
from tests.web import login, submit, text


def test_the_jobs_page_tells_a_draft_run_in_words_with_who_started_it_and_its_drafts(
    client, db, engine, office  # noqa: F811
) -> None:
    login(client, office["finance"].email)
    submit(client, "/invoicing/?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/drafts/run")
    run_pending(engine)
    job = db.execute(sa.select(Job)).scalar_one()
    page = text(client.get("/jobs/"))
    assert "Conceptfacturen van 2026-Q1" in page and office["finance"].name in page and "Gelukt" in page
    assert 'href="/invoicing/invoices?quarter=2026-Q1"' in page
    submit(client, f"/jobs/{job.id}", {"lang": "en"}, action="/language")
    detail = text(client.get(f"/jobs/{job.id}"))
    assert "Draft invoices of 2026-Q1" in detail and "Succeeded" in detail
    assert 'id="job-result" href="/invoicing/invoices?quarter=2026-Q1"' in detail


def test_a_solver_runs_job_names_the_run_and_links_to_it(client, db, engine, world) -> None:  # noqa: F811
    run = start_run(db, world["planner"], ("Utrecht", "Amersfoort"), 5, PLAN_DATE)
    db.commit()
    run_pending(engine)
    login(client, world["planner"].email)
    page = text(client.get(f"/jobs/{run.job_id}"))
    assert f"Planning groepssessies, planningsronde {run.id} voor Utrecht, Amersfoort" in page
    assert f'href="/planning/runs/{run.id}"' in page


def test_an_error_is_a_sentence_without_a_class_name(client, db, engine, office) -> None:  # noqa: F811
    @job_handler("test.fail.words")
    def fail(ctx: JobContext) -> dict:
        raise RuntimeError("the DUO file had 3 bad rows")

    try:
        job = enqueue(db, "test.fail.words", provider_id=office["provider"].id)
        db.commit()
        run_pending(engine)
    finally:
        HANDLERS.pop("test.fail.words")
    login(client, office["finance"].email)
    page = text(client.get(f"/jobs/{job.id}"))
    assert "De taak is gestopt met een fout: the DUO file had 3 bad rows" in page
    assert "RuntimeError" not in page


def test_a_quarter_that_has_not_ended_cannot_be_drafted_and_the_form_says_why(
    client, db, office, frozen_now  # noqa: F811
) -> None:
    frozen_now(datetime(2026, 3, 31, 16, 0))
    login(client, office["finance"].email)
    page = text(client.get("/invoicing/?quarter=2026-Q1"))
    assert 'disabled aria-describedby="drafts-not-ended"' in page and "2026-Q1 is nog niet afgelopen" in page
    response = submit(client, "/invoicing/?quarter=2026-Q1", {"quarter": "2026-Q1"}, "/invoicing/drafts/run")
    assert response.status_code == 302 and response.headers["Location"] == "/invoicing/?quarter=2026-Q1"
    assert db.execute(sa.select(sa.func.count()).select_from(Job)).scalar_one() == 0  # nothing queued
    refused = text(client.get(response.headers["Location"]))
    assert "de concepten kunnen vanaf 1 apr 2026 worden gemaakt" in refused


def test_the_jobs_process_logs_one_line_when_a_job_starts_and_one_when_it_ends(db, engine, caplog) -> None:
    enqueue(db, "housekeeping")
    db.commit()
    with caplog.at_level(logging.INFO, logger="provider_portal.jobs"):
        run_pending(engine)
        run_pending(engine)  # an idle poll says nothing
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("provider_portal.jobs")]
    assert len(lines) == 2 and "started" in lines[0] and "succeeded" in lines[1], lines
