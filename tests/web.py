"""Helpers that use the portal as a browser would: fetch a form, keep its CSRF token, submit it."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD


class Client(FlaskClient):
    """Flask's test client, closing the request body it made once the app has answered.

    Werkzeug's test client encodes a multipart body over 500 KB into a temporary file and closes
    it only when it follows redirects (werkzeug/test.py, `Client.open`); otherwise the garbage
    collector closes it later, in whichever test it runs, with a ResourceWarning. The portal itself
    closes every upload (Flask closes `request.files` when the request ends, the views as soon as
    they have read it: tests/provider_portal/test_upload_files.py)."""

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        made_here = (not (args and not isinstance(args[0], str)) and "input_stream" not in kwargs
                     and not hasattr(kwargs.get("data"), "read"))
        response = super().open(*args, **kwargs)
        body = response.request.environ.get("wsgi.input") if response.request is not None else None
        if made_here and body is not None and not body.closed:
            body.close()
        return response


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
