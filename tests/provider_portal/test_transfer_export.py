"""Attendance exports per class and per learner over a period, as CSV and XLSX with totals."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlmodel import Session

from provider_portal.classes.service import cancel_lesson
from provider_portal.models import Attendance, Lesson
from provider_portal.models.enums import Role
from tests.factories import lesson_on, make_class, make_enrolment, make_learner, make_provider, make_user
from tests.pdfs import FORMULA_NAME
from tests.web import login

PERIOD = "since=2026-01-05&until=2026-01-12"  # Mon 5, Wed 7 and Mon 12 January (the 12th is cancelled)


def _mark(db: Session, lesson: Lesson, learner_id: int, status: str, minutes: int) -> None:
    db.add(Attendance(lesson_id=lesson.id, learner_id=learner_id, status=status, minutes=minutes))
    db.commit()


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    staff = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, name="NT2 ochtend", teachers=(staff,))
    amina, bilal = make_learner(db, provider, first_name="Amina", last_name="Haddad"), make_learner(
        db, provider, first_name="Bilal", last_name="Okafor")
    make_enrolment(db, course, amina)
    make_enrolment(db, course, bilal, from_date=date(2026, 1, 7))
    monday, wednesday = lesson_on(db, course, date(2026, 1, 5)), lesson_on(db, course, date(2026, 1, 7))
    _mark(db, monday, amina.id, "present", 180)
    _mark(db, wednesday, amina.id, "absent_notice", 0)
    _mark(db, wednesday, bilal.id, "late", 150)
    cancel_lesson(db, lesson_on(db, course, date(2026, 1, 12)), "Docent ziek")
    db.commit()  # the service leaves the commit to its caller
    return {"provider": provider, "staff": staff, "course": course, "amina": amina, "bilal": bilal}


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))


def test_a_class_export_lists_each_enrolled_learner_per_lesson_with_totals(client, world) -> None:
    login(client, world["staff"].email)
    rows = _csv(client.get(f"/transfer/classes/{world['course'].id}/attendance?{PERIOD}&format=csv"))
    assert rows[0] == ["datum", "begin", "eind", "duur_minuten", "klas", "cursist", "status", "minuten"]
    assert rows[1:6] == [
        ["2026-01-05", "09:00", "12:00", "180", "NT2 ochtend", "Amina Haddad", "present", "180"],
        ["2026-01-07", "09:00", "12:00", "180", "NT2 ochtend", "Amina Haddad", "absent_notice", "0"],
        ["2026-01-07", "09:00", "12:00", "180", "NT2 ochtend", "Bilal Okafor", "late", "150"],
        ["2026-01-12", "09:00", "12:00", "180", "NT2 ochtend", "Amina Haddad", "cancelled", "0"],
        ["2026-01-12", "09:00", "12:00", "180", "NT2 ochtend", "Bilal Okafor", "cancelled", "0"],
    ]
    assert rows[6:] == [
        ["totaal", "", "", "360", "", "Amina Haddad", "1/2", "180"],
        ["totaal", "", "", "180", "", "Bilal Okafor", "1/1", "150"],
        ["totaal", "", "", "360", "", "", "2", "330"],
    ]


def test_a_learner_export_is_an_xlsx_of_their_own_lessons_only(client, world) -> None:
    login(client, world["staff"].email)
    response = client.get(f"/transfer/learners/{world['bilal'].id}/attendance?{PERIOD}&format=xlsx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [r[0] for r in values[1:]] == [datetime(2026, 1, 7), datetime(2026, 1, 12), "totaal"]
    assert values[-1][3] == 180 and values[-1][7] == 150


def test_a_period_ending_before_it_starts_is_refused_with_a_field_error(client, world) -> None:
    login(client, world["staff"].email)
    response = client.get(f"/transfer/classes/{world['course'].id}/attendance?since=2026-02-01"
                          "&until=2026-01-01&format=csv")
    assert response.status_code == 422 and 'id="until-error"' in response.get_data(as_text=True)


def test_without_a_period_the_export_page_shows_the_form(client, world) -> None:
    login(client, world["staff"].email)
    response = client.get(f"/transfer/learners/{world['amina'].id}/attendance")
    assert response.status_code == 200 and 'name="since"' in response.get_data(as_text=True)


def test_provider_a_cannot_export_a_class_or_learner_of_provider_b(client, db, world) -> None:
    other = make_user(db, make_provider(db), role=Role.PROVIDER_ADMIN)
    login(client, other.email)
    for url in (f"/transfer/classes/{world['course'].id}/attendance",
                f"/transfer/learners/{world['amina'].id}/attendance"):
        assert client.get(f"{url}?{PERIOD}&format=csv").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_name_written_as_a_formula_is_exported_as_text(client, db, world, fmt: str) -> None:
    world["amina"].first_name, world["amina"].last_name = FORMULA_NAME, "-1"
    db.commit()
    login(client, world["staff"].email)
    response = client.get(f"/transfer/classes/{world['course'].id}/attendance?{PERIOD}&format={fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        names = [row[5] for row in _csv(response)[1:]]
        assert f"'{FORMULA_NAME} -1" in names
        return
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [row[5] for row in sheet.iter_rows(min_row=2)]
    named = [c for c in cells if c.value == f"{FORMULA_NAME} -1"]
    assert named and all(c.data_type == "s" for c in named)
    assert all(isinstance(row[3].value, int) for row in sheet.iter_rows(min_row=2))  # numbers stay numbers


def test_an_export_period_of_more_than_two_years_is_refused_with_a_field_error(client, world) -> None:
    login(client, world["staff"].email)
    response = client.get(f"/transfer/classes/{world['course'].id}/attendance?since=2026-01-01"
                          "&until=2099-12-31&format=csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="until-error"' in page and "731" in page
