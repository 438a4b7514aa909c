"""In the browser: provider staff record a learner's consent, the municipality's planner sees only that
learner's progress and downloads the report; a published exam run's letters come as one ZIP."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session

from provider_portal.exams.calendar import plan_calendar
from provider_portal.jobs.queue import run_pending
from provider_portal.models import ExamLocation
from provider_portal.models.enums import Role
from tests.factories import PASSWORD, make_learner, make_provider, make_ready, make_user

TODAY = date(2027, 2, 1)  # a Monday


def _login(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def _fits(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def test_consent_is_recorded_by_staff_and_only_that_learner_reaches_the_planner(
    page, browser, live_server, db: Session, frozen_now
) -> None:
    frozen_now(datetime.combine(TODAY, time(9)))
    provider = make_provider(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    amina = make_learner(db, provider, first_name="Amina", last_name="Toestemming", municipality="Utrecht")
    make_learner(db, provider, first_name="Bilal", last_name="Zonder", municipality="Utrecht")

    _login(page, admin.email)
    page.goto(f"/learners/{amina.id}")
    page.get_by_role("link", name="Toestemming gemeente").click()
    page.locator("#given_on").fill("2027-01-15")
    page.get_by_label("Uren en aanwezigheidspercentage").check()
    page.get_by_label("Groepsmodules (KNM, PVT, MAP)").check()
    page.locator("#save-consent").click()
    assert page.locator("#consent-in-force").inner_text() == "ja"
    assert "Toestemming gegeven" in page.locator("#consent-history").inner_text()
    page.set_viewport_size({"width": 390, "height": 800})
    assert _fits(page)

    context = browser.new_context(base_url=live_server, locale="nl-NL")
    other = context.new_page()
    _login(other, planner.email)
    other.get_by_role("link", name="Voortgang").click()
    table = other.locator("#progress-table").inner_text()
    assert "Amina Toestemming" in table and "Bilal" not in table and "niet gedeeld" in table
    other.set_viewport_size({"width": 390, "height": 800})
    assert _fits(other)
    with other.expect_download() as report:
        other.locator("#progress-csv").click()
    rows = Path(report.value.path()).read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and rows[1].startswith("Amina Toestemming;")
    context.close()


def test_a_published_exam_runs_letters_download_as_one_zip(page, db: Session, engine, frozen_now) -> None:
    frozen_now(datetime.combine(TODAY, time(9)))
    place = ExamLocation(code="amsterdam", name="DUO Amsterdam", lat=52.3889, lon=4.8380,
                         facilities=["accessible", "extra_time"], address="Wibautstraat 3, 1091 GH Amsterdam")
    db.add(place)
    db.commit()
    plan_calendar(db, place, TODAY + timedelta(days=43), TODAY + timedelta(days=80), {1, 3}, seats=1,
                  examiners=0)
    db.commit()
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    provider = make_provider(db, phone="030 123 45 67")
    for first in ("Amina", "Bilal"):
        learner = make_learner(db, provider, first_name=first, last_name="Brief", municipality="Utrecht")
        make_ready(db, learner, TODAY)  # a teacher declared them exam-ready (issue 12)

    _login(page, planner.email)
    page.get_by_role("link", name="Examens").click()
    page.get_by_label("Tijdslimiet (seconden)").fill("5")
    page.get_by_role("button", name="Examenrun starten").click()
    assert run_pending(engine) == 1
    page.reload()
    assert "Publiceer eerst de boekingen" in page.locator("#letters").inner_text()
    page.get_by_role("button", name="Deze boekingen publiceren").click()
    page.get_by_role("button", name="Ja, publiceren").click()  # publishing asks first
    days = page.locator("#letters-per-day tbody tr")
    assert days.count() == 2  # one seat a sitting: the two learners sit on two days
    with page.expect_download() as download:
        page.locator("#letters-zip").click()
    names = zipfile.ZipFile(download.value.path()).namelist()
    assert sum(name.endswith(".pdf") and "/brieven-" in name for name in names) == 2
    assert any(name.startswith("brieven-run-") for name in names)
