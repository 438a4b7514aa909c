"""Input the database cannot hold gets a clear 4xx naming what is wrong, never a 500 (issue 16, item 14)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session

from provider_portal.models import Contract, CourseClass, Learner, Lesson
from provider_portal.models.enums import Role
from tests.factories import (
    PASSWORD,
    count_rows,
    make_class,
    make_contract,
    make_enrolment,
    make_learner,
    make_provider,
    make_user,
)
from tests.web import csrf_token, login, submit, text

HUGE_IDS = (2**31, 2**63)
LEARNER = {
    "bsn": "111222333", "first_name": "Semere", "last_name": "Tesfay", "date_of_birth": "1992-04-03",
    "migrant_type": "asiel", "route": "B1", "municipality": "Utrecht", "postcode": "3511 ab",
    "languages": ["ti"], "duo_term_start": "2025-02-01", "duo_term_end": "", "duo_term_extended_until": "",
    "loan_amount": "10000.00",
}
CONTRACT = {"number": "2026-0042", "start_date": "2026-01-01", "end_date": "2026-12-31",
            "purchased_hours": "600", "hourly_rate": "14.50", "total_price": ""}
CLASS = {"name": "A2 avond", "level": "A2", "location": "Utrecht", "room": "", "start_date": "2026-01-05",
         "end_date": "2026-02-27", "max_size": "12", "start_1": "18:30", "end_1": "21:00"}


@pytest.fixture()
def world(db: Session) -> dict:
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    learner = make_learner(db, provider)
    contract = make_contract(db, learner)
    course = make_class(db, provider, teachers=(teacher,))
    make_enrolment(db, course, learner)
    lesson = db.execute(sa.select(Lesson).where(Lesson.class_id == course.id)).scalars().first()
    return {"provider": provider, "teacher": teacher, "learner": learner, "contract": contract,
            "course": course, "lesson": lesson}


def _user(db: Session, world: dict, role: Role):  # type: ignore[no-untyped-def]
    provider = world["provider"] if role not in (Role.PLANNER, Role.PLATFORM_ADMIN) else None
    return make_user(db, provider, role=role, municipalities=("Utrecht",) if role == Role.PLANNER else (),
                     learner_id=world["learner"].id if role == Role.LEARNER else None)


def _int_urls(app: Flask, ident: int) -> list[tuple[str, str]]:
    """Every rule with an integer argument, filled with `ident` (other arguments get a plain value)."""
    from flask import url_for
    from werkzeug.routing.converters import NumberConverter

    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            converters = rule._converters  # noqa: SLF001 - which arguments are numbers
            if not any(isinstance(c, NumberConverter) for c in converters.values()):
                continue
            values = {arg: ident if isinstance(converters[arg], NumberConverter) else
                      "csv" if arg == "fmt" else "2027-01-12" for arg in rule.arguments}
            method = "GET" if "GET" in rule.methods else "POST"  # type: ignore[operator]
            urls.append((url_for(rule.endpoint, **values), method))
    return urls


@pytest.mark.parametrize("ident", HUGE_IDS)
@pytest.mark.parametrize("role", [Role.PROVIDER_ADMIN, Role.FINANCE, Role.PLANNER, Role.PLATFORM_ADMIN])
def test_an_id_beyond_the_integer_range_in_any_url_is_a_404(app, db, world, role, ident) -> None:
    client = app.test_client()
    login(client, _user(db, world, role).email)
    urls = _int_urls(app, ident)
    assert len(urls) > 40
    for url, method in urls:
        response = client.open(url, method=method)
        assert response.status_code in (400, 403, 404, 405), f"{method} {url}: {response.status_code}"


@pytest.mark.parametrize("ident", HUGE_IDS)
def test_a_lesson_id_beyond_the_integer_range_in_a_query_is_a_404(client, db, world, ident) -> None:
    login(client, _user(db, world, Role.LEARNER).email)
    assert client.get(f"/me/confirm?lesson={ident}").status_code == 404


@pytest.mark.parametrize("field", ["bsn", "first_name", "last_name", "postcode", "date_of_birth"])
def test_a_nul_byte_in_a_learner_field_is_a_400_naming_it_and_nothing_is_stored(client, db, world, field):
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    before = count_rows(db, Learner)
    response = submit(client, "/learners/new", {**LEARNER, field: LEARNER[field][:3] + "\x00" + "x"})
    assert response.status_code == 400 and field in text(response)
    assert count_rows(db, Learner) == before


@pytest.mark.parametrize("field", ["number", "hourly_rate", "start_date"])
def test_a_nul_byte_in_a_contract_field_is_a_400_and_nothing_is_stored(client, db, world, field) -> None:
    login(client, _user(db, world, Role.FINANCE).email)
    page = f"/learners/{world['learner'].id}/contracts/new"
    response = submit(client, page, {**CONTRACT, field: "\x00" + CONTRACT[field]})
    assert response.status_code == 400 and field in text(response)
    assert count_rows(db, Contract) == 1


@pytest.mark.parametrize("field", ["name", "location", "room"])
def test_a_nul_byte_in_a_class_field_is_a_400_and_nothing_is_stored(client, db, world, field) -> None:
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    response = submit(client, "/classes/new", {**CLASS, "teachers": [world["teacher"].id],
                                               field: "A\x00B"})
    assert response.status_code == 400 and field in text(response)
    assert count_rows(db, CourseClass) == 1


def test_a_nul_byte_in_a_search_or_a_field_name_is_a_400(client, db, world) -> None:
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    assert client.get("/learners/?q=Am%00ina").status_code == 400
    token = csrf_token(client, "/learners/new")
    response = client.post("/learners/new", data={**LEARNER, "csrf_token": token, "x\x00": "1"})
    assert response.status_code == 400


def test_the_error_page_after_a_failed_statement_rolls_back_and_renders(app, db, world) -> None:
    from provider_portal.access import public
    from provider_portal.db import get_session

    @app.route("/fails-in-the-database")
    @public
    def fails() -> str:
        session = get_session()
        session.add(Learner(provider_id=world["provider"].id, bsn=world["learner"].bsn, first_name="Dubbel",
                            last_name="Bsn", migrant_type="asiel", route="B1", municipality="Utrecht",
                            postcode="3511AB"))
        session.flush()
        return "stored"

    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    user = _user(db, world, Role.PROVIDER_ADMIN)
    login(client, user.email)
    response = client.get("/fails-in-the-database")
    assert response.status_code == 500 and user.name in text(response)  # the page rendered, logged in


@pytest.mark.parametrize("target", ["/learners/\r\nSet-Cookie: x=1", "/learners/%0d%0aX: 1", "/\nx", "/a\tb"])
def test_a_next_with_cr_lf_or_other_control_characters_is_ignored(client, db, world, target: str) -> None:
    from urllib.parse import quote

    user = _user(db, world, Role.PROVIDER_ADMIN)
    token = csrf_token(client, "/login")
    response = client.post(f"/login?next={quote(target, safe='/%')}",
                           data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "\r" not in location and "\n" not in location and "x=1" not in str(response.headers)
    assert location in ("/dashboard", target)


def _cohort_form(trainer_id: int, **over: str) -> dict:
    return {"module": "KNM", "name": "KNM Tigrinya", "municipality": "Utrecht", "venue": "Bibliotheek",
            "language": "ti", "trainer_id": trainer_id, "min_size": "1", "max_size": "12", "cost": "300",
            "first_day": "2027-01-06", "meetings": "3", "start_time": "13:00", "end_time": "15:00", **over}


@pytest.mark.parametrize("cost", ["1e309", "99999999999", "Infinity", "-inf", "NaN", "sNaN"])
def test_a_cohort_cost_out_of_range_or_not_a_number_is_a_field_error(client, db, world, cost: str) -> None:
    from provider_portal.models import Cohort
    from provider_portal.planning.cohorts import add_trainer

    trainer = add_trainer(db, "Utrecht", "Fatima Trainer", "fatima@utrecht.nl")
    db.commit()
    login(client, _user(db, world, Role.PLANNER).email)
    response = submit(client, "/planning/cohorts/new", _cohort_form(trainer.id, cost=cost))
    assert response.status_code in (200, 400, 422) and 'id="cost-error"' in text(response)
    assert count_rows(db, Cohort) == 0


@pytest.mark.parametrize("field,value", [("hourly_rate", "sNaN"), ("hourly_rate", "1e309"),
                                         ("total_price", "sNaN"), ("total_price", "-Infinity")])
def test_a_contract_amount_that_is_not_a_finite_number_is_a_field_error(client, db, world, field, value):
    login(client, _user(db, world, Role.FINANCE).email)
    response = submit(client, f"/learners/{world['learner'].id}/contracts/new", {**CONTRACT, field: value})
    assert f'id="{field}-error"' in text(response) and response.status_code < 500
    assert count_rows(db, Contract) == 1


def test_a_loan_that_is_not_a_number_is_a_field_error(client, db, world) -> None:
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    response = submit(client, "/learners/new", {**LEARNER, "loan_amount": "sNaN"})
    assert 'id="loan_amount-error"' in text(response) and response.status_code < 500
    assert count_rows(db, Learner) == 1


@pytest.mark.parametrize("field",
                         ["date_of_birth", "duo_term_start", "duo_term_end", "duo_term_extended_until"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_a_learner_date_outside_1900_to_2100_is_a_field_error(client, db, world, field, value) -> None:
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    response = submit(client, "/learners/new", {**LEARNER, field: value})
    assert response.status_code < 500 and f'id="{field}-error"' in text(response)
    assert "1900" in text(response) and count_rows(db, Learner) == 1


@pytest.mark.parametrize("field", ["start_date", "end_date"])
def test_a_class_date_in_year_9999_is_a_field_error(client, db, world, field) -> None:
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    response = submit(client, "/classes/new", {**CLASS, "teachers": [world["teacher"].id],
                                               "start_date": "9998-12-01", field: "9999-12-31"})
    assert response.status_code < 500 and f'id="{field}-error"' in text(response)
    assert count_rows(db, CourseClass) == 1


@pytest.mark.parametrize("query", ["since=2026-01-01&until=9999-12-31", "since=9999-12-30&until=9999-12-31"])
def test_an_export_period_in_year_9999_is_a_field_error(client, db, world, query: str) -> None:
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    response = client.get(f"/transfer/classes/{world['course'].id}/attendance?{query}&format=csv")
    assert response.status_code == 422 and "1900" in text(response)


def test_a_duo_month_in_year_9999_is_a_field_error(client, db, world) -> None:
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    response = client.get("/transfer/duo?month=9999-12")
    assert response.status_code < 500 and "1900" in text(response)


HEADER = ("bsn;voornaam;achternaam;geboortedatum;migrant_type;route;gemeente;postcode;talen;"
          "begin_termijn;lening")
ROW = "111222333;Helen;Berhane;12-09-1994;asiel;Z;Utrecht;3512 JK;ti;2025-06-01;10000"


def _upload(client, body: bytes):  # type: ignore[no-untyped-def]
    from io import BytesIO

    return submit(client, "/transfer/import", {"kind": "learners", "file": (BytesIO(body), "import.csv")},
                  content_type="multipart/form-data")


@pytest.mark.parametrize("body", [
    f"{HEADER}\n{ROW}\n".encode("utf-16"),  # with a BOM
    f"{HEADER}\n{ROW}\n".encode("utf-16-le"),  # without: NUL bytes
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    f"{HEADER}\n{ROW.replace('Helen', 'Hélène')}\n".encode("cp1252"),
], ids=["utf16-bom", "utf16-le", "binary", "cp1252"])
def test_a_csv_upload_that_is_not_utf8_is_a_clear_error_and_nothing_is_stored(client, db, world, body):
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    response = _upload(client, body)
    assert response.status_code == 422 and "UTF-8" in text(response)
    assert count_rows(db, Learner) == 1


@pytest.mark.parametrize("length", [10_001, 131_073])
def test_a_csv_cell_over_the_limit_is_an_error_naming_row_and_column(client, db, world, length: int) -> None:
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    body = f"{HEADER}\n{ROW}\n{ROW.replace('Helen', 'x' * length)}\n".encode()
    response = _upload(client, body)
    page = text(response)
    assert response.status_code == 422 and "Rij 3, kolom voornaam" in page and "10000" in page
    assert count_rows(db, Learner) == 1


@pytest.mark.parametrize("body", [
    "factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\n".encode("utf-16-le"),
    b"\x00\x01\x02binary",
    ("factuurnummer;bsn;status;statusdatum;betaald_bedrag;reden\n2026-00001;111222333;BETAALD;2026-05-01;1;"
     + "x" * 131_073 + "\n").encode(),
], ids=["utf16-le", "binary", "long-cell"])
def test_a_duo_status_file_that_is_not_utf8_or_has_a_huge_cell_is_a_row_error(client, db, world, body):
    from io import BytesIO

    login(client, _user(db, world, Role.FINANCE).email)
    token = csrf_token(client, "/invoicing/duo-import")
    data = {"csrf_token": token, "kind": "status", "file": (BytesIO(body), "status.csv")}
    response = client.post("/invoicing/duo-import", content_type="multipart/form-data", data=data)
    page = text(response)
    assert response.status_code == 400 and 'id="import-errors"' in page
    assert "tekst" in page or "rij 2, kolom reden: een cel is langer dan 10000 tekens" in page


@pytest.mark.parametrize("value", ["١٢", "99999999999999999999", "-99999999999999999999", "²"])
def test_an_integer_field_takes_only_ascii_digits_within_the_column_range(client, db, world, value) -> None:
    login(client, _user(db, world, Role.PROVIDER_ADMIN).email)
    response = submit(client, "/classes/new", {**CLASS, "teachers": [world["teacher"].id], "max_size": value})
    assert response.status_code < 500 and 'id="max_size-error"' in text(response)
    assert count_rows(db, CourseClass) == 1


def test_no_form_uses_wtforms_own_unbounded_date_number_or_money_fields() -> None:
    import ast
    from pathlib import Path

    unbounded = {"DateField", "MonthField", "DecimalField", "IntegerField", "FloatField", "DateTimeField"}
    found = []
    for path in (Path(__file__).resolve().parents[2] / "provider_portal").rglob("*.py"):
        if path.name == "forms_common.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wtforms"):
                found += [f"{path.name}: {alias.name}" for alias in node.names if alias.name in unbounded]
    assert found == []  # use provider_portal.forms_common's DateField, MonthField, IntegerField, MoneyField
