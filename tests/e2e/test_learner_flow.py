"""In the browser: a provider admin logs in and registers a learner, first with a wrong BSN."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Learner
from provider_portal.models.enums import Role
from tests.factories import PASSWORD, make_provider, make_user


def _learner_count(db: Session) -> int:
    db.expire_all()
    return db.execute(sa.select(sa.func.count()).select_from(Learner)).scalar_one()


def test_an_admin_registers_a_learner_after_fixing_an_invalid_bsn(page, db: Session, tmp_path) -> None:
    admin = make_user(db, make_provider(db, name="Taalhuis Test"), role=Role.PROVIDER_ADMIN)

    page.goto("/learners/")
    page.get_by_label("E-mailadres").fill(admin.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Nieuwe inburgeraar").click()

    page.get_by_label("BSN").fill("123456789")
    page.get_by_label("Voornaam").fill("Helen")
    page.get_by_label("Achternaam").fill("Berhane")
    page.get_by_label("Geboortedatum").fill("1994-09-12")
    page.get_by_label("Route", exact=True).select_option("B1")
    page.get_by_label("Gemeente").fill("Nieuwegein")  # any Dutch municipality, typed (type-ahead)
    page.get_by_label("Postcode").fill("3512 JK")
    page.get_by_label("Gesproken talen").select_option(["ti", "ar"])
    page.get_by_label("Begin inburgeringstermijn (DUO)").fill("2025-06-01")
    page.get_by_label("DUO-lening (EUR)").fill("10000")
    page.get_by_role("button", name="Opslaan").click()

    error = page.locator("#bsn-error")
    assert "elfproef" in error.inner_text()
    assert page.get_by_label("Voornaam").input_value() == "Helen"  # what was typed is kept
    assert _learner_count(db) == 0

    page.get_by_label("BSN").fill("111222333")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Helen Berhane").wait_for()
    assert "Tigrinya" in page.content()
    assert _learner_count(db) == 1
    page.screenshot(path=str(tmp_path / "learner.png"), full_page=True)

    page.get_by_role("link", name="Inburgeraars").click()
    row = page.get_by_role("row", name="Berhane, Helen")
    assert "******333" in row.inner_text() and "111222333" not in page.content()
