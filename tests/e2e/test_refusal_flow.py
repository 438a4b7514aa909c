"""In the browser at 1366 and 390 px: a refused action answers with the Dutch error page and a way
back to the page it came from; a refused form shows the message at its field (issue 15 point 6)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import Session

from provider_portal.models import Enrolment, Learner
from tests.e2e.helpers import assert_fits, fill_learner_form, shot
from tests.factories import count_rows, make_class, make_enrolment, make_learner, make_provider, make_user


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    course = make_class(db, provider, name="A2 ochtend Utrecht Centrum")
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad")
    make_enrolment(db, course, amina, from_date=date(2026, 1, 5))
    return {"admin": make_user(db, provider), "course": course, "amina": amina}


@pytest.mark.parametrize("width", [1366, 390])
def test_refusals_in_dutch_with_a_way_back(open_page, world, db, width, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    page = open_page(world["admin"].email, width=width)

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
    assert_fits(page)
    shot(page, f"refused-action-{width}")
    page.get_by_role("link", name="Terug naar de vorige pagina").click()
    page.wait_for_url(f"**{class_page}")
    assert count_rows(db, Enrolment) == 1

    # a form refused by the service: the BSN is taken; the message stands at the BSN field
    page.goto("/learners/new")
    fill_learner_form(page, bsn=world["amina"].bsn, first_name="Tweede", last_name="Haddad",
                      date_of_birth="1990-04-01", municipality="Utrecht", postcode="3511 AB",
                      languages=["ar"], term_start="2026-01-05")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Opslaan").click()
    assert answer.value.status == 400
    page.get_by_text("Deze taalaanbieder heeft al een inburgeraar met dit BSN.").wait_for()
    assert_fits(page)
    shot(page, f"refused-form-{width}")
    assert count_rows(db, Learner) == 1
