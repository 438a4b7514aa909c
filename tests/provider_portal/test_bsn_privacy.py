"""A BSN never lands in a URL or a log line: the GET search refuses it, a POST form looks it up."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlencode

import pytest
from sqlmodel import Session
from werkzeug.test import TestResponse

from provider_portal.models import Learner, Provider
from provider_portal.models.enums import Role
from provider_portal.privacy import redact
from tests.factories import make_learner, make_provider, make_user
from tests.web import login, submit, text

HREF = re.compile(r'(?:href|action|src)="([^"]*)"')


@pytest.fixture()
def provider(db: Session) -> Provider:
    return make_provider(db)


@pytest.fixture()
def learners(db: Session, provider: Provider) -> list[Learner]:
    return [make_learner(db, provider, first_name="Olena", last_name="Melnyk", bsn="123456782"),
            make_learner(db, provider, first_name="Hamid", last_name="Noori", bsn="111222333")]


@pytest.fixture()
def admin(client, db: Session, provider: Provider):
    user = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    login(client, user.email)
    return user


def _urls(response: TestResponse) -> list[str]:
    """Every URL a response sends the browser to: its redirect and the links and form actions."""
    found = HREF.findall(text(response)) if response.mimetype == "text/html" else []
    return [response.headers.get("Location", ""), *found]


def _assert_no_bsn(bsns: list[str], logs: list[logging.LogRecord], urls: list[str]) -> None:
    lines = [re.sub(r"%20|[ .+\-]", "", r.getMessage() + (r.exc_text or "")) for r in logs]
    for bsn in bsns:
        assert not [line for line in lines if bsn in line], f"{bsn} logged"
        assert not [url for url in urls if bsn in url], f"{bsn} in a URL"


def test_a_full_bsn_in_the_get_search_is_refused_in_dutch_and_not_echoed(client, admin, learners) -> None:
    response = client.get("/learners/?q=111222333")
    page = text(response)
    assert response.status_code == 200
    assert "hoogstens de laatste 4 cijfers" in page and 'id="q-error"' in page
    assert "111222333" not in page and "Noori" in page  # not searched: the whole list stays
    assert "Noori" in text(client.get("/learners/?q=2333")) and "Melnyk" not in text(
        client.get("/learners/?q=2333"))


def test_the_post_form_opens_the_learner_without_the_bsn_in_any_url(client, admin, learners) -> None:
    response = submit(client, "/learners/", {"bsn": "111222333"}, action="/learners/find-bsn")
    assert response.status_code == 302 and response.headers["Location"] == f"/learners/{learners[1].id}"
    missing = submit(client, "/learners/", {"bsn": "100000009"}, action="/learners/find-bsn",
                     follow_redirects=True)
    assert "Geen cursist met dit BSN" in text(missing) and "100000009" not in text(missing)
    invalid = submit(client, "/learners/", {"bsn": "123456789"}, action="/learners/find-bsn",
                     follow_redirects=True)
    assert "elfproef" in text(invalid) and "123456789" not in text(invalid)


def test_the_bsn_lookup_stays_inside_the_tenant(client, db, admin, learners) -> None:
    other = make_learner(db, make_provider(db), bsn="100000009")
    response = submit(client, "/learners/", {"bsn": other.bsn}, action="/learners/find-bsn")
    assert response.headers["Location"] == "/learners/"


@pytest.mark.parametrize("path", ["/learners/", "/planning/learners"])
def test_no_search_puts_a_bsn_in_a_log_line_or_a_url(app, db, caplog, learners, provider, path) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("werkzeug", "gunicorn.access", "provider_portal", "sqlalchemy.engine"):
        caplog.set_level(logging.DEBUG, logger=name)
    role = Role.PROVIDER_ADMIN if path == "/learners/" else Role.PLATFORM_ADMIN
    user = make_user(db, provider if role == Role.PROVIDER_ADMIN else None, role=role)
    client = app.test_client()
    login(client, user.email)
    bsns = [learner.bsn for learner in learners]
    urls: list[str] = []
    for bsn in bsns:
        for query in (bsn, f"{bsn[:3]} {bsn[3:6]} {bsn[6:]}", f"Noori {bsn}", bsn[-4:]):
            response = client.get(path, query_string={"q": query})
            assert response.status_code == 200
            urls += _urls(response)
            # what the access log would say of a hand-typed URL, through the real loggers
            logging.getLogger("werkzeug").info('127.0.0.1 - - "GET %s?q=%s HTTP/1.1" 200 -', path, query)
            logging.getLogger("gunicorn.access").info("GET %s?q=%s", path, query)
            logging.getLogger("gunicorn.access").info("GET %s", f"{path}?{urlencode({'q': query})}")
        if role == Role.PROVIDER_ADMIN:
            for follow in (False, True):
                response = submit(client, "/learners/", {"bsn": bsn}, action="/learners/find-bsn",
                                  follow_redirects=follow)
                urls += [*_urls(response), *(r.headers.get("Location", "") for r in response.history)]
    assert urls and caplog.records
    _assert_no_bsn(bsns, caplog.records, urls)


def test_an_error_carrying_a_bsn_is_logged_without_it(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        raise ValueError("duplicate key (bsn)=(111222333)")
    except ValueError:
        logging.getLogger("provider_portal.errors").exception("unhandled error for %s", "111222333")
    record = caplog.records[-1]
    assert "111222333" not in record.getMessage() and "111222333" not in (record.exc_text or "")
    assert "111222333" not in caplog.text


def test_only_numbers_that_pass_the_elfproef_are_redacted() -> None:
    assert redact("bsn 111222333, invoice 123456789, iban NL91ABNA0417164300") == (
        "bsn *********, invoice 123456789, iban NL91ABNA0417164300")
    assert redact("q=111+222+333&x=111%20222%20333 or 111 222 333, 1112223334") == (
        "q=*********&x=********* or *********, 1112223334")


def test_the_login_redirect_and_the_language_switch_drop_a_bsn_from_the_url(client, admin, learners) -> None:
    page = text(client.get("/learners/?q=111222333&route=B1"))
    assert 'name="next" value="/learners/?route=B1"' in page
    client.post("/logout", data={})
    anonymous = client.application.test_client().get("/learners/?q=111222333&route=B1")
    assert anonymous.headers["Location"] == "/login?next=/learners/?route%3DB1"
