"""Log-in hardening: a shared Redis store for the limits, no account enumeration by timing, and a
password policy that refuses the passwords tried first."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session

from provider_portal import create_app
from provider_portal.auth import service
from provider_portal.auth.service import PasswordPolicyError, authenticate, check_password_policy
from provider_portal.models import User
from provider_portal.models.enums import Role
from tests.factories import PASSWORD, make_learner, make_provider, make_user
from tests.web import login, submit, text

REDIS_URL = "redis://127.0.0.1:6379"
ROOT = Path(__file__).resolve().parents[2]


def _redis_or_skip():
    import redis  # a locked dependency: its absence is a failure, not a skip

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        client.close()
        pytest.skip(f"no Redis server at {REDIS_URL}")
    return client


def test_the_login_limits_work_with_the_redis_storage_of_the_readme(database_url: str, tmp_path, db) -> None:
    server = _redis_or_skip()
    prefix = f"h10-test-{uuid.uuid4().hex}"
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "x" * 48, "RATELIMIT_STORAGE_URI": REDIS_URL,
                      "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_ACCOUNT_RATE_LIMIT": "2 per minute"})
    user = make_user(db, make_provider(db))
    client = app.test_client()
    try:
        statuses = [submit(client, "/login", {"email": user.email, "password": "wrong password"}).status_code
                    for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert list(server.scan_iter(f"*{prefix}*")), "the counters live in Redis"
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)
        server.close()
        app.extensions["db_engine"].dispose()


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_both_locks_pin_the_redis_client_the_readme_storage_needs(lock: str) -> None:
    lines = (ROOT / lock).read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("redis==") for line in lines), lock


@pytest.fixture()
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password hash verified during the test, by its method and cost (`scrypt:32768:8:1`)."""
    checked: list[str] = []
    real = service.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr(service, "check_password_hash", counting)
    return checked


def test_an_unknown_account_costs_the_same_hash_check_as_a_known_one(db: Session, hash_checks) -> None:
    user = make_user(db, make_provider(db))
    assert authenticate(db, "nobody@nowhere.nl", PASSWORD) is None
    assert authenticate(db, user.email, "wrong password") is None
    assert authenticate(db, user.email, PASSWORD) is not None
    user.active = False
    db.commit()
    assert authenticate(db, user.email, PASSWORD) is None
    assert len(hash_checks) == 4 and len(set(hash_checks)) == 1, hash_checks


@pytest.mark.parametrize("password", [
    "wachtwoord", "1234567890", "short one", "Wachtwoord2026!", "123456789012", "welkomwelkom",
    "qwertyuiop12", "aaaaaaaaaaaaaa", "Inburgering Planner 2026", "mijn-inburgering-ww", "anna.de.vries.2026",
    "!!2026Password2026!!",
])
def test_the_policy_refuses_short_common_and_guessable_passwords(password: str) -> None:
    with pytest.raises(PasswordPolicyError) as refused:
        check_password_policy(password, "anna.devries@school.nl")
    assert refused.value.field == "new"


@pytest.mark.parametrize("password", ["correct horse battery", "paars fietsje op de dijk",
                                      "Tulp-Regen-Kaas-97"])
def test_the_policy_accepts_long_unrelated_words(password: str) -> None:
    check_password_policy(password, "anna.devries@school.nl")


def test_a_password_change_to_a_common_password_gets_a_dutch_field_error(client, db: Session) -> None:
    user = make_user(db, make_provider(db))
    login(client, user.email)
    response = submit(client, "/account/password",
                      {"current": PASSWORD, "new": "Wachtwoord2026!", "confirm": "Wachtwoord2026!"})
    assert response.status_code == 400 and 'id="new-error"' in text(response)
    assert "te gangbaar" in text(response)
    short = submit(client, "/account/password",
                   {"current": PASSWORD, "new": "wachtwoord", "confirm": "wachtwoord"})
    assert 'id="new-error"' in text(short) and "12" in text(short)
    db.expire_all()
    assert db.get(User, user.id).check_password(PASSWORD)


def test_a_new_staff_account_needs_a_policy_password(client, db: Session) -> None:
    admin = make_user(db, make_provider(db), role=Role.PROVIDER_ADMIN)
    login(client, admin.email)
    response = submit(client, "/users/new", {"email": "docent@school.nl", "name": "Docent", "role": "teacher",
                                             "active": "y", "password": "inburgering123"})
    assert response.status_code == 400 and 'id="password-error"' in text(response)
    assert "naam van het portaal" in text(response)
    assert db.execute(sa.select(User).where(User.email == "docent@school.nl")).first() is None


def test_a_learner_login_needs_a_policy_password(app: Flask, client, db: Session) -> None:
    provider = make_provider(db)
    learner = make_learner(db, provider)
    login(client, make_user(db, provider, role=Role.PROVIDER_ADMIN).email)
    page = f"/learners/{learner.id}/login"
    response = submit(client, page, {"email": "amina@mail.nl", "password": "1234567890"})
    assert response.status_code == 200 and 'id="password-error"' in text(response)
    response = submit(client, page, {"email": "amina@mail.nl", "password": "amina-op-school-2026"})
    assert 'id="password-error"' in text(response) and "e-mailadres" in text(response)
    assert db.execute(sa.select(User).where(User.email == "amina@mail.nl")).first() is None
