"""In the browser: enrolling a learner through the type-ahead picker at 1366 and 390 px; the typed
query goes in a POST body (never in the address), the matches tell namesakes apart."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Enrolment
from tests.e2e.helpers import assert_fits
from tests.factories import make_class, make_learner, make_provider, make_user


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    course = make_class(db, provider, name="A2 ochtend Utrecht Centrum")
    twins = [make_learner(db, provider, first_name="Hiba", last_name="Darwish", municipality=town,
                          date_of_birth=born) for town, born in (("Utrecht", date(1990, 4, 1)),
                                                                 ("Zeist", date(1985, 7, 9)))]
    for n in range(30):
        make_learner(db, provider, first_name=f"Noor{n}", last_name="Ahmadi")
    return {"admin": make_user(db, provider), "course": course, "zeist": twins[1]}


@pytest.mark.parametrize("width", [1366, 390])
def test_enrolling_through_the_type_ahead(open_page, world, db, width) -> None:
    page = open_page(world["admin"].email, width=width)
    page.goto(f"/classes/{world['course'].id}")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    assert not page.locator("#learner-filter").is_visible()  # the no-JavaScript filter steps aside
    page.get_by_role("combobox", name="Inburgeraar").fill("darwish")
    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.count() == 2
    assert "Zeist" in options.nth(1).inner_text() and "9 jul 1985" in options.nth(1).inner_text()
    assert_fits(page)
    options.nth(1).click()
    page.get_by_role("button", name="Inschrijven").click()
    page.get_by_text("ingeschreven").first.wait_for()
    assert all("darwish" not in url.lower() for url in requests)
    db.expire_all()
    enrolled = db.execute(sa.select(Enrolment.learner_id).where(Enrolment.class_id == world["course"].id))
    assert enrolled.scalars().all() == [world["zeist"].id]
