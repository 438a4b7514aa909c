"""In the browser: a teacher takes and signs today's register; a learner confirms with the code."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Attendance, Lesson
from provider_portal.models.enums import Role
from tests.factories import PASSWORD, make_class, make_enrolment, make_learner, make_provider, make_user


def _login(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()


def test_teacher_takes_and_signs_the_register_and_the_learner_confirms_with_the_code(
    browser, live_server, db: Session, frozen_now
) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))  # Wednesday, during the 09:00-12:00 lesson
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER, name="Docent Joke")
    course = make_class(db, provider, teachers=(teacher,), name="A2 ochtend")
    amina = make_learner(db, provider, first_name="Amina", last_name="Haddad")
    bilal = make_learner(db, provider, first_name="Bilal", last_name="Osman")
    make_enrolment(db, course, amina, from_date=date(2026, 1, 5))
    make_enrolment(db, course, bilal, from_date=date(2026, 1, 5))
    amina_login = make_user(db, provider, role=Role.LEARNER, learner_id=amina.id)

    teacher_page = browser.new_context(base_url=live_server).new_page()
    learner_page = browser.new_context(base_url=live_server).new_page()

    _login(teacher_page, teacher.email)
    teacher_page.get_by_role("link", name="Lessen van vandaag").click()
    teacher_page.get_by_role("link", name="09:00–12:00").click()
    teacher_page.get_by_role("link", name="Aanwezigheidscode tonen").click()
    code = teacher_page.locator(".presence-code").inner_text().replace(" ", "")
    assert len(code) == 8 and teacher_page.locator(".qr svg").count() == 1

    _login(learner_page, amina_login.email)
    assert "0,0 uur bijgewoond" in learner_page.content()
    learner_page.get_by_role("button", name="Aanwezigheid bevestigen").click()
    learner_page.get_by_label("Code die de docent laat zien").fill(code)
    learner_page.get_by_role("button", name="Bevestigen").click()
    assert "Uw aanwezigheid is bevestigd" in learner_page.content()

    teacher_page.get_by_role("link", name="Terug naar de presentielijst").click()
    amina_row = teacher_page.get_by_role("row", name="Haddad, Amina")
    assert "✓" in amina_row.inner_text()
    teacher_page.get_by_label("Osman, Bilal").select_option("late")
    teacher_page.get_by_label("Minuten Bilal Osman").fill("150")
    teacher_page.get_by_role("button", name="Presentielijst opslaan").click()
    teacher_page.get_by_role("button", name="Presentielijst aftekenen").click()
    assert "Afgetekend en vergrendeld" in teacher_page.content()
    assert teacher_page.get_by_label("Osman, Bilal").is_disabled()  # locked for the teacher

    learner_page.goto("/me/")
    assert "3,0 uur bijgewoond" in learner_page.content()


def test_everyone_present_fills_only_empty_rows_in_the_page_and_the_teacher_then_saves(
    browser, live_server, db: Session, frozen_now
) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))  # Wednesday, during the 09:00-12:00 lesson
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, teachers=(teacher,))
    names = ("Amina", "Bilal", "Chiara")
    people = [make_learner(db, provider, first_name=n, last_name="Test") for n in names]
    for learner in people:
        make_enrolment(db, course, learner)
    amina, bilal, chiara = people
    lesson = db.execute(
        sa.select(Lesson).where(Lesson.class_id == course.id, Lesson.lesson_date == date(2026, 3, 4))
    ).scalar_one()

    page = browser.new_context(base_url=live_server).new_page()
    _login(page, teacher.email)
    page.goto(f"/lessons/{lesson.id}")
    page.get_by_label("Test, Bilal").select_option("absent_notice")
    assert page.get_by_label("Minuten Bilal Test").input_value() == "0"  # suggested for an absence
    page.get_by_role("button", name="Iedereen aanwezig").click()

    assert page.get_by_text("Controleer de presentielijst en sla hem op").is_visible()
    assert page.get_by_label("Test, Amina").input_value() == "present"
    assert page.get_by_label("Test, Chiara").input_value() == "present"
    assert page.get_by_label("Minuten Chiara Test").input_value() == "180"
    assert page.get_by_label("Test, Bilal").input_value() == "absent_notice"
    assert _marks(db, lesson) == {}  # nothing saved yet

    page.get_by_role("button", name="Presentielijst opslaan").click()
    assert "Presentielijst is opgeslagen (3 gewijzigd)" in page.content()
    assert _marks(db, lesson) == {
        amina.id: ("present", 180),
        bilal.id: ("absent_notice", 0),
        chiara.id: ("present", 180),
    }


def _marks(db: Session, lesson: Lesson) -> dict[int, tuple[str, int]]:
    db.expire_all()
    rows = db.execute(sa.select(Attendance).where(Attendance.lesson_id == lesson.id)).scalars()
    return {a.learner_id: (a.status, a.minutes) for a in rows}
