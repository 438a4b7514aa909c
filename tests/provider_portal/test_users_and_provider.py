"""A provider admin manages the provider's staff and settings."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Provider, User
from provider_portal.models.enums import Role
from tests.factories import make_provider, make_user
from tests.web import login, submit, text


@pytest.fixture()
def admin(db: Session, client) -> User:
    user = make_user(db, make_provider(db), role=Role.PROVIDER_ADMIN)
    login(client, user.email)
    return user


def test_an_admin_creates_a_teacher_who_can_then_log_in(app, client, db, admin) -> None:
    response = submit(
        client,
        "/users/new",
        {
            "email": "Docent@School.nl",
            "name": "Docent",
            "role": "teacher",
            "active": "y",
            "password": "a long enough secret",
        },
    )
    assert response.status_code == 302
    user = db.execute(sa.select(User).where(User.email == "docent@school.nl")).scalar_one()
    assert (user.provider_id, user.role) == (admin.provider_id, "teacher")
    login(app.test_client(), "docent@school.nl", "a long enough secret")


def test_an_email_address_is_unique_whatever_its_case(client, db, admin) -> None:
    response = submit(
        client,
        "/users/new",
        {"email": admin.email.upper(), "name": "X", "role": "teacher", "password": "a long enough secret"},
    )
    assert 'id="email-error"' in text(response)


def test_a_provider_admin_cannot_create_a_planner_or_platform_admin(client, admin) -> None:
    response = submit(
        client,
        "/users/new",
        {"email": "p@x.nl", "name": "P", "role": "platform_admin", "password": "a long enough secret"},
    )
    assert 'id="role-error"' in text(response)


def test_an_admin_cannot_lock_themself_out(client, db, admin) -> None:
    response = submit(client, f"/users/{admin.id}/edit", {"name": "Me", "role": "teacher", "active": "y"})
    assert 'id="role-error"' in text(response)
    db.refresh(admin)
    assert admin.role == "provider_admin"


def test_a_deactivated_user_is_logged_out_on_the_next_request(app, client, db, admin) -> None:
    teacher = make_user(db, db.get(Provider, admin.provider_id), role=Role.TEACHER)
    other = app.test_client()
    login(other, teacher.email)
    submit(client, f"/users/{teacher.id}/edit", {"name": teacher.name, "role": "teacher"})
    assert other.get("/dashboard").status_code == 302


def test_provider_settings_reject_a_bad_iban_and_keep_the_old_values(client, db, admin) -> None:
    provider = db.get(Provider, admin.provider_id)
    form = {
        "name": "Nieuwe naam",
        "bow_number": provider.bow_number,
        "keurmerk_status": "keurmerk",
        "keurmerk_valid_from": "2025-01-01",
        "keurmerk_valid_until": "2027-12-31",
        "kvk_number": "30123456",
        "iban": "NL91ABNA0417164301",
        "street": "Straat 1",
        "postcode": "3511AB",
        "city": "Utrecht",
    }
    response = submit(client, "/provider/edit", form)
    assert 'id="iban-error"' in text(response)
    db.refresh(provider)
    assert provider.name != "Nieuwe naam"
    assert submit(client, "/provider/edit", {**form, "iban": "NL91 ABNA 0417 1643 00"}).status_code == 302
    db.refresh(provider)
    assert (provider.name, provider.iban) == ("Nieuwe naam", "NL91ABNA0417164300")


def test_provider_settings_store_a_valid_vat_id_and_refuse_a_bad_one_in_dutch(client, db, admin) -> None:
    provider = db.get(Provider, admin.provider_id)
    form = {
        "name": provider.name, "bow_number": provider.bow_number, "keurmerk_status": "keurmerk",
        "kvk_number": "30123456", "iban": provider.iban, "street": "Straat 1", "postcode": "3511AB",
        "city": "Utrecht", "vat_id": "NL002455799B12",
    }
    page = text(submit(client, "/provider/edit", form))
    assert 'id="vat_id-error"' in page and "Geen geldig btw-identificatienummer" in page
    db.refresh(provider)
    assert provider.vat_id == "NL002455799B11"  # the stored value is kept
    assert submit(client, "/provider/edit", {**form, "vat_id": "nl 8104.33.941.b01"}).status_code == 302
    db.refresh(provider)
    assert provider.vat_id == "NL810433941B01"
    assert "NL810433941B01" in text(client.get("/provider/"))
    assert submit(client, "/provider/edit", {**form, "vat_id": " "}).status_code == 302
    db.refresh(provider)
    assert provider.vat_id is None
    assert "e-facturen (UBL) kunnen pas worden" in text(client.get("/provider/"))


def test_provider_settings_refuse_another_providers_bow_number(client, db, admin) -> None:
    other = make_provider(db)
    provider = db.get(Provider, admin.provider_id)
    form = {
        "name": provider.name,
        "bow_number": other.bow_number,
        "keurmerk_status": "keurmerk",
        "kvk_number": "30123456",
        "iban": provider.iban,
        "street": "Straat 1",
        "postcode": "3511AB",
        "city": "Utrecht",
    }
    assert 'id="bow_number-error"' in text(submit(client, "/provider/edit", form))


def test_keurmerk_validity_decides_whether_a_provider_may_bill(db) -> None:
    from datetime import date

    provider = make_provider(
        db, keurmerk_valid_from=date(2025, 1, 1), keurmerk_valid_until=date(2026, 12, 31)
    )
    assert provider.keurmerk_valid_on(date(2026, 6, 1))
    assert not provider.keurmerk_valid_on(date(2027, 1, 1))
    provider.keurmerk_status = "suspended"
    assert not provider.keurmerk_valid_on(date(2026, 6, 1))
