"""Logging in and out, passwords, CSRF, rate limiting and safe redirects."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session

from provider_portal import create_app
from provider_portal.config import ConfigError, load_config
from provider_portal.models import Provider, User
from provider_portal.models.enums import Role
from tests.factories import PASSWORD, make_learner, make_provider, make_user
from tests.web import csrf_token, login, submit, text


@pytest.fixture()
def admin(db: Session) -> User:
    return make_user(db, make_provider(db), role=Role.PROVIDER_ADMIN, email="anna@school.nl")


def test_login_ignores_the_case_of_the_email_address_and_stamps_last_login(client, db, admin) -> None:
    response = submit(client, "/login", {"email": "  ANNA@School.NL ", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    db.expire_all()
    assert db.get(User, admin.id).last_login_at is not None


def test_a_wrong_password_shows_one_message_and_no_session(client, admin) -> None:
    response = submit(client, "/login", {"email": admin.email, "password": "wrong password"})
    assert response.status_code == 200
    assert "Onbekend e-mailadres of onjuist wachtwoord" in text(response)
    assert client.get("/dashboard").status_code == 302


def test_a_deactivated_account_cannot_log_in(client, db, admin) -> None:
    admin.active = False
    db.commit()
    response = submit(client, "/login", {"email": admin.email, "password": PASSWORD})
    assert response.status_code == 200 and client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    "target,expected",
    [
        ("/learners/", "/learners/"),
        ("https://evil.example/", "/dashboard"),
        ("//evil.example/x", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("javascript:alert(1)", "/dashboard"),
    ],
)
def test_only_a_local_next_is_followed_after_login(client, admin, target: str, expected: str) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": admin.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == expected


def test_a_form_without_csrf_token_is_refused_and_changes_nothing(client, db, admin) -> None:
    login(client, admin.email)
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "another long secret", "confirm": "another long secret"},
    )
    assert response.status_code == 400 and "verlopen" in text(response)
    db.expire_all()
    assert db.get(User, admin.id).check_password(PASSWORD)


def test_failed_logins_lock_the_account_but_not_the_others_at_the_same_address(client, db, admin) -> None:
    responses = [submit(client, "/login", {"email": admin.email, "password": "nope nope"}) for _ in range(12)]
    assert [r.status_code for r in responses] == [200] * 10 + [429] * 2
    assert "Te veel pogingen" in text(responses[10]) and "tot een uur geblokkeerd" in text(responses[10])
    typed_otherwise = submit(client, "/login", {"email": " Anna@SCHOOL.nl", "password": PASSWORD})
    assert typed_otherwise.status_code == 429  # the right password does not get past the lock
    colleague = make_user(db, make_provider(db), role=Role.TEACHER)
    assert login(client.application.test_client(), colleague.email).status_code == 302


def test_successful_logins_do_not_count_against_the_account(client, admin) -> None:
    for _ in range(15):
        other = client.application.test_client()
        assert login(other, admin.email).status_code == 302


def test_a_class_of_30_learners_logs_in_from_one_address_within_a_minute(app, db) -> None:
    provider = make_provider(db)
    emails = [make_user(db, provider, role=Role.LEARNER, learner_id=make_learner(db, provider).id).email
              for _ in range(30)]
    for n, email in enumerate(emails):
        browser = app.test_client()
        if n % 2:  # every other learner mistypes the password once
            assert submit(browser, "/login", {"email": email, "password": "typo typo"}).status_code == 200
        assert login(browser, email).headers["Location"] == "/dashboard", n


def test_many_accounts_from_one_address_hit_the_address_limit(app, db, admin) -> None:
    guesses = [{"email": f"guess{n}@school.nl", "password": "x"} for n in range(61)]
    statuses = [submit(app.test_client(), "/login", guess).status_code for guess in guesses]
    assert statuses == [200] * 60 + [429]
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert login(elsewhere, admin.email).status_code == 302


@pytest.mark.parametrize("proxies,separate", [(1, True), (0, False)])
def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(
    database_url, tmp_path, proxies: int, separate: bool
) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "INSTANCE_PATH": str(tmp_path),
                      "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
                      "RATELIMIT_STORAGE_URI": "memory://", "LOGIN_RATE_LIMIT": "2 per minute",
                      "TRUSTED_PROXIES": proxies})
    statuses = []
    for n in range(3):
        client = app.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
        statuses.append(submit(client, "/login", {"email": f"x{n}@school.nl", "password": "x"}).status_code)
    app.extensions["db_engine"].dispose()
    assert statuses == ([200, 200, 200] if separate else [200, 200, 429])


def test_a_malformed_rate_limit_setting_stops_the_start_and_names_it() -> None:
    with pytest.raises(ConfigError, match="LOGIN_ACCOUNT_RATE_LIMIT"):
        load_config({"LOGIN_ACCOUNT_RATE_LIMIT": "ten a minute"})
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_config({"TRUSTED_PROXIES": "yes"})


def test_logout_needs_a_post_and_ends_the_session(client, admin) -> None:
    login(client, admin.email)
    assert client.get("/logout").status_code == 405
    token = csrf_token(client, "/dashboard")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/dashboard").status_code == 302


def test_password_change_checks_current_password_and_length(client, db, admin) -> None:
    login(client, admin.email)
    wrong = submit(
        client,
        "/account/password",
        {"current": "not it at all", "new": "a fine new secret", "confirm": "a fine new secret"},
    )
    assert "huidige wachtwoord" in text(wrong).lower()
    short = submit(client, "/account/password", {"current": PASSWORD, "new": "short", "confirm": "short"})
    assert short.status_code == 200 and 'id="new-error"' in text(short)
    ok = submit(
        client,
        "/account/password",
        {"current": PASSWORD, "new": "a fine new secret", "confirm": "a fine new secret"},
    )
    assert ok.status_code == 302
    db.expire_all()
    assert db.get(User, admin.id).check_password("a fine new secret")


def test_passwords_are_stored_as_scrypt_hashes(admin) -> None:
    assert admin.password_hash.startswith("scrypt:") and PASSWORD not in admin.password_hash


def test_session_cookies_are_httponly_and_samesite(client, admin) -> None:
    response = login(client, admin.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_language_switch_turns_the_portal_english_and_back(client, admin) -> None:
    assert "Inloggen" in text(client.get("/login"))
    submit(client, "/login", {"lang": "en", "next": "/login"}, action="/language")
    assert "Log in" in text(client.get("/login"))
    submit(client, "/login", {"lang": "xx"}, action="/language")
    assert "Inloggen" in text(client.get("/login"))


def test_users_table_has_one_row_per_address(db: Session, admin: User) -> None:
    count = db.execute(sa.select(sa.func.count()).select_from(User).where(User.email == admin.email))
    assert count.scalar_one() == 1


def test_app_refuses_a_placeholder_secret_in_production(app: Flask) -> None:
    from provider_portal.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config({"PORTAL_ENV": "production", "DATABASE_URL": "postgresql://x/y"})
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config({"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40})
    config = load_config(
        {"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": "postgres://u@h/db"}
    )
    assert config["SESSION_COOKIE_SECURE"] and config["DATABASE_URL"] == "postgresql+psycopg://u@h/db"


def test_a_malformed_duo_oin_is_refused_at_start_naming_the_setting(tmp_path) -> None:
    from provider_portal.config import ConfigError, load_config

    base = {"PORTAL_INSTANCE_PATH": str(tmp_path)}
    for bad in ("1800866472", "0000000400321434500O", "000000040032143450001"):
        with pytest.raises(ConfigError, match="DUO_OIN must be .* 20 digits"):
            load_config({**base, "DUO_OIN": bad})
    assert load_config({**base, "DUO_OIN": "00000004003214345000"})["DUO_OIN"] == "00000004003214345000"


def test_demo_mode_generates_and_keeps_a_secret_in_the_instance_folder(tmp_path) -> None:
    from provider_portal.config import load_config

    first = load_config({"PORTAL_INSTANCE_PATH": str(tmp_path)})
    second = load_config({"PORTAL_INSTANCE_PATH": str(tmp_path)})
    assert len(first["SECRET_KEY"]) >= 32 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert first["DATABASE_URL"] == f"sqlite:///{tmp_path / 'portal.sqlite3'}"


def _copy_of(app: Flask, client):
    """Another browser holding a copy of `client`'s session cookie (as a thief would)."""
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, client.get_cookie(name).value)
    return thief


def _logged_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


def test_a_copied_cookie_stops_working_after_logout(app, client, admin) -> None:
    login(client, admin.email)
    thief = _copy_of(app, client)
    assert _logged_in(thief)
    assert submit(client, "/dashboard", {}, action="/logout").status_code == 302
    assert not _logged_in(thief) and not _logged_in(client)


def test_a_password_change_ends_every_other_session_but_this_one(app, client, admin) -> None:
    login(client, admin.email)
    laptop = app.test_client()
    login(laptop, admin.email)
    thief = _copy_of(app, laptop)
    changed = submit(client, "/account/password",
                     {"current": PASSWORD, "new": "a fine new secret", "confirm": "a fine new secret"})
    assert changed.status_code == 302
    assert "andere sessies" in text(client.get("/dashboard"))  # the flash, on the page after the change
    assert _logged_in(client) and not _logged_in(laptop) and not _logged_in(thief)


def test_log_out_everywhere_ends_every_session_of_the_account_only(app, client, db, admin) -> None:
    colleague = make_user(db, make_provider(db), role=Role.PROVIDER_ADMIN)
    others = [app.test_client() for _ in range(3)]
    login(client, admin.email)
    login(others[0], admin.email)
    login(others[1], admin.email)
    login(others[2], colleague.email)
    thief = _copy_of(app, client)
    page = text(client.get("/account/password"))
    assert "Overal uitloggen" in page
    response = submit(client, "/account/password", {}, action="/account/logout-everywhere")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert [_logged_in(c) for c in (client, thief, *others)] == [False, False, False, False, True]


def test_deactivating_or_resetting_a_password_ends_the_users_sessions_for_good(client, db, admin) -> None:
    from provider_portal.users.service import reset_password, update_user

    boss = make_user(db, db.get(Provider, admin.provider_id), role=Role.PROVIDER_ADMIN)
    login(client, admin.email)
    update_user(db, boss, admin, name=admin.name, role=admin.role, active=False)
    db.commit()  # the caller's commit: services leave it to their caller
    assert not _logged_in(client)
    update_user(db, boss, admin, name=admin.name, role=admin.role, active=True)
    db.commit()
    assert not _logged_in(client)  # reactivation does not revive the old session
    login(client, admin.email)
    reset_password(db, admin, "another fine secret 42")
    db.commit()
    assert not _logged_in(client)


def test_a_session_ends_after_its_lifetime_even_with_a_valid_cookie(app, client, db, admin) -> None:
    from datetime import timedelta

    from provider_portal.models import UserSession
    from provider_portal.models.types import utcnow

    login(client, admin.email)
    assert _logged_in(client)
    db.execute(sa.update(UserSession).values(created_at=utcnow() - timedelta(hours=8, minutes=1)))
    db.commit()
    assert not _logged_in(client)


def test_the_session_table_keeps_only_a_hash_of_the_cookies_token(app, client, db, admin) -> None:
    from provider_portal.auth.sessions import TOKEN_KEY
    from provider_portal.models import UserSession

    login(client, admin.email)
    with client.session_transaction() as browser:
        token = browser[TOKEN_KEY]
    stored = db.execute(sa.select(UserSession.token_hash)).scalars().all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64
