"""In the browser: a provider admin logs in and registers a learner, first with a wrong BSN."""

from __future__ import annotations

from sqlmodel import Session

from provider_portal.models import Learner
from provider_portal.models.enums import Role
from tests.e2e.helpers import fill_learner_form, shot, submit_log_in
from tests.factories import count_rows, make_provider, make_user


def test_an_admin_registers_a_learner_after_fixing_an_invalid_bsn(page, db: Session) -> None:
    admin = make_user(db, make_provider(db, name="Taalhuis Test"), role=Role.PROVIDER_ADMIN)

    page.goto("/learners/")  # the log-in form first, then back to the list
    submit_log_in(page, admin.email)
    page.get_by_role("link", name="Nieuwe inburgeraar").click()

    fill_learner_form(page, bsn="123456789", first_name="Helen", last_name="Berhane",
                      date_of_birth="1994-09-12", municipality="Nieuwegein", postcode="3512 JK",
                      languages=["ti", "ar"])
    page.get_by_role("button", name="Opslaan").click()

    error = page.locator("#bsn-error")
    assert "elfproef" in error.inner_text()
    assert page.get_by_label("Voornaam").input_value() == "Helen"  # what was typed is kept
    assert count_rows(db, Learner) == 0

    page.get_by_label("BSN").fill("111222333")
    page.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", name="Helen Berhane").wait_for()
    assert "Tigrinya" in page.content()
    assert count_rows(db, Learner) == 1
    shot(page, "learner-new")

    page.get_by_role("link", name="Inburgeraars").click()
    row = page.get_by_role("row", name="Berhane, Helen")
    assert "******333" in row.inner_text() and "111222333" not in page.content()
