"""A signed register is frozen: a backdated enrolment never adds anybody to it (issue 11, item 8).

The admin is told which signed registers an enrolment's period covers before it is saved, and may
still add the learner to one of them through the audited correction path, with a reason.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.attendance.service import Mark, register_rows, save_register, sign_register
from provider_portal.classes.service import SignedRegistersTouched, enrol
from provider_portal.dashboard.alerts import low_attendance
from provider_portal.hours.service import hours_summary
from provider_portal.models import Attendance, AttendanceChange, Enrolment, Lesson
from provider_portal.models.enums import Role
from provider_portal.transfer.attendance import class_lines
from tests.factories import make_class, make_enrolment, make_learner, make_provider, make_user
from tests.web import login, submit, text

NOW = datetime(2026, 3, 4, 8, 0)  # Wednesday morning, before that day's lesson
SIGNED_DAYS = [date(2026, 2, 16), date(2026, 2, 18), date(2026, 2, 23), date(2026, 2, 25), date(2026, 3, 2)]


@pytest.fixture()
def world(db: Session, frozen_now) -> dict:
    moment = frozen_now(NOW)
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    course = make_class(db, provider, teachers=(teacher,))  # Mon+Wed 09-12 from 2026-01-05
    amina = make_learner(db, provider, first_name="Amina")
    chiara = make_learner(db, provider, first_name="Chiara")
    make_enrolment(db, course, amina)
    lessons = {
        x.lesson_date: x for x in db.execute(sa.select(Lesson).where(Lesson.class_id == course.id)).scalars()
    }
    for day in SIGNED_DAYS:
        lesson = lessons[day]
        marks = [Mark(amina.id, "present")]
        save_register(db, lesson, marks, user=teacher, version=lesson.version, now=moment)
        sign_register(db, lesson, teacher, moment)
        db.commit()  # the services leave the commit to their caller
    return {"provider": provider, "teacher": teacher, "admin": admin, "course": course,
            "amina": amina, "chiara": chiara, "lessons": lessons}


def _enrol_form(world: dict, **extra: str) -> dict[str, str]:
    return {"learner_id": str(world["chiara"].id), "from_date": "2026-02-16", "to_date": ""} | extra


def _snapshot(db: Session, world: dict) -> dict:
    """Per signed lesson: its rows and its audit trail."""
    db.expire_all()
    out = {}
    for day in SIGNED_DAYS:
        lesson = world["lessons"][day]
        rows = [(r.learner.id, r.attendance and r.attendance.status) for r in register_rows(db, lesson)]
        trail = sa.select(AttendanceChange.learner_id, AttendanceChange.new)
        changes = db.execute(trail.where(AttendanceChange.lesson_id == lesson.id)).all()
        out[day] = (rows, sorted(map(tuple, changes), key=str))
    return out


def test_enrolling_before_signed_lessons_first_lists_those_registers_and_saves_nothing(
    client, db, world
) -> None:
    login(client, world["admin"].email)
    url = f"/classes/{world['course'].id}"
    response = submit(client, url, _enrol_form(world), action=f"{url}/enrol")
    assert response.status_code == 200
    page = text(response)
    for day in ("16 februari", "18 februari", "23 februari", "25 februari", "2 maart 2026"):
        assert day in page
    assert "4 maart 2026" not in page  # not signed: the learner simply appears on it
    assert "niet aan toegevoegd" in page and "reden" in page
    assert db.execute(sa.select(Enrolment).where(Enrolment.learner_id == world["chiara"].id)).first() is None


def test_the_service_refuses_to_enrol_over_signed_registers_until_confirmed(db, world) -> None:
    with pytest.raises(SignedRegistersTouched) as refused:
        enrol(db, world["course"], world["chiara"], date(2026, 2, 20))
    assert [x.lesson_date for x in refused.value.lessons] == SIGNED_DAYS[2:]
    assert db.execute(sa.select(Enrolment).where(Enrolment.learner_id == world["chiara"].id)).first() is None
    enrol(db, world["course"], world["chiara"], date(2026, 3, 3))  # after the last signed lesson: no question
    db.commit()


def test_a_confirmed_backdated_enrolment_leaves_the_signed_registers_as_they_were(client, db, world) -> None:
    before = _snapshot(db, world)
    login(client, world["admin"].email)
    url = f"/classes/{world['course'].id}"
    confirmed = submit(client, url, _enrol_form(world, signed_confirmed="1"), action=f"{url}/enrol")
    assert confirmed.status_code == 302
    assert db.execute(sa.select(Enrolment).where(Enrolment.learner_id == world["chiara"].id)).first()
    assert _snapshot(db, world) == before
    open_lesson = world["lessons"][date(2026, 3, 4)]
    assert world["chiara"].id in {r.learner.id for r in register_rows(db, open_lesson)}


def test_the_teacher_sees_the_signed_register_unchanged_and_the_admin_sees_who_is_not_on_it(
    app, client, db, world
) -> None:
    enrol(db, world["course"], world["chiara"], date(2026, 2, 16), signed_confirmed=True)
    db.commit()
    lesson_url = f"/lessons/{world['lessons'][date(2026, 2, 16)].id}"
    login(client, world["teacher"].email)
    teacher_page = text(client.get(lesson_url))
    assert "Amina" in teacher_page and "Chiara" not in teacher_page
    admin = app.test_client()
    login(admin, world["admin"].email)
    admin_page = text(admin.get(lesson_url))
    assert "Chiara" in admin_page and "niet op de lijst" in admin_page


def test_hours_rates_alerts_and_exports_do_not_count_the_new_learner_absent_on_signed_lessons(
    db, world, frozen_now
) -> None:
    enrol(db, world["course"], world["chiara"], date(2026, 2, 16), signed_confirmed=True)
    db.commit()
    frozen_now(datetime(2026, 3, 4, 13, 0))
    today = date(2026, 3, 4)
    summary = hours_summary(db, world["chiara"], today)
    assert summary.lessons_held == 1  # only the open register of 4 March
    assert world["chiara"].id not in {x.learner.id for x in low_attendance(db, date(2026, 3, 3), 0.8, 4)}
    lines = class_lines(db, world["course"], date(2026, 2, 16), date(2026, 3, 2))
    assert {x.learner_name.split()[0] for x in lines} == {"Amina"}
    held = [x for x in world["lessons"] if x <= today]
    assert hours_summary(db, world["amina"], today).lessons_held == len(held)  # she was on every register


def test_an_admin_adds_the_learner_to_a_signed_register_through_the_audited_correction(
    client, db, world
) -> None:
    enrol(db, world["course"], world["chiara"], date(2026, 2, 16), signed_confirmed=True)
    db.commit()
    lesson = world["lessons"][date(2026, 2, 18)]
    login(client, world["admin"].email)
    url = f"/lessons/{lesson.id}"
    form = {"version": str(lesson.version), f"status-{world['chiara'].id}": "present",
            f"minutes-{world['chiara'].id}": "", f"remark-{world['chiara'].id}": ""}
    assert submit(client, url, form).status_code == 400  # a signed register needs a reason
    reason = {"reason": "was er wel, ingeschreven met terugwerkende kracht"}
    assert submit(client, url, form | reason).status_code == 302
    db.expire_all()
    mark = db.execute(
        sa.select(Attendance).where(
            Attendance.lesson_id == lesson.id, Attendance.learner_id == world["chiara"].id
        )
    ).scalar_one()
    assert (mark.status, mark.minutes) == ("present", 180)
    change = db.execute(
        sa.select(AttendanceChange).where(AttendanceChange.learner_id == world["chiara"].id)
    ).scalar_one()
    assert change.old is None and change.reason.startswith("was er wel")
    assert change.changed_by_id == world["admin"].id
    assert world["chiara"].id in {r.learner.id for r in register_rows(db, lesson)}
    assert hours_summary(db, world["chiara"], date(2026, 3, 3)).minutes == 180
