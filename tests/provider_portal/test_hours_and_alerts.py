"""Hours per learner and the dashboard's attendance alerts."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.dashboard.alerts import contracts_running_out, low_attendance, open_registers
from provider_portal.hours.chart import month_bars_svg
from provider_portal.hours.service import ROUTE_HOURS, hours_summary, milestones
from provider_portal.models import Attendance, Lesson
from provider_portal.models.enums import Role, Route
from provider_portal.models.types import utcnow
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.web import login, text


def _lessons(db: Session, course) -> list[Lesson]:
    stmt = sa.select(Lesson).where(Lesson.class_id == course.id).order_by(Lesson.lesson_date)
    return list(db.execute(stmt).scalars())


def _mark(db: Session, lesson: Lesson, learner, status: str, minutes: int) -> None:
    db.add(Attendance(learner_id=learner.id, lesson_id=lesson.id, status=status, minutes=minutes))
    lesson.register_taken_at = utcnow()
    db.commit()


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    course = make_class(db, provider)  # Mon+Wed 09-12 from 2026-01-05
    learner = make_learner(db, provider, route="Z")
    make_enrolment(db, course, learner, from_date=date(2026, 1, 7))
    return {"provider": provider, "course": course, "learner": learner, "lessons": _lessons(db, course)}


def test_hours_count_attended_minutes_by_month_and_quarter(db, world) -> None:
    jan_7, jan_12 = world["lessons"][1], world["lessons"][2]
    feb = next(x for x in world["lessons"] if x.lesson_date.month == 2)
    _mark(db, jan_7, world["learner"], "present", 180)
    _mark(db, jan_12, world["learner"], "late", 150)
    _mark(db, feb, world["learner"], "absent_notice", 0)
    summary = hours_summary(db, world["learner"], date(2026, 2, 2))
    assert summary.minutes == 330 and summary.by_month == {"2026-01": 330}
    assert summary.by_quarter == {"2026-Q1": 330}
    assert summary.hours == 5.5


def _ona_world(db: Session, world: dict) -> None:
    """Two hours of ONA lessons beside three hours in the ordinary class."""
    ona = make_class(db, world["provider"], level="B1", ona=True)
    make_enrolment(db, ona, world["learner"], from_date=date(2026, 1, 7))
    _mark(db, world["lessons"][1], world["learner"], "present", 180)
    _mark(db, _lessons(db, ona)[1], world["learner"], "left_early", 120)


def test_hours_in_ona_classes_count_as_attended_and_as_ona_hours(db, world) -> None:
    _ona_world(db, world)
    summary = hours_summary(db, world["learner"], date(2026, 2, 2))
    assert (summary.minutes, summary.ona_minutes, summary.ona_hours) == (300, 120, 2.0)


def test_the_learner_page_and_my_hours_show_ona_hours_separately(app, client, db, world) -> None:
    _ona_world(db, world)
    login(client, make_user(db, world["provider"], role=Role.PROVIDER_ADMIN).email)
    page = text(client.get(f"/learners/{world['learner'].id}"))
    assert "waarvan ONA" in page and '<dd id="ona-hours">2,0 uur</dd>' in page
    own = make_user(db, world["provider"], role=Role.LEARNER, learner_id=world["learner"].id)
    mine = app.test_client()
    login(mine, own.email)
    assert "2,0 uur in ONA-lessen" in text(mine.get("/me/"))


def test_the_rate_ignores_lessons_before_joining_and_cancelled_ones(db, world) -> None:
    lessons = world["lessons"]  # 5 Jan (before joining), 7, 12, 14, 19 Jan...
    lessons[3].status = "cancelled"
    db.commit()
    _mark(db, lessons[1], world["learner"], "present", 180)
    _mark(db, lessons[2], world["learner"], "absent", 0)
    summary = hours_summary(db, world["learner"], date(2026, 1, 19))
    assert (summary.lessons_held, summary.lessons_attended) == (3, 1)  # 7, 12 and 19 Jan


def test_milestones_show_the_600_hour_mark_the_z_route_target_and_the_contract(db, world) -> None:
    make_contract(db, world["learner"], purchased_hours=400)
    _mark(db, world["lessons"][1], world["learner"], "present", 180)
    summary = hours_summary(db, world["learner"], date(2026, 3, 1))
    marks = milestones(world["learner"], summary, 600)
    names = {name: (hours, round(share, 4)) for name, hours, share in marks}
    assert names == {"600": (600, 0.005), "route": (800, 0.0037), "contract": (400, 0.0075)}


def test_the_onderwijsroute_has_its_programme_of_1500_lesson_hours_as_route_target(db, world) -> None:
    learner = make_learner(db, world["provider"], route="onderwijs")
    make_enrolment(db, world["course"], learner, from_date=date(2026, 1, 7))
    _mark(db, world["lessons"][1], learner, "present", 180)
    summary = hours_summary(db, learner, date(2026, 3, 1))
    targets = {name: (hours, round(share, 4)) for name, hours, share in milestones(learner, summary, 600)}
    assert targets == {"600": (600, 0.005), "route": (1500, 0.002)}


def test_only_routes_with_hour_figures_have_a_route_target(db, world) -> None:
    assert {route: ROUTE_HOURS[route].lesson_target for route in ROUTE_HOURS} == {
        Route.Z: 800,
        Route.ONDERWIJS: 1500,
    }
    b1 = make_learner(db, world["provider"], route="B1")
    summary = hours_summary(db, b1, date(2026, 3, 1))
    assert [name for name, _hours, _share in milestones(b1, summary, 600)] == ["600"]


def test_the_chart_draws_one_bar_per_month_with_its_hours() -> None:
    svg = month_bars_svg({"2026-01": 600, "2026-02": 300}, "Uren per maand")
    assert svg.count("<rect") == 2 and 'aria-label="Uren per maand"' in svg
    assert ": 10,0</title>" in svg and "<title>01-26, " in svg  # the value on hover
    assert 'class="unit"' in svg and 'class="tick"' in svg  # an axis with its unit
    assert '<td>02-26</td><td class="num">5,0</td>' in svg  # and the same figures as a table
    assert month_bars_svg({}, "x") == ""


def test_low_attendance_flags_learners_under_the_threshold(db, world) -> None:
    steady = make_learner(db, world["provider"], first_name="Steady")
    make_enrolment(db, world["course"], steady, from_date=date(2026, 1, 7))
    for lesson in world["lessons"][1:5]:  # 7, 12, 14, 19 Jan
        _mark(db, lesson, steady, "present", 180)
    _mark(db, world["lessons"][1], world["learner"], "present", 180)
    flagged = low_attendance(db, date(2026, 1, 19), threshold=0.8, weeks=4)
    assert [(x.learner.id, x.attended, x.held) for x in flagged] == [(world["learner"].id, 1, 4)]


def test_open_registers_lists_untaken_and_unsigned_past_lessons(db, world) -> None:
    lessons = world["lessons"]
    _mark(db, lessons[1], world["learner"], "present", 180)
    lessons[1].signed_at = utcnow()
    _mark(db, lessons[2], world["learner"], "present", 180)
    untaken, unsigned = open_registers(db, date(2026, 1, 13))
    assert [x.id for x, _ in untaken] == [lessons[0].id]
    assert [x.id for x, _ in unsigned] == [lessons[2].id]


def test_contracts_running_out_of_hours_are_flagged_at_90_percent(db, world) -> None:
    make_contract(db, world["learner"], purchased_hours=6)
    _mark(db, world["lessons"][1], world["learner"], "present", 180)
    assert contracts_running_out(db) == []
    _mark(db, world["lessons"][2], world["learner"], "late", 150)  # 330 of 360 minutes = 92 %
    [(contract, learner, share)] = contracts_running_out(db)
    assert learner.id == world["learner"].id and round(share, 2) == 0.92


def test_the_learner_page_shows_hours_chart_classes_and_audit_trail(client, db, world) -> None:
    login(client, make_user(db, world["provider"], role=Role.PROVIDER_ADMIN).email)
    _mark(db, world["lessons"][1], world["learner"], "present", 180)
    page = text(client.get(f"/learners/{world['learner'].id}"))
    assert "<svg" in page and world["course"].name in page and "Urengrens ontheffing" in page


def test_the_dashboard_shows_the_alerts_to_provider_staff(client, db, world) -> None:
    login(client, make_user(db, world["provider"], role=Role.PROVIDER_ADMIN).email)
    page = text(client.get("/dashboard"))
    assert "Vraagt aandacht" in page and world["course"].name in page  # its past registers were never taken
