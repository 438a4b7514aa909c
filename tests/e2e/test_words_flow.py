"""In the browser (issue 14, point 5): everything in words. The pages that used to show raw codes
(a run's result and its job, exam locations' facilities, statuses of modules, contracts, attendance
and invoices, the learner picker's matches drawn by script) are read as Chromium renders them, in
Dutch, and checked with the crawl's rules: no English status word, no snake_case or job-kind code,
no ISO language code, no catalogue text left untranslated.

The crawl (tests/provider_portal/test_crawl.py) walks every page of the demo through the test
client; this test adds what only a browser shows: text that scripts write into the page.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.jobs.queue import run_pending
from provider_portal.models import ExamLocation, Job, Lesson
from provider_portal.models.enums import Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort
from provider_portal.planning.runs import start_run
from tests.e2e.helpers import log_in
from tests.factories import (
    make_class,
    make_contract,
    make_enrolment,
    make_learner,
    make_provider,
    make_user,
)
from tests.invoicing_factories import AFTER_Q1, attend_all
from tests.pages import read_page
from tests.provider_portal.test_crawl import inspect, untranslated_patterns

TODAY = date(2027, 2, 1)  # a Monday; cohorts four weeks later, clear of holidays


def _words(page, path: str, untranslated) -> list[str]:
    """What is wrong with the page's words as the browser shows them (after its scripts ran)."""
    if path:
        page.goto(path)
    assert page.locator("main").count() == 1, path
    return [f"{path or page.url}: {what}" for what in inspect(read_page(page.content()), untranslated)]


def test_the_pages_that_showed_codes_read_in_dutch_words_in_the_browser(
    page, db: Session, engine, frozen_now
) -> None:
    frozen_now(datetime.combine(TODAY, time(9)))
    untranslated = untranslated_patterns()
    provider = make_provider(db)
    # named as people are (a factory's default "User 7" reads as the catalogue's untranslated "User")
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",), name="Planner Utrecht")
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad", languages=("ar", "prs"),
                         place="Vleuten")
    make_learner(db, provider, first_name="Semere", last_name="Tesfay", languages=("ti",), route="Z")
    trainer = add_trainer(db, "Utrecht", "Fatima", "")
    db.commit()
    for offset, module in enumerate(("KNM", "PVT", "MAP")):
        save_cohort(db, CohortData("Utrecht", module, f"{module} Arabisch", "Wijkcentrum Overvecht", "ar",
                                   trainer.id, 1, 12, 20000, TODAY + timedelta(weeks=4, days=offset), 3,
                                   time(10), time(12)))
        db.commit()
    db.add(ExamLocation(code="utrecht", name="DUO Utrecht", lat=52.09, lon=5.12,
                        facilities=["accessible", "extra_time"]))
    run = start_run(db, planner, ("Utrecht",), 5, TODAY)
    db.commit()
    assert run_pending(engine) == 1
    job = db.execute(sa.select(Job).where(Job.id == run.job_id)).scalar_one()

    problems: list[str] = []
    log_in(page, planner.email)
    for path in (f"/planning/runs/{run.id}", "/planning/runs/", "/jobs/", f"/jobs/{job.id}",
                 "/planning/cohorts/", "/planning/calendar", "/planning/learners",
                 f"/planning/learners/{amina.id}", "/planning/exams/"):
        problems += _words(page, path, untranslated)
    page.goto(f"/planning/runs/{run.id}")
    page.locator("#unplaced-details summary").click()  # the folded reasons, opened
    problems += _words(page, "", untranslated)
    assert "Tigrinya" in page.locator("#unplaced").inner_text()  # a language by its name, not "ti"
    page.get_by_role("button", name="Uitloggen").click()

    # provider staff: a learner's modules and contract, a register, invoices; the picker's matches
    course = make_class(db, provider, name="A2 ochtend")
    make_contract(db, amina)
    make_enrolment(db, course, amina)
    attend_all(db, course, amina, until=date(2026, 3, 31))
    make_drafts(db, provider, Quarter(2026, 1), AFTER_Q1)
    db.commit()  # the caller's unit of work
    lesson = db.execute(sa.select(Lesson).where(Lesson.class_id == course.id).order_by(Lesson.lesson_date)
                        ).scalars().first()
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN, name="Beheerder Taalhuis")
    log_in(page, admin.email)
    for path in (f"/learners/{amina.id}", f"/classes/{course.id}", f"/lessons/{lesson.id}",
                 "/invoicing/invoices?quarter=2026-Q1", "/jobs/"):
        problems += _words(page, path, untranslated)
    page.goto(f"/classes/{course.id}")
    page.get_by_role("combobox", name="Inburgeraar").fill("Tesf")
    page.get_by_role("option").first.wait_for()
    problems += _words(page, "", untranslated)
    assert "Tesfay" in page.get_by_role("option").first.inner_text()
    assert problems == [], "\n".join(problems)
