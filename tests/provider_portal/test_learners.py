"""Creating, editing, finding and reading learners, as provider staff do it in the browser."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Learner, LearnerExam, LearnerModule, Provider, User
from provider_portal.models.enums import Role
from tests.factories import make_learner, make_provider, make_user
from tests.web import login, submit, text

VALID = {
    "bsn": "111222333",
    "first_name": "Semere",
    "last_name": "Tesfay",
    "date_of_birth": "1992-04-03",
    "migrant_type": "asiel",
    "route": "B1",
    "municipality": "Utrecht",
    "postcode": "3511 ab",
    "languages": ["ti", "am"],
    "duo_term_start": "2025-02-01",
    "duo_term_end": "",
    "duo_term_extended_until": "",
    "loan_amount": "10000.00",
}


@pytest.fixture()
def provider(db: Session) -> Provider:
    return make_provider(db)


@pytest.fixture()
def admin(db: Session, provider: Provider, client) -> User:
    user = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    login(client, user.email)
    return user


def _count(db: Session) -> int:
    return db.execute(sa.select(sa.func.count()).select_from(Learner)).scalar_one()


def test_an_invalid_bsn_is_shown_on_its_field_and_nothing_is_stored(client, db, admin) -> None:
    response = submit(client, "/learners/new", {**VALID, "bsn": "123456789"})
    assert response.status_code == 200
    assert 'id="bsn-error"' in text(response) and "elfproef" in text(response)
    assert _count(db) == 0


def test_a_valid_learner_is_stored_with_the_modules_and_exams_of_the_route(client, db, admin) -> None:
    response = submit(client, "/learners/new", VALID)
    assert response.status_code == 302
    learner = db.execute(sa.select(Learner)).scalar_one()
    assert (learner.bsn, learner.postcode) == ("111222333", "3511AB")
    assert learner.duo_term_end == date(2028, 2, 1) and learner.provider_id == admin.provider_id
    modules = db.execute(sa.select(LearnerModule.module).where(LearnerModule.learner_id == learner.id))
    assert sorted(modules.scalars()) == ["KNM", "MAP", "PVT"]
    exams = db.execute(sa.select(LearnerExam.component).where(LearnerExam.learner_id == learner.id))
    assert sorted(exams.scalars()) == ["KNM", "lezen", "luisteren", "schrijven", "spreken"]
    page = text(client.get(response.headers["Location"]))
    assert "Semere Tesfay" in page and "Tigrinya" in page and "Amhaars" in page


@pytest.mark.parametrize(
    "field,value",
    [
        ("postcode", "0123 AB"),
        ("date_of_birth", "2020-01-01"),
        ("date_of_birth", "not a date"),
        ("loan_amount", "-5"),
        ("languages", []),
        ("route", "X"),
        ("duo_term_end", "2024-01-01"),
        ("first_name", ""),
    ],
)
def test_each_bad_field_gets_its_own_message_and_nothing_is_stored(client, db, admin, field, value) -> None:
    response = submit(client, "/learners/new", {**VALID, field: value})
    assert response.status_code == 200 and f'id="{field}-error"' in text(response)
    assert _count(db) == 0


def test_a_duplicate_bsn_at_the_same_provider_is_refused(client, db, admin, provider) -> None:
    make_learner(db, provider, bsn="111222333")
    response = submit(client, "/learners/new", VALID)
    assert 'id="bsn-error"' in text(response) and _count(db) == 1


def test_the_same_bsn_may_be_enrolled_at_another_provider(client, db, admin) -> None:
    make_learner(db, make_provider(db), bsn="111222333")
    assert submit(client, "/learners/new", VALID).status_code == 302
    assert _count(db) == 2


def test_changing_the_route_to_onderwijs_drops_map_but_keeps_finished_modules(
    client, db, admin, provider
) -> None:
    learner = make_learner(db, provider, route="Z")
    db.execute(
        sa.update(LearnerModule)
        .where(LearnerModule.learner_id == learner.id, LearnerModule.module == "KNM")
        .values(status="done")
    )
    db.commit()
    response = submit(
        client, f"/learners/{learner.id}/edit", {**VALID, "bsn": learner.bsn, "route": "onderwijs"}
    )
    assert response.status_code == 302
    rows = db.execute(
        sa.select(LearnerModule.module, LearnerModule.status).where(LearnerModule.learner_id == learner.id)
    ).all()
    assert sorted(map(tuple, rows)) == [("KNM", "done"), ("PVT", "required")]


def test_the_list_masks_the_bsn_and_finds_by_name_or_last_digits(client, db, admin, provider) -> None:
    make_learner(db, provider, first_name="Olena", last_name="Melnyk", bsn="123456782")
    make_learner(db, provider, first_name="Hamid", last_name="Noori", bsn="111222333")
    page = text(client.get("/learners/"))
    assert "******782" in page and "123456782" not in page
    assert "Melnyk" in text(client.get("/learners/?q=melnyk")) and "Noori" not in text(
        client.get("/learners/?q=melnyk")
    )
    assert "Noori" in text(client.get("/learners/?q=333")) and "Melnyk" not in text(
        client.get("/learners/?q=333")
    )


def test_the_list_filters_by_route_municipality_and_language(client, db, admin, provider) -> None:
    make_learner(db, provider, first_name="Zed", route="Z", municipality="Amersfoort", languages=("uk",))
    make_learner(db, provider, first_name="Quib", route="B1", municipality="Utrecht", languages=("ar",))
    for query in ("route=Z", "municipality=Amersfoort", "language=uk"):
        page = text(client.get(f"/learners/?{query}"))
        assert "Zed" in page and "Quib" not in page, query


def test_the_list_pages_through_results_and_404s_past_the_end(client, db, admin, provider) -> None:
    for n in range(12):
        make_learner(db, provider, last_name=f"Name{n:02d}")
    first, second = text(client.get("/learners/")), text(client.get("/learners/?page=2"))
    assert "Name00" in first and "Name11" not in first and "Name11" in second
    assert "12 resultaten" in first
    assert client.get("/learners/?page=3").status_code == 404


def test_a_finance_user_may_read_but_not_edit_learners(client, db, provider) -> None:
    finance = make_user(db, provider, role=Role.FINANCE)
    learner = make_learner(db, provider)
    login(client, finance.email)
    assert client.get(f"/learners/{learner.id}").status_code == 200
    assert client.get(f"/learners/{learner.id}/edit").status_code == 403


def test_the_detail_page_shows_the_full_bsn_to_the_provider_admin(client, db, admin, provider) -> None:
    learner = make_learner(db, provider, bsn="123456782")
    assert "123456782" in text(client.get(f"/learners/{learner.id}"))


def test_an_unknown_learner_is_a_styled_404(client, admin) -> None:
    response = client.get("/learners/999999")
    assert response.status_code == 404 and "bestaat niet" in text(response)


@pytest.mark.parametrize(("typed", "stored"), [("Nieuwegein", "Nieuwegein"), ("zeist", "Zeist"),
                                               ("Den Haag", "'s-Gravenhage"), ("GM0356", "Nieuwegein")])
def test_a_learner_from_any_dutch_municipality_is_registered_under_its_cbs_name(
    client, db, admin, typed, stored
) -> None:
    page = text(client.get("/learners/new"))
    assert 'list="municipality-options"' in page and '<option value="Nieuwegein">Nieuwegein (Utrecht)' in page
    response = submit(client, "/learners/new", {**VALID, "municipality": typed})
    assert response.status_code == 302
    assert db.execute(sa.select(Learner.municipality)).scalar_one() == stored


def test_an_unknown_municipality_is_a_field_error_in_dutch(client, db, admin) -> None:
    response = submit(client, "/learners/new", {**VALID, "municipality": "Atlantis"})
    assert 'id="municipality-error"' in text(response) and "Geen Nederlandse gemeente" in text(response)
    assert _count(db) == 0
