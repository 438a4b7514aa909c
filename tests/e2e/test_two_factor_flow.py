"""In the browser: a provider admin turns on two-factor log-in and logs in with a code from pyotp."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
from sqlmodel import Session

from provider_portal.models.enums import Role
from tests.e2e.helpers import log_in
from tests.factories import make_provider, make_user


def test_an_admin_turns_on_two_factor_and_logs_in_with_a_code(page, db: Session, frozen_now) -> None:
    moment = frozen_now(datetime(2026, 3, 10, 9, 0, 0))
    admin = make_user(db, make_provider(db), role=Role.PROVIDER_ADMIN, name="Anna Admin")

    log_in(page, admin.email)
    page.get_by_role("link", name="Anna Admin").click()
    page.get_by_role("link", name="Tweestapsverificatie beheren").click()
    page.get_by_role("link", name="Tweestapsverificatie instellen").click()
    assert page.locator(".totp-qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(moment))
    page.get_by_role("button", name="Bevestigen en aanzetten").click()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    assert "Aan" in page.locator("dl.facts").inner_text()

    page.get_by_role("button", name="Uitloggen").click()
    moment = frozen_now(moment + timedelta(seconds=30))
    log_in(page, admin.email)  # the password step: the code is asked next
    page.get_by_role("heading", name="Tweestapsverificatie").wait_for()
    page.goto("/learners/")  # the password alone opens nothing
    assert page.url.split("?")[0].endswith("/login")
    page.goto("/login/code")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(moment))
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Inburgeraars").wait_for()
    assert page.url.endswith("/dashboard")
