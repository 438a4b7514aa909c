"""In the browser at 390 px, a phone held upright: no page is wider than the screen.

Teachers take the register and show the presence code on a phone or tablet in the classroom, and
learners confirm on their own phone; finance and planners at least read their pages there. Each
page below must fit: `document.documentElement.scrollWidth <= 390` (wide tables scroll inside
their own box, never the page), and the menu folds away behind a button.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.models import Invoice, Lesson
from provider_portal.models.enums import Role
from tests.factories import (
    PASSWORD,
    make_class,
    make_contract,
    make_enrolment,
    make_learner,
    make_provider,
    make_user,
)
from tests.invoicing_factories import AFTER_Q1, attend_all

PHONE = {"width": 390, "height": 844}
STATUSES = ("Aanwezig", "Te laat", "Eerder vertrokken", "Afwezig met bericht", "Afwezig zonder bericht")
LESSON_DAY = date(2026, 3, 4)  # a Wednesday: 09:00-12:00 in the factory's schedule


def _phone(browser, live_server: str, email: str):
    page = browser.new_context(base_url=live_server, locale="nl-NL", viewport=PHONE).new_page()
    page.set_default_timeout(10_000)
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    return page


def _fits(page, path: str) -> None:
    page.goto(path)
    assert page.locator("main").count() == 1, path
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} is {width} px wide at 390 px"


def _lesson_world(db: Session):
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER, name="Docent Joke")
    course = make_class(db, provider, teachers=(teacher,), name="A2 ochtend Utrecht Centrum")
    people = [
        make_learner(db, provider, first_name=first, last_name=last)
        for first, last in (("Amina", "Haddad"), ("Bilal", "Osman"), ("Oleksandra", "Shevchenko-Kovalenko"))
    ]
    for learner in people:
        make_enrolment(db, course, learner)
    lesson = db.execute(
        sa.select(Lesson).where(Lesson.class_id == course.id, Lesson.lesson_date == LESSON_DAY)
    ).scalar_one()
    return provider, teacher, course, people, lesson


def test_the_teachers_pages_fit_a_phone_with_large_status_buttons(
    browser, live_server, db, frozen_now
) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    provider, teacher, course, people, lesson = _lesson_world(db)
    page = _phone(browser, live_server, teacher.email)

    _fits(page, "/lessons/today")
    _fits(page, f"/lessons/{lesson.id}")
    heading = page.locator("h1").bounding_box()
    assert heading["width"] > 300  # the heading has the whole width, it does not wrap word by word
    card = page.get_by_role("group", name="Shevchenko-Kovalenko, Oleksandra", exact=True)
    for status in STATUSES:
        button = card.get_by_text(status, exact=True)  # full words, not "A"
        box = button.bounding_box()
        assert box["height"] >= 44 and box["x"] + box["width"] <= 390, status
        assert card.get_by_role("radio", name=status, exact=True).count() == 1  # an accessible label
    _fits(page, f"/lessons/{lesson.id}/code")
    assert page.locator(".qr svg").bounding_box()["width"] <= 390

    # the menu folds behind a button, and opens on it
    nav_link = page.get_by_role("link", name="Mijn lessen")
    assert not nav_link.is_visible()
    page.locator("label.menu-button").click()
    assert nav_link.is_visible()


def test_the_learners_pages_fit_a_phone(browser, live_server, db, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    provider, _teacher, _course, people, lesson = _lesson_world(db)
    login = make_user(db, provider, role=Role.LEARNER, learner_id=people[2].id)
    page = _phone(browser, live_server, login.email)

    _fits(page, "/me/")
    button = page.get_by_role("button", name="Aanwezigheid bevestigen")
    assert button.bounding_box()["height"] >= 44
    button.click()
    assert "/me/confirm" in page.url
    _fits(page, f"/me/confirm?lesson={lesson.id}")


def test_the_staff_lists_fit_a_phone(browser, live_server, db, frozen_now) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    provider, _teacher, course, _people, _lesson = _lesson_world(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    page = _phone(browser, live_server, admin.email)
    for path in ("/dashboard", "/learners/", "/classes/", f"/classes/{course.id}", "/lessons/today"):
        _fits(page, path)


def test_the_invoicing_pages_fit_a_phone(browser, live_server, db, frozen_now) -> None:
    frozen_now(datetime(2026, 4, 2, 10, 0))
    provider = make_provider(db)
    course = make_class(db, provider)
    learner = make_learner(db, provider, first_name="Amina", last_name="Haddad")
    make_contract(db, learner)
    make_enrolment(db, course, learner)
    attend_all(db, course, learner)
    make_drafts(db, provider, Quarter(2026, 1), AFTER_Q1)
    draft = db.execute(sa.select(Invoice)).scalars().first()
    finance = make_user(db, provider, role=Role.FINANCE)
    page = _phone(browser, live_server, finance.email)
    for path in (
        "/invoicing/?quarter=2026-Q1",
        "/invoicing/invoices?quarter=2026-Q1",
        f"/invoicing/learners/{learner.id}",
        f"/invoicing/invoices/{draft.id}",
    ):
        _fits(page, path)
    page.locator("#issue-form button").click()  # the confirmation step fits too
    assert page.locator("#confirm-step").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_planners_pages_fit_a_phone(browser, live_server, db, frozen_now) -> None:
    frozen_now(datetime(2027, 2, 1, 9, 0))
    provider = make_provider(db)
    make_learner(db, provider, first_name="Amina", last_name="Haddad", municipality="Utrecht")
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    page = _phone(browser, live_server, planner.email)
    for path in ("/dashboard", "/planning/learners", "/planning/cohorts/", "/planning/runs/"):
        _fits(page, path)
    for path in ("/planning/exams/", "/jobs/"):
        _fits(page, path)
