"""Importing learners, contracts and enrolments through the upload page: all rows or none."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Contract, Enrolment, Learner, LearnerLanguage, LearnerModule
from provider_portal.models.enums import Role
from tests.factories import make_class, make_learner, make_provider, make_user
from tests.web import login, submit, text

LEARNER_HEADER = ("bsn;voornaam;achternaam;geboortedatum;migrant_type;route;gemeente;postcode;talen;"
                  "begin_termijn;lening")


def _learner_row(bsn: str, first: str = "Helen") -> str:
    return f"{bsn};{first};Berhane;12-09-1994;asiel;Z;Utrecht;3512 JK;ti,ar;2025-06-01;10000"


def _upload(client, kind: str, *lines: str, name: str = "import.csv"):
    body = ("\n".join(lines) + "\n").encode("utf-8")
    return submit(client, "/transfer/import", {"kind": kind, "file": (io.BytesIO(body), name)},
                  content_type="multipart/form-data")


def _count(db: Session, model: type) -> int:
    db.expire_all()
    return db.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


@pytest.fixture()
def admin(client, db: Session):
    provider = make_provider(db)
    user = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    login(client, user.email)
    return provider


def test_a_clean_learner_file_stores_every_learner_with_languages_and_modules(client, db, admin) -> None:
    response = _upload(client, "learners", LEARNER_HEADER, _learner_row("111222333"),
                       _learner_row("222222220", "Sami"))
    assert response.status_code == 302 and response.headers["Location"].endswith("/learners/")
    learners = db.execute(sa.select(Learner).order_by(Learner.bsn)).scalars().all()
    assert [(x.bsn, x.first_name, x.provider_id, x.route) for x in learners] == [
        ("111222333", "Helen", admin.id, "Z"), ("222222220", "Sami", admin.id, "Z")]
    assert _count(db, LearnerLanguage) == 4
    assert _count(db, LearnerModule) == 6  # Z-route: KNM, PVT, MAP each


def test_one_bad_row_reports_every_problem_and_stores_no_learner(client, db, admin) -> None:
    response = _upload(client, "learners", LEARNER_HEADER, _learner_row("111222333"),
                       _learner_row("123456789"), _learner_row("111222333", "Twice"))
    page = text(response)
    assert response.status_code == 422
    assert 'data-row="3" data-column="bsn"' in page and 'data-row="4" data-column="bsn"' in page
    assert _count(db, Learner) == 0 and _count(db, LearnerLanguage) == 0


def test_a_bsn_the_provider_already_holds_is_a_row_error(client, db, admin) -> None:
    make_learner(db, admin, bsn="111222333")
    response = _upload(client, "learners", LEARNER_HEADER, _learner_row("222222220"),
                       _learner_row("111222333"))
    assert response.status_code == 422 and 'data-row="3" data-column="bsn"' in text(response)
    assert _count(db, Learner) == 1


def test_a_bsn_held_by_another_provider_does_not_block_the_import(client, db, admin) -> None:
    make_learner(db, make_provider(db), bsn="111222333")
    assert _upload(client, "learners", LEARNER_HEADER, _learner_row("111222333")).status_code == 302
    assert _count(db, Learner) == 2


def test_contracts_are_imported_for_learners_found_by_bsn(client, db, admin) -> None:
    learner = make_learner(db, admin, bsn="111222333")
    header = "BSN;Contractnummer;Begindatum;Einddatum;Ingekochte uren;Uurtarief"
    response = _upload(client, "contracts", header,
                       "111222333;2026-0100;01-01-2026;31-12-2026;600;14,50")
    assert response.status_code == 302
    contract = db.execute(sa.select(Contract)).scalar_one()
    assert (contract.learner_id, contract.number, contract.purchased_hours) == (learner.id, "2026-0100", 600)
    assert (contract.hourly_rate_cents, contract.total_price_cents) == (1450, 870000)


def test_a_contract_for_an_unknown_bsn_stores_no_contract_at_all(client, db, admin) -> None:
    make_learner(db, admin, bsn="111222333")
    response = _upload(client, "contracts", "bsn;number;start_date;end_date;purchased_hours;hourly_rate",
                       "111222333;2026-0100;2026-01-01;2026-12-31;600;14.50",
                       "222222220;2026-0101;2026-01-01;2026-12-31;600;14.50")
    assert response.status_code == 422 and 'data-row="3" data-column="bsn"' in text(response)
    assert _count(db, Contract) == 0


def test_enrolments_find_learner_by_bsn_and_class_by_name(client, db, admin) -> None:
    learner = make_learner(db, admin, bsn="111222333")
    course = make_class(db, admin, name="Alfa ochtend")
    response = _upload(client, "enrolments", "bsn;klas;vanaf", "111222333;alfa ochtend;2026-02-02")
    assert response.status_code == 302
    enrolment = db.execute(sa.select(Enrolment)).scalar_one()
    assert (enrolment.learner_id, enrolment.class_id, enrolment.from_date) == (learner.id, course.id,
                                                                               date(2026, 2, 2))


def test_the_class_rules_refuse_a_full_class_and_then_nothing_is_enrolled(client, db, admin) -> None:
    make_learner(db, admin, bsn="111222333")
    make_learner(db, admin, bsn="222222220")
    make_class(db, admin, name="Klein", max_size=1)
    response = _upload(client, "enrolments", "bsn;klas", "111222333;Klein", "222222220;Klein")
    assert response.status_code == 422 and 'data-row="3" data-column="klas"' in text(response)
    assert _count(db, Enrolment) == 0


def test_an_xlsx_upload_is_imported_like_a_csv(client, db, admin) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(LEARNER_HEADER.split(";"))
    book.active.append(_learner_row("111222333").split(";"))
    out = io.BytesIO()
    book.save(out)
    response = submit(client, "/transfer/import",
                      {"kind": "learners", "file": (io.BytesIO(out.getvalue()), "learners.xlsx")},
                      content_type="multipart/form-data")
    assert response.status_code == 302 and _count(db, Learner) == 1


def test_a_teacher_may_not_import(client, db) -> None:
    teacher = make_user(db, make_provider(db), role=Role.TEACHER)
    login(client, teacher.email)
    assert client.get("/transfer/import").status_code == 403


def test_a_file_of_another_type_is_refused_on_the_file_field(client, db, admin) -> None:
    response = _upload(client, "learners", LEARNER_HEADER, _learner_row("111222333"), name="learners.pdf")
    assert response.status_code == 200 and 'id="file-error"' in text(response)
    assert _count(db, Learner) == 0


def test_an_unreadable_workbook_is_reported_as_a_whole_and_stores_nothing(client, db, admin) -> None:
    response = _upload(client, "learners", "not a zip archive", name="learners.xlsx")
    assert response.status_code == 422 and 'id="import-problem"' in text(response)
    assert _count(db, Learner) == 0


def _xlsx(*rows: list[str]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("name", ["learners.csv", "learners.xlsx"])
def test_a_file_with_one_row_over_the_limit_is_refused_naming_the_limit_and_stores_nothing(
    client, db, admin, monkeypatch, name
) -> None:
    from provider_portal.transfer import tables

    monkeypatch.setattr(tables, "MAX_ROWS", 50)
    rows = [LEARNER_HEADER.split(";")] + [_learner_row("111222333").split(";")] * 51
    body = _xlsx(*rows) if name.endswith("xlsx") else "\n".join(";".join(r) for r in rows).encode()
    response = submit(client, "/transfer/import", {"kind": "learners", "file": (io.BytesIO(body), name)},
                      content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Het bestand heeft meer dan 50 rijen; splits het op." in text(response)
    assert _count(db, Learner) == 0


def _bsns(count: int) -> list[str]:
    """Distinct BSNs passing the elfproef (weights 9..2 and -1)."""
    found: list[str] = []
    for n in range(10_000_000, 20_000_000):
        digits = [int(d) for d in f"{n:08d}"]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if check < 10:
            found.append(f"{n:08d}{check}")
        if len(found) == count:
            return found
    raise AssertionError("not enough BSNs")


def test_a_learner_import_stores_its_rows_in_a_few_batched_statements_not_per_row(
    client, db, engine, admin
) -> None:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    rows = [_learner_row(bsn) for bsn in _bsns(120)]
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        response = _upload(client, "learners", LEARNER_HEADER, *rows)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 302 and _count(db, Learner) == 120
    assert _count(db, LearnerLanguage) == 240 and _count(db, LearnerModule) == 120 * 3  # Z: KNM, PVT, MAP
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
    # SQLite inserts a learner per statement (no ordered RETURNING batch); the rest goes in batches.
    # Before: a flush, a delete and two selects for every row, about six statements a row.
    assert len(inserts) <= 120 + 5 and len(statements) <= 120 + 20, len(statements)


def test_an_optional_place_of_residence_column_is_stored_for_planning(client, db, admin) -> None:
    header = LEARNER_HEADER.replace("postcode;", "postcode;woonplaats;")
    rows = ["111222333;Helen;Berhane;12-09-1994;asiel;Z;Nieuwegein;3433 AB;Vreeswijk;ti;2025-06-01;10000",
            "222222220;Sami;Berhane;12-09-1994;asiel;Z;Utrecht;3512 JK;;ti;2025-06-01;10000"]
    response = _upload(client, "learners", header, *rows)
    assert response.status_code == 302
    db.expire_all()
    places = dict(db.execute(sa.select(Learner.first_name, Learner.place)).all())
    assert places == {"Helen": "Vreeswijk", "Sami": ""}
