"""In the browser: a planner opens the calendar, sees a trainer's clash and its reason, filters by
trainer, switches to the month; at 390 px the page is no wider than the phone."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Cohort, CohortMeeting, Trainer
from provider_portal.models.enums import Role
from tests.e2e.helpers import assert_fits
from tests.factories import make_user

DAY = date(2027, 1, 5)


def _world(db: Session) -> str:
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    fatima, joost = Trainer(municipality="Utrecht", name="Fatima Yilmaz"), Trainer(
        municipality="Utrecht", name="Joost de Wit")
    db.add_all([fatima, joost])
    db.flush()
    rows = (("KNM Arabisch", "Wijkcentrum Oost", fatima, 10, 12),
            ("PVT Tigrinya", "Bibliotheek", fatima, 11, 13),
            ("MAP Dari", "Dorpshuis Zeist", joost, 9, 11))
    for name, venue, trainer, start, end in rows:
        cohort = Cohort(municipality="Utrecht", module=name[:3], name=name, venue=venue, language="ar",
                        trainer_id=trainer.id, min_size=1, max_size=10)
        db.add(cohort)
        db.flush()
        db.add(CohortMeeting(cohort_id=cohort.id, meeting_date=DAY, start_time=time(start),
                             end_time=time(end)))
    db.commit()
    return planner.email


def test_a_planner_sees_a_clash_with_its_reason_and_filters_by_trainer(open_page, db: Session) -> None:
    page = open_page(_world(db))
    page.goto("/planning/calendar?date=2027-01-05")
    clash = page.locator(".cal-clash", has_text="10:00–12:00 KNM Arabisch")
    assert "Zelfde trainer (Fatima Yilmaz) als PVT Tigrinya, 11:00–13:00" in clash.inner_text()
    assert "2 bijeenkomsten overlappen" in page.locator("#clash-summary").inner_text()
    page.get_by_label("Trainer").select_option(label="Joost de Wit")
    page.get_by_role("button", name="Filteren").click()
    assert "MAP Dari" in page.locator("#calendar").inner_text()
    assert "KNM Arabisch" not in page.locator("#calendar").inner_text()
    page.get_by_role("link", name="Maand").click()
    page.get_by_role("heading", name="januari 2027").wait_for()
    assert "MAP Dari" in page.locator("#calendar").inner_text()


def test_the_calendar_fits_a_phone(open_page, db: Session) -> None:
    page = open_page(_world(db), width=390)
    for url in ("/planning/calendar?date=2027-01-05", "/planning/calendar?view=month&date=2027-01-05"):
        page.goto(url)
        assert_fits(page, url)


def test_a_planner_edits_a_trainers_languages_and_availability_and_the_calendar_shows_the_clash(
    open_page, db: Session
) -> None:
    page = open_page(_world(db))
    page.goto("/planning/cohorts/")
    page.get_by_role("link", name="Bewerken Fatima Yilmaz").click()
    page.get_by_label("Geeft les in").select_option(label="Tigrinya")
    page.get_by_label("Beschikbaar").select_option(label="woensdagochtend")
    page.get_by_role("button", name="Opslaan").click()
    assert "Trainer Fatima Yilmaz opgeslagen." in page.locator(".flash").first.inner_text()
    db.expire_all()
    fatima = db.execute(sa.select(Trainer).where(Trainer.name == "Fatima Yilmaz")).scalar_one()
    assert fatima.languages == ["ti"] and fatima.availability == ["wed:morning"]
    page.goto("/planning/calendar?date=2027-01-05")  # a Tuesday: Fatima teaches KNM in Arabic then
    clash = page.locator(".cal-clash", has_text="10:00–12:00 KNM Arabisch").inner_text()
    assert "Fatima Yilmaz geeft geen les in het Arabisch" in clash
    assert "Fatima Yilmaz is dan niet beschikbaar" in clash
