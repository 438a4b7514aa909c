"""Every response carries the security headers; pages of a logged-in user are never cached."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from sqlmodel import Session

from provider_portal import create_app
from provider_portal.models import Lesson
from provider_portal.models.enums import Role
from tests.factories import make_class, make_enrolment, make_learner, make_provider, make_user
from tests.web import login, text

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def _assert_headers(response) -> None:
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_login_page_has_the_headers_but_no_hsts_outside_production(client) -> None:
    response = client.get("/login")
    _assert_headers(response)
    assert "Strict-Transport-Security" not in response.headers


def test_production_adds_hsts(database_url: str, tmp_path) -> None:
    app = create_app({"TESTING": True, "PORTAL_ENV": "production", "DATABASE_URL": database_url,
                      "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 48})
    try:
        response = app.test_client().get("/login")
    finally:
        app.extensions["db_engine"].dispose()
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    _assert_headers(response)


@pytest.mark.parametrize("role", [Role.PROVIDER_ADMIN, Role.TEACHER, Role.FINANCE])
def test_every_page_of_a_logged_in_user_is_no_store_and_needs_no_inline_script(
    app: Flask, db: Session, role: Role
) -> None:
    provider = make_provider(db)
    user = make_user(db, provider, role=role)
    course = make_class(db, provider, teachers=(user,) if role == Role.TEACHER else ())
    learner = make_learner(db, provider)
    make_enrolment(db, course, learner)
    client = app.test_client()
    login(client, user.email)
    ids = {"learner_id": learner.id, "class_id": course.id}
    checked = 0
    for rule in app.url_map.iter_rules():
        roles = getattr(app.view_functions[rule.endpoint], "allowed_roles", ())
        if role not in roles or "GET" not in rule.methods or not set(rule.arguments) <= set(ids):
            continue
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})
        response = client.get(url)
        _assert_headers(response)
        assert response.headers["Cache-Control"] == "no-store", url
        if response.mimetype == "text/html":
            page = text(response)
            assert not INLINE_SCRIPT.search(page) and not INLINE_STYLE.search(page), url
        checked += 1
    assert checked > 5


def test_the_register_grid_script_is_a_static_file(app: Flask, db: Session) -> None:
    provider = make_provider(db)
    teacher = make_user(db, provider, role=Role.TEACHER)
    course = make_class(db, provider, teachers=(teacher,))
    make_enrolment(db, course, make_learner(db, provider))
    client = app.test_client()
    login(client, teacher.email)
    lesson_id = db.execute(sa.select(Lesson.id).where(Lesson.class_id == course.id)).scalars().first()
    page = text(client.get(f"/lessons/{lesson_id}"))
    assert '<script src="/static/register_grid.js"></script>' in page
    with client.get("/static/register_grid.js") as script:
        assert script.status_code == 200 and "everyone_present" in text(script)


def test_a_request_body_over_the_limit_gets_a_dutch_413_page(app: Flask, db: Session) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = app.test_client().post("/login", data={"email": "a@b.nl", "password": "x" * 4096})
    assert response.status_code == 413
    assert "te groot" in text(response)
    _assert_headers(response)


def test_the_upload_limit_is_a_setting_of_ten_megabytes_by_default() -> None:
    from provider_portal.config import ConfigError, load_config

    assert load_config({"PORTAL_INSTANCE_PATH": "/tmp/h10-cfg"})["MAX_CONTENT_LENGTH"] == 10 * 1024 * 1024
    assert load_config({"PORTAL_INSTANCE_PATH": "/tmp/h10-cfg", "MAX_UPLOAD_MB": "2"})["MAX_CONTENT_LENGTH"] \
        == 2 * 1024 * 1024
    with pytest.raises(ConfigError, match="MAX_UPLOAD_MB"):
        load_config({"PORTAL_INSTANCE_PATH": "/tmp/h10-cfg", "MAX_UPLOAD_MB": "0"})
