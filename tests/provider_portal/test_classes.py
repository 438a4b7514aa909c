"""Classes and their lessons: the schedule, public holidays, closures, changes by hand, enrolments."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.classes.schedule import WeeklySlot, lesson_plan
from provider_portal.classes.service import (
    ClassData,
    ClassError,
    add_closure,
    cancel_lesson,
    end_enrolment,
    enrol,
    move_lesson,
    remove_closure,
    save_class,
    sync_lessons,
)
from provider_portal.models import Attendance, CourseClass, Lesson
from provider_portal.models.enums import Role
from tests.factories import make_class, make_learner, make_provider, make_user
from tests.web import login, submit, text

MONDAY = WeeklySlot(0, time(9), time(12))


def _dates(db: Session, course: CourseClass) -> list[date]:
    stmt = sa.select(Lesson.lesson_date).where(Lesson.class_id == course.id).order_by(Lesson.lesson_date)
    return list(db.execute(stmt).scalars())


def test_the_plan_skips_easter_monday_and_kings_day() -> None:
    days = [p.lesson_date for p in lesson_plan(date(2026, 3, 30), date(2026, 5, 4), [MONDAY], [])]
    assert date(2026, 4, 6) not in days and date(2026, 4, 27) not in days
    assert days == [date(2026, 3, 30), date(2026, 4, 13), date(2026, 4, 20), date(2026, 5, 4)]


def test_kings_day_moves_to_the_26th_when_the_27th_is_a_sunday() -> None:
    saturday = WeeklySlot(5, time(10), time(12))
    days = [p.lesson_date for p in lesson_plan(date(2025, 4, 19), date(2025, 5, 3), [saturday], [])]
    assert date(2025, 4, 26) not in days and date(2025, 5, 3) in days


def test_the_plan_skips_closures_and_has_every_weekday_of_the_schedule() -> None:
    wednesday = WeeklySlot(2, time(13), time(15))
    plan = lesson_plan(
        date(2026, 1, 5), date(2026, 1, 25), [MONDAY, wednesday], [(date(2026, 1, 12), date(2026, 1, 16))]
    )
    assert [(p.lesson_date.isoformat(), p.start_time.hour) for p in plan] == [
        ("2026-01-05", 9),
        ("2026-01-07", 13),
        ("2026-01-19", 9),
        ("2026-01-21", 13),
    ]


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    return {"provider": provider, "teacher": teacher, "course": make_class(db, provider, teachers=(teacher,))}


def test_a_closure_removes_its_lessons_and_removing_it_brings_them_back(db, world) -> None:
    course = world["course"]
    before = _dates(db, course)
    closure = add_closure(db, course.provider_id, date(2026, 2, 16), date(2026, 2, 20), "Voorjaarsvakantie")
    db.commit()  # the caller's commit: services leave it to their caller
    assert [d for d in before if d not in _dates(db, course)] == [date(2026, 2, 16), date(2026, 2, 18)]
    remove_closure(db, closure)
    db.commit()
    assert _dates(db, course) == before


def test_lessons_with_attendance_or_set_by_hand_survive_a_schedule_change(db, world) -> None:
    course, learner = world["course"], make_learner(db, world["provider"])
    first, second = (
        db.execute(
            sa.select(Lesson).where(Lesson.class_id == course.id).order_by(Lesson.lesson_date).limit(2)
        )
        .scalars()
        .all()
    )
    db.add(Attendance(learner_id=learner.id, lesson_id=first.id, status="present", minutes=180))
    db.commit()
    move_lesson(db, second, date(2026, 1, 9), time(9), time(12))
    db.commit()
    db.execute(sa.text("DELETE FROM class_slot"))  # the class no longer meets weekly
    added, removed = sync_lessons(db, course)
    db.commit()
    assert added == 0 and removed > 0
    assert _dates(db, course) == [date(2026, 1, 5), date(2026, 1, 9)]


def test_a_lesson_with_attendance_cannot_be_moved_or_cancelled(db, world) -> None:
    lesson = db.execute(sa.select(Lesson).where(Lesson.class_id == world["course"].id)).scalars().first()
    learner = make_learner(db, world["provider"])
    db.add(Attendance(learner_id=learner.id, lesson_id=lesson.id, status="present", minutes=180))
    db.commit()
    with pytest.raises(ClassError):
        move_lesson(db, lesson, date(2026, 1, 6), time(9), time(12))
    with pytest.raises(ClassError):
        cancel_lesson(db, lesson, "ziek")


def test_enrolments_refuse_overlap_a_full_class_and_ending_before_the_start(db, world) -> None:
    course = world["course"]
    course.max_size = 2
    db.commit()
    a, b, c = (make_learner(db, world["provider"]) for _ in range(3))
    enrolment = enrol(db, course, a, date(2026, 1, 5))
    db.commit()
    with pytest.raises(ClassError, match="already"):
        enrol(db, course, a, date(2026, 2, 1))
    enrol(db, course, b, date(2026, 1, 5))
    db.commit()
    with pytest.raises(ClassError, match="full"):
        enrol(db, course, c, date(2026, 1, 5))
    with pytest.raises(ClassError):
        end_enrolment(db, enrolment, date(2025, 12, 1))
    end_enrolment(db, enrolment, date(2026, 1, 31))
    db.commit()
    enrol(db, course, c, date(2026, 2, 1))  # a's place is free again from February
    db.commit()


FORM = {
    "name": "A2 avond",
    "level": "A2",
    "location": "Utrecht",
    "room": "",
    "start_date": "2026-01-05",
    "end_date": "2026-02-27",
    "max_size": "12",
}


def test_an_admin_creates_a_class_whose_lessons_follow_the_schedule(client, db, world) -> None:
    admin = make_user(db, world["provider"], role=Role.PROVIDER_ADMIN)
    login(client, admin.email)
    response = submit(
        client,
        "/classes/new",
        {**FORM, "teachers": [world["teacher"].id], "start_1": "18:30", "end_1": "21:00"},
    )
    assert response.status_code == 302, text(response)
    course = db.execute(sa.select(CourseClass).where(CourseClass.name == "A2 avond")).scalar_one()
    dates = _dates(db, course)
    assert len(dates) == 8 and all(d.weekday() == 1 for d in dates)
    page = text(client.get(response.headers["Location"]))
    assert "18:30–21:00" in page
    assert not course.ona and 'id="ona-class"' not in page


def test_an_admin_marks_a_class_as_ona_and_unmarks_it(client, db, world) -> None:
    login(client, make_user(db, world["provider"], role=Role.PROVIDER_ADMIN).email)
    form = {**FORM, "teachers": [world["teacher"].id], "start_1": "18:30", "end_1": "21:00"}
    response = submit(client, "/classes/new", {**form, "ona": "y"})
    course = db.execute(sa.select(CourseClass).where(CourseClass.name == "A2 avond")).scalar_one()
    assert course.ona
    assert 'id="ona-class"' in text(client.get(response.headers["Location"]))
    edit_page = f"/classes/{course.id}/edit"
    assert 'checked id="ona"' in text(client.get(edit_page))
    submit(client, edit_page, form)  # an unticked box is not sent
    db.refresh(course)
    assert not course.ona


@pytest.mark.parametrize(
    "extra,field",
    [
        ({"start_1": "18:30"}, "end_1"),
        ({"start_1": "21:00", "end_1": "18:30"}, "end_1"),
        ({}, "start_0"),
        ({"start_1": "18:30", "end_1": "21:00", "end_date": "2025-12-01"}, "end_date"),
    ],
)
def test_a_bad_schedule_is_reported_on_its_field_and_nothing_is_stored(
    client, db, world, extra, field
) -> None:
    login(client, make_user(db, world["provider"], role=Role.PROVIDER_ADMIN).email)
    response = submit(client, "/classes/new", {**FORM, "teachers": [world["teacher"].id], **extra})
    assert f'id="{field}-error"' in text(response)
    assert db.execute(sa.select(sa.func.count()).select_from(CourseClass)).scalar_one() == 1


def test_a_teacher_may_see_classes_but_not_create_them(client, db, world) -> None:
    login(client, world["teacher"].email)
    assert client.get("/classes/").status_code == 200
    assert client.get("/classes/new").status_code == 403
    assert client.get("/closures/").status_code == 200
    assert (
        submit(
            client, "/closures/", {"first_day": "2026-02-16", "last_day": "2026-02-20", "reason": "x"}
        ).status_code
        == 403
    )


def test_a_class_of_more_than_two_years_gets_a_dutch_field_error_and_no_lessons(client, db, world) -> None:
    login(client, make_user(db, world["provider"], role=Role.PROVIDER_ADMIN).email)
    form = {**FORM, "teachers": [world["teacher"].id], "start_1": "18:30", "end_1": "21:00",
            "start_date": "2026-01-01", "end_date": "2099-12-31"}
    response = submit(client, "/classes/new", form)
    page = text(response)
    assert 'id="end_date-error"' in page and "hoogstens 731 dagen (twee jaar)" in page
    assert db.execute(sa.select(sa.func.count()).select_from(CourseClass)).scalar_one() == 1
    lessons = db.execute(sa.select(sa.func.count()).select_from(Lesson)).scalar_one()
    assert lessons == len(_dates(db, world["course"]))


def test_the_class_service_refuses_more_than_two_years_and_never_generates_beyond_them(db, world) -> None:
    course = world["course"]
    data = ClassData(name="Lang", level="A2", location="Utrecht", room="", start_date=date(2026, 1, 5),
                     end_date=date(9999, 12, 31), max_size=12, teacher_ids=(world["teacher"].id,),
                     slots=(MONDAY,))
    with pytest.raises(ClassError) as refused:
        save_class(db, data)
    assert refused.value.field == "end_date"
    course.end_date = date(9999, 12, 31)  # a class stored before the bound: lessons stop after two years
    sync_lessons(db, course)
    assert max(_dates(db, course)) <= date(2028, 1, 6)


def test_a_closure_of_more_than_two_years_is_refused(db, world) -> None:
    with pytest.raises(ClassError) as refused:
        add_closure(db, world["provider"].id, date(2026, 1, 1), date(2099, 12, 31), "Te lang")
    assert refused.value.field == "last_day"
