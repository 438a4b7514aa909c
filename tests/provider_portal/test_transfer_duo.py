"""DUO's monthly contract-data CSV: its name, its columns, only hours at school, and refusals."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Attendance, Lesson
from provider_portal.models.enums import LessonStatus, Role
from provider_portal.transfer.duo import course_type, duo_filename
from tests.factories import make_class, make_contract, make_enrolment, make_learner, make_provider, make_user
from tests.web import login, text


def _lessons(db: Session, class_id: int) -> list[Lesson]:
    stmt = sa.select(Lesson).where(Lesson.class_id == class_id).order_by(Lesson.lesson_date)
    return list(db.execute(stmt).scalars())


def _mark(db: Session, lesson: Lesson, learner_id: int, status: str, minutes: int) -> None:
    db.add(Attendance(lesson_id=lesson.id, learner_id=learner_id, status=status, minutes=minutes))
    db.commit()


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db, bow_number="BOW-12345")
    finance = make_user(db, provider, role=Role.FINANCE)
    amina = make_learner(db, provider, bsn="111222333", route="B1")
    contract = make_contract(db, amina, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31),
                             purchased_hours=600)
    course = make_class(db, provider, level="alfa")
    make_enrolment(db, course, amina)
    first, second, third = _lessons(db, course.id)[:3]
    _mark(db, first, amina.id, "present", 180)
    _mark(db, second, amina.id, "left_early", 95)
    _mark(db, third, amina.id, "absent_notice", 0)
    third_late = _lessons(db, course.id)[3]
    _mark(db, third_late, amina.id, "present", 180)
    third_late.status = LessonStatus.CANCELLED  # did not take place: its minutes are not hours at school
    db.commit()
    return {"provider": provider, "finance": finance, "amina": amina, "contract": contract}


def test_the_file_is_named_after_the_bow_number_and_lists_each_contract(client, world, frozen_now) -> None:
    frozen_now(datetime(2026, 4, 2, 0, 30))  # just after midnight in Amsterdam: still 1 April in UTC
    login(client, world["finance"].email)
    response = client.get("/transfer/duo?month=2026-03")
    assert response.status_code == 200, text(response)
    expected = duo_filename("BOW-12345", date(2026, 4, 2))
    assert expected == "BOW-12345Aanlevering20260402.csv"
    assert f"filename={expected}" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8")), delimiter=";"))
    assert rows == [
        ["bsn", "cursustype", "begindatum_contract", "einddatum_contract", "ingekochte_uren",
         "gevolgde_uren", "ona_uren"],
        ["111222333", "alfabetisering", "2026-01-01", "2026-12-31", "600", "4.58", "0.00"],
    ]


def test_hours_in_an_ona_class_are_ona_hours_and_still_attended_hours(client, db, world) -> None:
    ona = make_class(db, world["provider"], level="B1", ona=True)
    make_enrolment(db, ona, world["amina"])
    first, second, third = _lessons(db, ona.id)[:3]
    _mark(db, first, world["amina"].id, "present", 180)
    _mark(db, second, world["amina"].id, "late", 150)
    _mark(db, third, world["amina"].id, "absent", 0)
    login(client, world["finance"].email)
    rows = list(csv.reader(io.StringIO(client.get("/transfer/duo?month=2026-03").data.decode("utf-8")),
                           delimiter=";"))
    assert rows[0][-1] == "ona_uren"
    # 4.58 h in the alfa class plus 5.50 h in the ONA class, of which the ONA hours are 5.50
    assert rows[1][5:] == ["10.08", "5.50"]


def test_contracts_outside_the_reporting_month_and_of_other_providers_are_left_out(client, db, world) -> None:
    other = make_learner(db, make_provider(db), bsn="222222220")
    make_contract(db, other, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    old = make_learner(db, world["provider"], bsn="333333330")
    make_contract(db, old, start_date=date(2024, 1, 1), end_date=date(2025, 6, 30))
    login(client, world["finance"].email)
    body = client.get("/transfer/duo?month=2026-03").data.decode("utf-8")
    assert "111222333" in body and "222222220" not in body and "333333330" not in body


def test_a_learner_without_bsn_is_named_and_no_file_is_produced(client, db, world) -> None:
    nameless = make_learner(db, world["provider"], bsn="", first_name="Zonder", last_name="Nummer")
    make_contract(db, nameless, start_date=date(2026, 1, 1))
    login(client, world["finance"].email)
    response = client.get("/transfer/duo?month=2026-03")
    assert response.status_code == 422 and "Content-Disposition" not in response.headers
    assert 'id="duo-problems"' in text(response) and "Zonder Nummer" in text(response)


def test_a_contract_without_hours_is_named_and_no_file_is_produced(client, db, world) -> None:
    make_contract(db, world["amina"], number="C-LEEG", start_date=date(2026, 2, 1), purchased_hours=0)
    login(client, world["finance"].email)
    response = client.get("/transfer/duo?month=2026-03")
    assert response.status_code == 422 and "C-LEEG" in text(response)


def test_a_teacher_may_not_download_the_duo_file(client, db, world) -> None:
    teacher = make_user(db, world["provider"], role=Role.TEACHER)
    login(client, teacher.email)
    assert client.get("/transfer/duo?month=2026-03").status_code == 403


def test_the_course_type_follows_the_class_level_then_the_route() -> None:
    assert course_type("B1", ("A2", "alfa")) == "alfabetisering"
    assert course_type("onderwijs", ("B1",)) == "NT2"
    assert course_type("B1", ("B2",)) == "NT2"
    assert course_type("Z", ("A1",)) == "inburgering"
