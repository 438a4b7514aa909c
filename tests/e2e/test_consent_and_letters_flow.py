"""In the browser: provider staff record a learner's consent, the municipality's planner sees only that
learner's progress and downloads the report; a published exam run's letters come as one ZIP."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from provider_portal.exams.calendar import plan_calendar
from provider_portal.jobs.queue import run_pending
from provider_portal.models.enums import Role
from tests.e2e.helpers import download, fits, log_in
from tests.factories import make_exam_location, make_learner, make_provider, make_ready, make_user

TODAY = date(2027, 2, 1)  # a Monday


def test_consent_is_recorded_by_staff_and_only_that_learner_reaches_the_planner(
    page, open_page, db: Session, frozen_now
) -> None:
    frozen_now(datetime.combine(TODAY, time(9)))
    provider = make_provider(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    amina = make_learner(db, provider, first_name="Amina", last_name="Toestemming", municipality="Utrecht")
    make_learner(db, provider, first_name="Bilal", last_name="Zonder", municipality="Utrecht")

    log_in(page, admin.email)
    page.goto(f"/learners/{amina.id}")
    page.get_by_role("link", name="Toestemming gemeente").click()
    page.locator("#given_on").fill("2027-01-15")
    page.get_by_label("Uren en aanwezigheidspercentage").check()
    page.get_by_label("Groepsmodules (KNM, PVT, MAP)").check()
    page.locator("#save-consent").click()
    assert page.locator("#consent-in-force").inner_text() == "ja"
    assert "Toestemming gegeven" in page.locator("#consent-history").inner_text()
    page.set_viewport_size({"width": 390, "height": 800})
    assert fits(page)

    other = open_page(planner.email, width=None)  # a second browser, the planner's
    other.get_by_role("link", name="Voortgang").click()
    table = other.locator("#progress-table").inner_text()
    assert "Amina Toestemming" in table and "Bilal" not in table and "niet gedeeld" in table
    other.set_viewport_size({"width": 390, "height": 800})
    assert fits(other)
    _, report = download(other, other.locator("#progress-csv"))
    rows = report.decode("utf-8").splitlines()
    assert len(rows) == 2 and rows[1].startswith("Amina Toestemming;")


def test_a_published_exam_runs_letters_download_as_one_zip(page, db: Session, engine, frozen_now) -> None:
    frozen_now(datetime.combine(TODAY, time(9)))
    place = make_exam_location(db, address="Wibautstraat 3, 1091 GH Amsterdam")
    plan_calendar(db, place, TODAY + timedelta(days=43), TODAY + timedelta(days=80), {1, 3}, seats=1,
                  examiners=0)
    db.commit()
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    provider = make_provider(db, phone="030 123 45 67")
    for first in ("Amina", "Bilal"):
        learner = make_learner(db, provider, first_name=first, last_name="Brief", municipality="Utrecht")
        make_ready(db, learner, TODAY)  # a teacher declared them exam-ready (issue 12)

    log_in(page, planner.email)
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
    _, bundle = download(page, page.locator("#letters-zip"))
    names = zipfile.ZipFile(io.BytesIO(bundle)).namelist()
    assert sum(name.endswith(".pdf") and "/brieven-" in name for name in names) == 2
    assert any(name.startswith("brieven-run-") for name in names)
