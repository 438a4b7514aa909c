"""In the browser: a platform admin onboards a provider with its first administrator, who logs in
and registers a learner from a municipality outside the old hand-picked list."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Learner, Provider
from provider_portal.models.enums import Role
from tests.e2e.helpers import fill_learner_form, log_in, shot
from tests.factories import count_rows, make_user


def test_a_platform_admin_onboards_a_provider_whose_admin_registers_a_learner(page, db: Session) -> None:
    admin = make_user(db, None, role=Role.PLATFORM_ADMIN)
    log_in(page, admin.email)
    page.get_by_role("link", name="Aanbieders").click()
    page.get_by_role("link", name="Nieuwe aanbieder").click()
    page.get_by_label("Naam", exact=True).fill("Taalschool Utrechtse Heuvelrug")
    page.get_by_label("BOW-nummer (Blik op Werk)").fill("BOW-4455")
    page.get_by_label("KvK-nummer").fill("1234567")  # one digit short
    page.get_by_label("IBAN").fill("NL91 ABNA 0417 1643 00")
    page.get_by_label("Keurmerk geldig van").fill("2025-01-01")
    page.get_by_label("Keurmerk geldig tot").fill("2028-12-31")
    page.get_by_label("Straat en huisnummer").fill("Slotlaan 1")
    page.get_by_label("Postcode").fill("3701 GA")
    page.get_by_label("Plaats").fill("Zeist")
    page.get_by_label("Naam van de beheerder").fill("Anna de Vries")
    page.get_by_label("E-mailadres van de beheerder").fill("anna@heuvelrug-taal.nl")
    page.get_by_label("Startwachtwoord").fill("taalles-in-de-heuvelrug-7")
    page.get_by_role("button", name="Aanbieder aanmaken").click()
    assert "8 cijfers" in page.locator("#kvk_number-error").inner_text()
    assert count_rows(db, Provider) == 0

    page.get_by_label("KvK-nummer").fill("12345678")
    page.get_by_label("Startwachtwoord").fill("taalles-in-de-heuvelrug-7")
    page.get_by_role("button", name="Aanbieder aanmaken").click()
    errors = page.locator("p.error").all_inner_texts()
    assert not errors, errors
    row = page.get_by_role("row", name="Taalschool Utrechtse Heuvelrug")
    assert "BOW-4455" in row.inner_text()

    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, "anna@heuvelrug-taal.nl", "taalles-in-de-heuvelrug-7")
    page.goto("/learners/new")
    fill_learner_form(page, bsn="111222333", first_name="Helen", last_name="Berhane",
                      date_of_birth="1994-09-12", municipality="zeist", postcode="3701 AB", languages=["ti"])
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Helen Berhane").wait_for()
    db.expire_all()
    assert db.execute(sa.select(Learner.municipality)).scalar_one() == "Zeist"

    # the municipality picker offers all 342 municipalities with their province, Nieuwegein included;
    # the place of residence puts the learner's home in Vreeswijk, not at Nieuwegein's centre
    page.goto("/learners/new")
    options = page.locator("#municipality-options option")
    assert options.count() == 342
    assert page.locator("#municipality-options option[value='Nieuwegein']").text_content() == (
        "Nieuwegein (Utrecht)")
    fill_learner_form(page, bsn="123456782", first_name="Yonas", last_name="Haile",
                      date_of_birth="1991-02-03", municipality="Nieuwegein", postcode="3433 AB",
                      place="vreeswijk", languages=["ti"])
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Yonas Haile").wait_for()
    assert page.locator("#place").inner_text() == "vreeswijk"  # as typed; known in Nieuwegein, no warning
    assert page.locator("#place-unknown").count() == 0
    page.set_viewport_size({"width": 1366, "height": 900})
    shot(page, "onboarding-nieuwegein-1366", full_page=False)
    db.expire_all()
    assert db.execute(sa.select(Learner.municipality).where(Learner.first_name == "Yonas")
                      ).scalar_one() == "Nieuwegein"
