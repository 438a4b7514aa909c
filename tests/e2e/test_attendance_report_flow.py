"""In the browser: a teacher opens the class's attendance overview and a learner's report at 1366 and
390 px; the grid scrolls inside its box with the names kept in view, the page never gets wider than
the screen, and printing hides the navigation."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.clock import AMSTERDAM
from provider_portal.models import Attendance, Lesson
from provider_portal.models.enums import Role
from tests.e2e.helpers import assert_fits, shot
from tests.factories import make_class, make_enrolment, make_learner, make_provider, make_user


@pytest.fixture()
def world(db: Session, frozen_now) -> dict:
    frozen_now(datetime(2026, 3, 27, 18, 0, tzinfo=AMSTERDAM))
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER, name="Docent Joke")
    course = make_class(db, provider, teachers=(teacher,), name="A2 ochtend Utrecht Centrum")
    people = [make_learner(db, provider, first_name=f, last_name=last, route="Z") for f, last in (
        ("Amina", "Haddad"), ("Bilal", "Osman"), ("Oleksandra", "Shevchenko-Kovalenko"), ("Tesfay", "Gebre"))]
    for person in people:
        make_enrolment(db, course, person)
    lessons = db.execute(sa.select(Lesson).where(Lesson.class_id == course.id)).scalars().all()
    cycle = ["present", "present", "late", "absent_notice", "present", "absent", "left_early"]
    for n, lesson in enumerate(lessons):
        for k, person in enumerate(people):
            status = cycle[(n + k) % len(cycle)]
            db.add(Attendance(lesson_id=lesson.id, learner_id=person.id, status=status,
                              minutes={"present": 180, "late": 150, "left_early": 120}.get(status, 0)))
    db.commit()
    return {"teacher": teacher, "course": course, "learner": people[2]}


@pytest.mark.parametrize("width", [1366, 390])
def test_the_attendance_overview_and_report_in_the_browser(open_page, world, width) -> None:
    page = open_page(world["teacher"].email, width=width)
    page.goto(f"/classes/{world['course'].id}")
    page.locator("#attendance-overview").click()
    page.get_by_role("link", name="Alles").click()
    grid = page.locator("#attendance-grid")
    assert grid.locator("tbody tr").count() == 4
    assert_fits(page)
    if width == 390:  # the grid scrolls inside its box; the names stay in view
        box = page.locator(".att-wrap")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        box.evaluate("e => e.scrollLeft = 400")
        name = grid.locator("tbody th").first.bounding_box()
        assert name is not None and name["x"] < 30
    assert page.get_by_text("Afwezig met bericht").first.is_visible()  # the legend, in words
    shot(page, f"class-grid-{width}")
    page.emulate_media(media="print")
    assert not page.locator("#main-menu").is_visible()
    page.emulate_media(media="screen")
    grid.get_by_role("link", name="Shevchenko-Kovalenko, Oleksandra").click()
    page.wait_for_url("**/attendance-report**")
    assert page.locator("#months").is_visible() and page.locator("svg.chart").count() == 1
    assert "800 uur les" in page.locator("#report-totals").inner_text()
    assert_fits(page)
    shot(page, f"learner-report-{width}")
