"""A platform admin onboards a provider and its first administrator in the browser's form."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Provider, SecurityEvent, User
from provider_portal.models.enums import Role
from provider_portal.providers.onboarding import OnboardingError, ProviderData, onboard_provider
from tests.factories import count_rows, make_provider, make_user
from tests.web import login, submit, text

SECRET = "a long enough secret"
FORM = {
    "name": "Taalschool Zeist", "bow_number": "BOW-7788", "keurmerk_status": "keurmerk",
    "keurmerk_valid_from": "2025-01-01", "keurmerk_valid_until": "2028-12-31", "kvk_number": "12345678",
    "iban": "NL91 ABNA 0417 1643 00", "vat_id": "NL002455799B11", "street": "Slotlaan 1",
    "postcode": "3701 GA", "city": "Zeist", "phone": "030 123 45 67", "email": "info@taalschoolzeist.nl",
    "admin_name": "Anna Admin", "admin_email": "Anna@TaalschoolZeist.nl", "admin_password": SECRET,
}


@pytest.fixture()
def admin(db: Session, client) -> User:
    user = make_user(db, None, role=Role.PLATFORM_ADMIN)
    login(client, user.email)
    return user


def _data(**changes) -> ProviderData:
    base = dict(name="School", bow_number="BOW-1", keurmerk_status="keurmerk", keurmerk_valid_from=None,
                keurmerk_valid_until=None, kvk_number="12345678", iban="NL91ABNA0417164300", vat_id=None,
                street="Straat 1", postcode="3511AA", city="Utrecht")
    return ProviderData(**(base | changes))


def test_the_service_creates_provider_admin_and_audit_row_together(db: Session) -> None:
    actor = make_user(db, None, role=Role.PLATFORM_ADMIN)
    provider, new_admin = onboard_provider(db, actor, _data(), admin_name=" Anna ", admin_email="A@X.nl",
                                           admin_password=SECRET)
    assert (new_admin.provider_id, new_admin.role, new_admin.email, new_admin.name) == (
        provider.id, Role.PROVIDER_ADMIN, "a@x.nl", "Anna")
    [event] = db.execute(sa.select(SecurityEvent)).scalars().all()
    assert (event.kind, event.user_id, event.actor_id) == ("provider_onboarded", new_admin.id, actor.id)
    assert "BOW-1" in event.detail


@pytest.mark.parametrize(("changes", "field"), [
    ({"admin_password": "short"}, "admin_password"),
    ({"admin_email": "taken@x.nl"}, "admin_email"),
    ({"bow": "BOW-TAKEN"}, "bow_number"),
])
def test_the_service_stores_nothing_on_a_refusal(db: Session, changes: dict, field: str) -> None:
    actor = make_user(db, None, role=Role.PLATFORM_ADMIN)
    make_user(db, None, role=Role.PLANNER, email="taken@x.nl", municipalities=("Utrecht",))
    make_provider(db, bow_number="BOW-TAKEN")
    providers, users = count_rows(db, Provider), count_rows(db, User)
    with pytest.raises(OnboardingError) as refused:
        onboard_provider(db, actor, _data(bow_number=changes.get("bow", "BOW-NEW")), admin_name="A",
                         admin_email=changes.get("admin_email", "new@x.nl"),
                         admin_password=changes.get("admin_password", SECRET))
    assert refused.value.field == field
    counts = (count_rows(db, Provider), count_rows(db, User), count_rows(db, SecurityEvent))
    assert counts == (providers, users, 0)


def test_the_admin_onboards_a_provider_whose_admin_can_then_log_in(app, client, db: Session, admin) -> None:
    response = submit(client, "/admin/providers/new", FORM)
    assert response.status_code == 302, text(response)
    listing = text(client.get("/admin/providers/"))
    assert "Taalschool Zeist" in listing and "BOW-7788" in listing
    provider = db.execute(sa.select(Provider).where(Provider.bow_number == "BOW-7788")).scalar_one()
    assert (provider.iban, provider.vat_id, provider.postcode) == (
        "NL91ABNA0417164300", "NL002455799B11", "3701GA")
    assert provider.keurmerk_valid_until.isoformat() == "2028-12-31"
    assert (provider.phone, provider.email) == ("030 123 45 67", "info@taalschoolzeist.nl")  # on letters
    other = app.test_client()
    login(other, "anna@taalschoolzeist.nl", SECRET)
    assert other.get("/users/").status_code == 200  # the provider admin manages the staff from here


@pytest.mark.parametrize(("changes", "error_id"), [
    ({"kvk_number": "1234567"}, "kvk_number-error"),
    ({"iban": "NL91ABNA0417164301"}, "iban-error"),
    ({"vat_id": "NL002455799B12"}, "vat_id-error"),
    ({"postcode": "37011"}, "postcode-error"),
    ({"bow_number": ""}, "bow_number-error"),
    ({"keurmerk_valid_until": "2024-01-01"}, "keurmerk_valid_until-error"),
    ({"admin_email": "nope"}, "admin_email-error"),
    ({"admin_password": "short"}, "admin_password-error"),
])
def test_field_errors_are_shown_and_nothing_is_stored(client, db: Session, admin, changes, error_id) -> None:
    providers, users = count_rows(db, Provider), count_rows(db, User)
    response = submit(client, "/admin/providers/new", FORM | changes)
    refused_by_the_service = error_id == "admin_password-error"  # a DomainError: 400; the form's own: 200
    assert response.status_code == (400 if refused_by_the_service else 200)
    assert f'id="{error_id}"' in text(response)
    assert (count_rows(db, Provider), count_rows(db, User)) == (providers, users)


def test_a_taken_bow_number_is_a_field_error_in_dutch(client, db: Session, admin) -> None:
    make_provider(db, bow_number="BOW-7788")
    response = submit(client, "/admin/providers/new", FORM)
    assert 'id="bow_number-error"' in text(response) and "BOW-nummer" in text(response)


def test_only_a_platform_admin_may_onboard(client, db: Session) -> None:
    provider = make_provider(db)
    staff = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    login(client, staff.email)
    assert client.get("/admin/providers/new").status_code == 403
