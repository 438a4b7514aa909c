"""In the browser: a platform admin creates a planner, who then logs in with the new account."""

from __future__ import annotations

from sqlmodel import Session

from provider_portal.models.enums import Role
from tests.e2e.helpers import log_in
from tests.factories import make_user


def test_a_platform_admin_creates_a_planner_who_then_logs_in(page, db: Session) -> None:
    admin = make_user(db, None, role=Role.PLATFORM_ADMIN)

    log_in(page, admin.email)
    page.get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="Nieuw account").click()
    page.get_by_label("E-mailadres").fill("planner.amersfoort@gemeente.nl")
    page.get_by_label("Naam").fill("Petra Planner")
    page.get_by_label("Rol").select_option("planner")
    page.get_by_label("Startwachtwoord").fill("planner-wachtwoord-1")
    page.get_by_role("button", name="Opslaan").click()
    assert "ten minste één gemeente" in page.locator("#municipalities-error").inner_text()

    page.get_by_label("Gemeenten").select_option(["Amersfoort", "Utrecht"])
    page.get_by_label("Startwachtwoord").fill("planner-wachtwoord-1")
    page.get_by_role("button", name="Opslaan").click()
    row = page.get_by_role("row", name="Petra Planner")
    assert "Amersfoort, Utrecht" in row.inner_text()

    page.get_by_role("button", name="Uitloggen").click()
    log_in(page, "planner.amersfoort@gemeente.nl", "planner-wachtwoord-1")
    page.get_by_role("link", name="Cohorten").wait_for()
    assert "Petra Planner" in page.content()
