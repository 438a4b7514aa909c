"""The pages of the load mix (issue 17) each run at most a fixed number of SQL statements.

A round trip per learner, per lesson or per row (an N+1) or a new query on every request shows up
here as a failing ceiling, and the counts must not grow with the class or its history. The figures
beside the budgets are what the pages ran when the budgets were set (docs/benchmarks.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import Engine
from sqlmodel import Session
from werkzeug.test import TestResponse

from provider_portal.attendance.codes import presence_code
from provider_portal.attendance.service import CHANGES_SHOWN
from provider_portal.clock import AMSTERDAM
from provider_portal.models import Attendance, AttendanceChange, CourseClass, Learner, Lesson
from provider_portal.models.enums import Role
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.web import csrf_token, login, text

LESSON_DAY = date(2026, 3, 4)  # a Wednesday: 09:00-12:00 in the factory's schedule
DURING = datetime(2026, 3, 4, 10, 0, tzinfo=AMSTERDAM)
SECRET = "test-secret-key-that-is-long-enough-0123456789"  # conftest's app

# page: the most statements one request may run, on SQLite and PostgreSQL. Before issue 17 the
# learner page ran 17 and /me/ 6 (hours: a statement more), a save 9 plus one per change on SQLite.
BUDGET = {
    "register page": 8,  # log-in check, lesson, class, grid's marks and learners, may sign, changes, failures
    "register save": 9,
    "learner list": 3,  # log-in check, the count, the page
    "learner page": 16,
    "learner /me/": 5,
    "presence confirmation": 11,
}


def _class_of(db: Session, provider, teacher, size: int, history: bool) -> dict:  # type: ignore[no-untyped-def]
    course = make_class(db, provider, teachers=(teacher,))
    learners = [make_learner(db, provider, first_name=f"Leerling{n}") for n in range(size)]
    for learner in learners:
        make_enrolment(db, course, learner)
        make_contract(db, learner)
    lessons = db.execute(sa.select(Lesson).where(Lesson.class_id == course.id)
                         .order_by(Lesson.lesson_date)).scalars().all()
    if history:  # every lesson before today registered for everyone
        db.add_all(Attendance(lesson_id=lesson.id, learner_id=learner.id, status="present", minutes=180)
                   for lesson in lessons if lesson.lesson_date < LESSON_DAY for learner in learners)
        db.commit()
    today = next(lesson for lesson in lessons if lesson.lesson_date == LESSON_DAY)
    past = [lesson for lesson in lessons if lesson.lesson_date < LESSON_DAY]
    return {"course": course, "learners": learners, "today": today, "past": past[-1]}


@pytest.fixture()
def school(db: Session, frozen_now) -> Callable[[int, bool], dict]:  # type: ignore[no-untyped-def]
    frozen_now(DURING)
    provider = make_provider(db)

    def build(size: int, history: bool = True) -> dict:  # type: ignore[type-arg]
        teacher = make_user(db, provider, role=Role.TEACHER)
        made = _class_of(db, provider, teacher, size, history)
        pupil = made["learners"][0]
        account = make_user(db, provider, role=Role.LEARNER, learner_id=pupil.id)
        return made | {"teacher": teacher, "account": account}

    return build


def _counted(engine: Engine, call: Callable[[], TestResponse]) -> int:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:2000]
    return len(statements)


def _mix(app: Flask, engine: Engine, db: Session, world: dict) -> dict[str, int]:  # type: ignore[type-arg]
    """Statements of one request of each page of the mix, as its user (logged in before counting)."""
    staff, pupil = app.test_client(), app.test_client()
    login(staff, world["teacher"].email)
    login(pupil, world["account"].email)
    lesson, today = world["past"], world["today"]
    register = f"/lessons/{lesson.id}"
    token = csrf_token(staff, register)
    version = db.execute(sa.select(Lesson.version).where(Lesson.id == lesson.id)).scalar_one()
    grid = {"csrf_token": token, "version": str(version)}
    for n, learner in enumerate(world["learners"]):
        grid |= {f"status-{learner.id}": "late" if n % 3 else "present", f"minutes-{learner.id}": ""}
    confirm = {"lesson": today.id, "csrf_token": csrf_token(pupil, f"/me/confirm?lesson={today.id}"),
               "code": presence_code(SECRET, today.id, DURING)}
    counts = {
        "register page": _counted(engine, lambda: staff.get(register)),
        "register save": _counted(engine, lambda: staff.post(register, data=grid)),
        "learner list": _counted(engine, lambda: staff.get("/learners/?page=1")),
        "learner page": _counted(engine, lambda: staff.get(f"/learners/{world['learners'][1].id}")),
        "learner /me/": _counted(engine, lambda: pupil.get("/me/")),
        "presence confirmation": _counted(engine, lambda: pupil.post("/me/confirm", data=confirm)),
    }
    return counts


def test_each_page_of_the_mix_stays_within_its_statement_budget(app, engine, db, school) -> None:
    counts = _mix(app, engine, db, school(8))
    over = {page: n for page, n in counts.items() if n > BUDGET[page]}
    assert not over, f"over budget: {over} (all: {counts}, budgets: {BUDGET})"


def test_the_statements_per_page_do_not_grow_with_the_class_or_its_history(app, engine, db, school) -> None:
    small = _mix(app, engine, db, school(3, history=False))
    large = _mix(app, engine, db, school(12, history=True))
    assert large == small, f"3 learners without registers: {small}; 12 with a term of registers: {large}"


def test_the_budget_counts_what_a_page_runs(app, engine, db, school) -> None:
    """The counter itself: a page that reads one more table runs one more statement."""
    world = school(2)
    client = app.test_client()
    login(client, world["teacher"].email)
    before = _counted(engine, lambda: client.get("/learners/?page=1"))
    assert before >= 3  # the log-in check, the page's count and its rows

    def with_one_more() -> TestResponse:
        response = client.get("/learners/?page=1")
        with Session(engine) as session:
            session.execute(sa.select(CourseClass.id).limit(1)).all()
            session.execute(sa.select(Learner.id).limit(1)).all()
        return response

    assert _counted(engine, with_one_more) == before + 2


def test_a_long_change_trail_shows_the_newest_changes_and_a_link_to_all_of_them(app, db, school) -> None:
    """A learner's trail grows with every save of every register they are on; rendering all of it was
    most of the learner page's CPU. The pages show the newest CHANGES_SHOWN and link to the rest."""
    world = school(2)
    learner, lesson = world["learners"][0], world["past"]
    db.add_all(AttendanceChange(lesson_id=lesson.id, learner_id=learner.id, changed_by_id=world["teacher"].id,
                                changed_at=datetime(2026, 3, 3, 12, n, tzinfo=AMSTERDAM), old=None,
                                new={"status": "present", "minutes": n, "remark": ""}, reason="")
               for n in range(CHANGES_SHOWN + 5))
    db.commit()
    client = app.test_client()
    login(client, world["teacher"].email)
    for page in (f"/learners/{learner.id}", f"/lessons/{lesson.id}"):
        html = text(client.get(page))
        minutes = [int(m) for m in re.findall(r"Aanwezig, (\d+) min", html)]
        assert minutes == list(range(CHANGES_SHOWN + 4, 4, -1)), page  # the newest, newest first
        assert f"De {CHANGES_SHOWN} meest recente wijzigingen." in html
        link = re.search(r'<a href="([^"]+changes=all#changes)">Alle wijzigingen tonen</a>', html)
        assert link, page
        everything = text(client.get(link.group(1)))
        assert [int(m) for m in re.findall(r"Aanwezig, (\d+) min", everything)] == list(
            range(CHANGES_SHOWN + 4, -1, -1))
        assert "Alle wijzigingen tonen" not in everything


def test_a_short_change_trail_is_shown_whole_without_a_link(app, db, school) -> None:
    world = school(2)
    learner, lesson = world["learners"][0], world["past"]
    db.add(AttendanceChange(lesson_id=lesson.id, learner_id=learner.id, changed_by_id=world["teacher"].id,
                            old=None, new={"status": "present", "minutes": 7, "remark": ""}, reason=""))
    db.commit()
    client = app.test_client()
    login(client, world["teacher"].email)
    html = text(client.get(f"/learners/{learner.id}"))
    assert "Aanwezig, 7 min" in html and "Alle wijzigingen tonen" not in html


@pytest.mark.parametrize("args", [{}, {"municipality": "Utrecht", "language": "ar", "route": "Z"},
                                  {"municipality": "'s-Gravenhage", "route": "<b>"}])
def test_the_cached_filter_selects_render_exactly_as_wtforms_does(app, args) -> None:
    """The learner list's filters render their options from a cache (CachedSelect); the HTML is
    WTForms' own, selection and escaping included, in Dutch and in English."""
    from werkzeug.datastructures import MultiDict
    from wtforms.widgets import Select

    from provider_portal.learners.forms import LearnerFilterForm

    for lang in ("nl", "en"):
        with app.test_request_context("/learners/"):
            from flask import session

            session["lang"] = lang
            form = LearnerFilterForm(MultiDict(args))
            for name in ("route", "municipality", "language"):
                field = form[name]
                assert str(field()) == str(Select()(field)), (lang, name)
                assert str(field()) == str(field()), (lang, name)  # the cached one again
