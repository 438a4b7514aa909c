"""In the browser at 1366 and 390 px: a refused action answers with the Dutch error page and a way
back to the page it came from; a refused form shows the message at its field (issue 15 point 6)."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Enrolment, Learner
from tests.factories import PASSWORD, make_class, make_enrolment, make_learner, make_provider, make_user

SHOTS = Path(os.environ.get("E2E_SHOTS", "/tmp/shots/h15p"))


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    course = make_class(db, provider, name="A2 ochtend Utrecht Centrum")
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad")
    make_enrolment(db, course, amina, from_date=date(2026, 1, 5))
    return {"admin": make_user(db, provider), "course": course, "amina": amina}


@pytest.mark.parametrize("width", [1366, 390])
def test_refusals_in_dutch_with_a_way_back(browser, live_server, world, db, width, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    context = browser.new_context(base_url=live_server, locale="nl-NL",
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(world["admin"].email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()

    # an action refused by the service: the learner is in the class already
    class_page = f"/classes/{world['course'].id}"
    page.goto(class_page)
    page.get_by_role("combobox", name="Inburgeraar").fill("haddad")
    page.get_by_role("option").first.click()
    page.get_by_label("Vanaf", exact=True).fill("2026-03-02")
    with page.expect_response(lambda r: r.url.endswith("/enrol")) as answer:
        page.get_by_role("button", name="Inschrijven").click()
    assert answer.value.status == 400
    page.get_by_text("Deze inburgeraar zit in die periode al in deze klas.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"refused-action-{width}")
    page.get_by_role("link", name="Terug naar de vorige pagina").click()
    page.wait_for_url(f"**{class_page}")
    db.expire_all()
    assert db.execute(sa.select(sa.func.count()).select_from(Enrolment)).scalar_one() == 1

    # a form refused by the service: the BSN is taken; the message stands at the BSN field
    page.goto("/learners/new")
    page.get_by_label("BSN").fill(world["amina"].bsn)
    page.get_by_label("Voornaam").fill("Tweede")
    page.get_by_label("Achternaam").fill("Haddad")
    page.get_by_label("Geboortedatum").fill("1990-04-01")
    page.get_by_label("Route", exact=True).select_option("B1")
    page.get_by_label("Gemeente").fill("Utrecht")
    page.get_by_label("Postcode").fill("3511 AB")
    page.get_by_label("Gesproken talen").select_option(["ar"])
    page.get_by_label("Begin inburgeringstermijn (DUO)").fill("2026-01-05")
    page.get_by_label("DUO-lening (EUR)").fill("10000")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Opslaan").click()
    assert answer.value.status == 400
    page.get_by_text("Deze taalaanbieder heeft al een inburgeraar met dit BSN.").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shot(page, f"refused-form-{width}")
    db.expire_all()
    assert db.execute(sa.select(sa.func.count()).select_from(Learner)).scalar_one() == 1
    context.close()
