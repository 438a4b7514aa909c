"""Attendance over time: a class's grid of learners by lessons, a learner's report, exports, access."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import Session

from provider_portal.attendance.report import PeriodError, resolve_period
from provider_portal.clock import AMSTERDAM
from provider_portal.models import Attendance, Lesson
from provider_portal.models.enums import Role
from tests.factories import make_class, make_enrolment, make_learner, make_provider, make_user
from tests.web import login, text

NOW = datetime(2026, 2, 27, 18, 0, tzinfo=AMSTERDAM)  # a Friday; the class runs Mon+Wed from 5 January


def _lessons(db: Session, course) -> list[Lesson]:
    return list(db.execute(sa.select(Lesson).where(Lesson.class_id == course.id)
                           .order_by(Lesson.lesson_date)).scalars())


def _mark(db: Session, lesson: Lesson, learner, status: str, minutes: int) -> None:
    db.add(Attendance(learner_id=learner.id, lesson_id=lesson.id, status=status, minutes=minutes))
    db.commit()


@pytest.fixture()
def world(db: Session, frozen_now) -> dict:
    frozen_now(NOW)
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    other_teacher = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, teachers=(teacher,))
    other = make_class(db, provider, teachers=(other_teacher,))
    amina = make_learner(db, provider, first_name="Amina", last_name="Aziz", route="Z")
    bilal = make_learner(db, provider, first_name="Bilal", last_name="Bakr")
    stranger = make_learner(db, provider, first_name="Stijn", last_name="Vreemd")
    make_enrolment(db, course, amina)
    make_enrolment(db, course, bilal, from_date=date(2026, 2, 16))  # joined later
    make_enrolment(db, other, stranger)
    lessons = [x for x in _lessons(db, course) if x.lesson_date >= date(2026, 2, 2)]
    # 2, 4, 9, 11, 16, 18, 23, 25 Feb held before NOW; March lessons are in the future.
    feb = [x for x in lessons if x.lesson_date.month == 2]
    assert len(feb) == 8
    statuses = ["present", "late", "absent", "absent_notice", "present", "left_early", "present"]
    for lesson, status in zip(feb, statuses, strict=False):  # 25 Feb stays unmarked
        _mark(db, lesson, amina, status, {"present": 180, "late": 150, "left_early": 120}.get(status, 0))
    _mark(db, feb[4], bilal, "present", 180)  # 16 Feb
    learner_user = make_user(db, provider, role=Role.LEARNER, learner_id=amina.id)
    return {"provider": provider, "teacher": teacher, "other_teacher": other_teacher, "course": course,
            "other": other, "amina": amina, "bilal": bilal, "stranger": stranger, "feb": feb,
            "learner_user": learner_user, "admin": make_user(db, provider)}


def _row(page: str, name: str) -> str:
    start = page.index(name)
    return page[start:page.index("</tr>", start)]


def test_period_presets_and_bounds() -> None:
    today = date(2026, 2, 27)
    default = resolve_period({}, today, date(2026, 1, 5), date(2026, 3, 27))
    assert (default.first, default.last, default.preset) == (date(2026, 1, 3), today, "8w")
    assert resolve_period({"period": "month"}, today, today, today).first == date(2026, 2, 1)
    assert resolve_period({"period": "quarter"}, today, today, today).first == date(2026, 1, 1)
    everything = resolve_period({"period": "all"}, today, date(2026, 1, 5), date(2026, 3, 27))
    assert everything.first == date(2026, 1, 5)
    with pytest.raises(PeriodError) as too_long:
        resolve_period({"since": "2020-01-01", "until": "2026-01-01"}, today, today, today)
    assert too_long.value.field == "until"
    with pytest.raises(PeriodError):
        resolve_period({"since": "2026-02-10", "until": "2026-02-01"}, today, today, today)
    with pytest.raises(PeriodError) as bad:
        resolve_period({"since": "gisteren"}, today, today, today)
    assert bad.value.field == "since"


def test_the_grid_shows_a_letter_and_a_label_per_cell_and_totals(client, world) -> None:
    login(client, world["teacher"].email)
    url = f"/classes/{world['course'].id}/attendance-report"
    response = client.get(url + "?since=2026-02-01&until=2026-02-28")
    assert response.status_code == 200
    page = text(response)
    amina = _row(page, "Aziz, Amina")
    # 8 lessons held: present x3, late, left early attended (5); absent, notice, unmarked not.
    assert amina.count('class="att att-present"') == 3 and 'att-late' in amina and "att-unmarked" in amina
    assert "Aanwezig" in amina  # the accessible label beside the colour (default locale Dutch)
    cells = [c for c in amina.split('<td class="num total')[1:]]
    assert [c.split(">", 1)[1].split("<", 1)[0] for c in cells] == ["62 %", "13,5", "3", "1", "1", "1", "1"]
    bilal = _row(page, "Bakr, Bilal")
    assert bilal.count("att-not_enrolled") == 4  # before joining: never absent
    assert bilal.split('rate">')[1].startswith("25 %")  # 1 of 4 held while enrolled
    assert "Vreemd" not in page
    assert "2/2" in page and "1/1" in page  # per-lesson totals: attended / counted


def test_the_period_filter_and_a_bad_period(client, world) -> None:
    login(client, world["admin"].email)
    url = f"/classes/{world['course'].id}/attendance-report"
    page = text(client.get(url + "?since=2026-02-09&until=2026-02-12"))
    assert _row(page, "Aziz, Amina").count('class="att-cell"') == 2 and "Bakr" not in page
    bad = client.get(url + "?since=2020-01-01&until=2026-02-01")
    assert bad.status_code == 400 and "731" in text(bad) and "Tot" in text(bad)


def test_exports_hold_the_same_figures(client, world) -> None:
    login(client, world["teacher"].email)
    url = f"/classes/{world['course'].id}/attendance-report?since=2026-02-01&until=2026-02-28"
    response = client.get(url + "&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "20260201-20260228.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert rows[0][0] == "Inburgeraar" and rows[0][1] == "2026-02-02 09:00"
    amina = next(r for r in rows if r[0] == "Aziz, Amina")
    assert amina[1:3] == ["Aanwezig", "Te laat"] and amina[-1] == "62 %"
    book = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").data))
    sheet = [[c.value for c in r] for r in book.active.iter_rows()]
    assert ["Aziz, Amina", "Aanwezig"] == sheet[[r[0] for r in sheet].index("Aziz, Amina")][:2]
    assert client.get(url + "&format=pdf").status_code == 400


def test_a_teacher_sees_only_their_classes_and_learners(app, client, world) -> None:
    login(client, world["teacher"].email)
    assert client.get(f"/classes/{world['other'].id}/attendance-report").status_code == 403
    assert client.get(f"/learners/{world['stranger'].id}/attendance-report").status_code == 404
    client = app.test_client()
    login(client, world["other_teacher"].email)
    assert client.get(f"/classes/{world['course'].id}/attendance-report").status_code == 403
    assert client.get(f"/learners/{world['amina'].id}/attendance-report").status_code == 404


def test_the_learner_report_hours_per_month_against_the_route_target(client, world) -> None:
    login(client, world["teacher"].email)
    page = text(client.get(f"/learners/{world['amina'].id}/attendance-report?period=all"))
    assert "800 uur les" in page  # the Z route's lesson target
    months = page[page.index('id="months"'):]
    assert "februari 2026" in months and "13,5" in months
    assert 'class="chart"' in page  # the chart of charts.py
    lessons = page[page.index('id="report-lessons"'):]
    assert lessons.count("<tr>") == 1 + 16  # head + every lesson held since 5 January (none in March yet)
    assert lessons.count("att-unmarked") == 8 + 1  # January was never marked, nor was 25 February
    assert "Afwezig met bericht" in lessons


def test_a_learner_sees_their_own_report_on_me_only(client, world) -> None:
    login(client, world["learner_user"].email)
    page = text(client.get("/me/attendance?since=2026-02-01&until=2026-02-28"))
    assert "Amina Aziz" in page and 'id="report-rate"' in page
    assert client.get("/me/attendance?format=csv&since=2026-02-01&until=2026-02-28").status_code == 200
    assert client.get(f"/learners/{world['amina'].id}/attendance-report").status_code == 403
    assert client.get(f"/classes/{world['course'].id}/attendance-report").status_code == 403
