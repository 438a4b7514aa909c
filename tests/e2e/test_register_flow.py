"""In the browser: a teacher takes and signs today's register; a learner confirms with the code."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import Session

from provider_portal.models import Attendance, Lesson
from provider_portal.models.enums import Role
from tests.e2e.helpers import log_in
from tests.factories import lesson_on, make_class, make_enrolment, make_learner, make_provider, make_user


def _card(page, name: str):
    """A learner's card on the register: its status buttons are a group named after the learner."""
    return page.get_by_role("group", name=name, exact=True)


def _choose(page, name: str, status: str) -> None:
    """Press a status button (the label of a radio button) on a learner's card."""
    _card(page, name).get_by_text(status, exact=True).click()


def _chosen(page, name: str, status: str) -> bool:
    return _card(page, name).get_by_role("radio", name=status, exact=True).is_checked()


def test_teacher_takes_and_signs_the_register_and_the_learner_confirms_with_the_code(
    open_page, db: Session, frozen_now
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

    teacher_page = open_page(teacher.email, width=None)  # a teacher lands on their own lessons
    learner_page = open_page(width=None)  # a second browser: the learner's phone

    assert teacher_page.get_by_role("heading", name="Mijn lessen").is_visible()
    teacher_page.get_by_role("link", name="09:00–12:00", exact=True).click()
    teacher_page.get_by_role("link", name="Aanwezigheidscode tonen").click()
    code = teacher_page.locator(".presence-code").inner_text().replace(" ", "")
    assert len(code) == 8 and teacher_page.locator(".qr svg").count() == 1

    log_in(learner_page, amina_login.email)
    assert "0,0 uur bijgewoond" in learner_page.content()
    learner_page.get_by_role("button", name="Aanwezigheid bevestigen").click()
    learner_page.get_by_label("Code die de docent laat zien").fill(code)
    learner_page.get_by_role("button", name="Bevestigen").click()
    expect(learner_page.locator("body")).to_contain_text("Uw aanwezigheid is bevestigd")

    teacher_page.get_by_role("link", name="Terug naar de presentielijst").click()
    amina_card = teacher_page.locator(".learner-card").filter(has_text="Haddad, Amina")
    assert "✓ Bevestigd" in amina_card.inner_text()
    _choose(teacher_page, "Osman, Bilal", "Te laat")
    teacher_page.get_by_label("Minuten Bilal Osman").fill("150")
    teacher_page.get_by_role("button", name="Presentielijst opslaan").click()
    teacher_page.get_by_role("button", name="Presentielijst aftekenen").click()
    # the confirmation step counts who did not confirm themselves: Bilal, who came late
    warning = teacher_page.locator("#unconfirmed-warning").inner_text()
    assert "1 van de 2 aanwezige inburgeraars hebben hun aanwezigheid niet zelf bevestigd" in warning
    teacher_page.get_by_role("button", name="Toch aftekenen").click()
    assert "Afgetekend en vergrendeld" in teacher_page.content()
    assert _card(teacher_page, "Osman, Bilal").get_by_role("radio", name="Te laat").is_disabled()  # locked

    learner_page.goto("/me/")
    assert "3,0 uur bijgewoond" in learner_page.content()


def test_everyone_present_fills_only_empty_rows_never_a_saved_one_and_the_teacher_then_saves(
    open_page, db: Session, frozen_now
) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))  # Wednesday, during the 09:00-12:00 lesson
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, teachers=(teacher,))
    names = ("Amina", "Bilal", "Chiara", "Dawit")
    people = [make_learner(db, provider, first_name=n, last_name="Test") for n in names]
    for learner in people:
        make_enrolment(db, course, learner)
    amina, bilal, chiara, dawit = people
    lesson = lesson_on(db, course, date(2026, 3, 4))

    page = open_page(teacher.email, width=None)
    page.goto(f"/lessons/{lesson.id}")
    _choose(page, "Test, Dawit", "Afwezig met bericht")  # saved first: Dawit phoned in sick
    page.get_by_role("button", name="Presentielijst opslaan").click()
    assert _marks(db, lesson) == {dawit.id: ("absent_notice", 0)}

    _choose(page, "Test, Bilal", "Afwezig zonder bericht")  # chosen, not saved
    assert page.get_by_label("Minuten Bilal Test").input_value() == "0"  # filled for an absence
    page.get_by_role("button", name="Iedereen aanwezig").click()

    assert page.get_by_text("Controleer de presentielijst en sla hem op").is_visible()
    assert _chosen(page, "Test, Amina", "Aanwezig") and _chosen(page, "Test, Chiara", "Aanwezig")
    assert page.get_by_label("Minuten Chiara Test").input_value() == "180"
    assert _chosen(page, "Test, Bilal", "Afwezig zonder bericht")  # the unsaved choice stays
    assert _chosen(page, "Test, Dawit", "Afwezig met bericht")  # the saved status is never overwritten
    assert _marks(db, lesson) == {dawit.id: ("absent_notice", 0)}  # nothing saved by the button itself

    page.get_by_role("button", name="Presentielijst opslaan").click()
    expect(page.locator("body")).to_contain_text("Presentielijst is opgeslagen (3 gewijzigd)")
    assert _marks(db, lesson) == {
        amina.id: ("present", 180),
        bilal.id: ("absent", 0),
        chiara.id: ("present", 180),
        dawit.id: ("absent_notice", 0),
    }


def test_choosing_a_status_fills_the_minutes_and_late_asks_for_them(
    open_page, db: Session, frozen_now
) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15))
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, teachers=(teacher,))
    learner = make_learner(db, provider, first_name="Amina", last_name="Haddad")
    make_enrolment(db, course, learner)
    lesson = lesson_on(db, course, date(2026, 3, 4))

    page = open_page(teacher.email, width=None)
    page.goto(f"/lessons/{lesson.id}")
    minutes = page.get_by_label("Minuten Amina Haddad")
    assert minutes.input_value() == ""
    _choose(page, "Haddad, Amina", "Aanwezig")
    assert minutes.input_value() == "180"  # the whole lesson
    _choose(page, "Haddad, Amina", "Afwezig zonder bericht")
    assert minutes.input_value() == "0"
    _choose(page, "Haddad, Amina", "Te laat")  # the whole lesson, selected: the teacher types the real time
    assert minutes.input_value() == "180"
    assert minutes.evaluate("el => el === document.activeElement")
    page.keyboard.type("135")  # replaces the selection
    _choose(page, "Haddad, Amina", "Eerder vertrokken")  # typed minutes are kept for another attended status
    assert minutes.input_value() == "135"
    page.get_by_role("button", name="Presentielijst opslaan").click()
    assert _marks(db, lesson) == {learner.id: ("left_early", 135)}


def test_the_presence_code_counts_down_with_the_servers_seconds(
    open_page, db: Session, frozen_now
) -> None:
    frozen_now(datetime(2026, 3, 4, 10, 15, 20))  # 40 seconds before the code changes
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, teachers=(teacher,))
    lesson = lesson_on(db, course, date(2026, 3, 4))
    page = open_page(teacher.email, width=None)
    page.goto(f"/lessons/{lesson.id}/code")
    text = page.locator("#countdown-text")
    assert text.inner_text() in ("Nieuwe code over 40 s", "Nieuwe code over 39 s")
    page.wait_for_function(
        "() => /over (3[0-7]) s/.test(document.getElementById('countdown-text').textContent)", timeout=6000
    )  # it ticks in the browser, from the server's 40 seconds


def _marks(db: Session, lesson: Lesson) -> dict[int, tuple[str, int]]:
    db.expire_all()
    rows = db.execute(sa.select(Attendance).where(Attendance.lesson_id == lesson.id)).scalars()
    return {a.learner_id: (a.status, a.minutes) for a in rows}
