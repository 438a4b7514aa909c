"""In the browser: a planner opens exam days, runs the exam optimiser, publishes, pins and exports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.jobs.queue import run_pending
from provider_portal.models import ExamBooking
from provider_portal.models.enums import Role
from tests.e2e.helpers import download, log_in
from tests.factories import make_exam_location, make_learner, make_provider, make_ready, make_user

# A fixed day (a Monday), so the exam days opened below never depend on the day the suite runs.
TODAY = date(2027, 2, 1)


def test_a_planner_plans_exams_publishes_pins_and_downloads_the_letters(
    page, db: Session, engine, frozen_now
) -> None:
    frozen_now(datetime.combine(TODAY, time(9)))
    place = make_exam_location(db)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    amina = make_learner(
        db, make_provider(db), first_name="Amina", last_name="Haddad", municipality="Utrecht"
    )
    make_ready(db, amina, TODAY)  # the exam run books only components a teacher declared ready

    log_in(page, planner.email)
    page.get_by_role("link", name="Examens").click()
    page.get_by_role("link", name="DUO Amsterdam").click()
    first = TODAY + timedelta(days=50)
    page.locator("#first").fill(first.isoformat())
    page.locator("#last").fill((first + timedelta(days=40)).isoformat())
    page.locator("#weekdays").select_option(["1", "3"])
    page.locator("form").filter(has=page.locator("#first")).get_by_role("button").click()
    assert page.locator("table tbody tr").count() >= 10

    page.get_by_role("link", name="Examens").click()
    page.get_by_label("Tijdslimiet (seconden)").fill("5")
    page.get_by_role("button", name="Examenrun starten").click()
    assert page.locator("#run-progress").count() == 1
    assert run_pending(engine) == 1  # the jobs process
    page.reload()
    assert page.locator("#booked-count").inner_text() == "5"
    page.get_by_role("button", name="Deze boekingen publiceren").click()
    assert "5 examenboekingen worden het gepubliceerde plan" in page.locator("#confirm-what").inner_text()
    page.get_by_role("button", name="Ja, publiceren").click()

    page.goto(f"/planning/learners/{amina.id}")
    page.locator("#pin-exam-spreken").click()
    db.expire_all()
    assert db.execute(sa.select(ExamBooking.pinned).where(ExamBooking.component == "spreken")).scalar_one()
    name, _ = download(page, page.get_by_role("link", name="Uitnodigingsbrief (PDF)"))
    assert name == f"uitnodiging-examen-{amina.id}.pdf"
    page.goto(f"/planning/exams/locations/{place.id}")
    name, roster = download(page, page.get_by_role("link", name="CSV").first)
    assert name.startswith("rooster-amsterdam-")
    assert "Tijd;Onderdeel;Naam" in roster.decode("utf-8")
