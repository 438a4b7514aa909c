"""Helpers that use the portal as a browser would: fetch a form, keep its CSRF token, submit it."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, page: str) -> str:
    """The CSRF token of the form on `page` (the session cookie ties it to this client)."""
    html = client.get(page).get_data(as_text=True)
    match = TOKEN.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient, page: str, data: dict[str, Any], action: str | None = None, **kwargs: Any
) -> TestResponse:
    """Open `page`, take its token, and post `data` to `action` (default: the page itself)."""
    token = csrf_token(client, page)
    return client.post(action or page, data={**data, "csrf_token": token}, **kwargs)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """Log in through the real form."""
    response = submit(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)
