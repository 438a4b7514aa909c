"""Errors never show a stack trace: they get the portal's own pages."""

from __future__ import annotations

from flask import Flask

from provider_portal.access import public
from tests.web import text


def test_an_unexpected_exception_gives_a_styled_500_without_the_traceback(app: Flask) -> None:
    @app.route("/boom")
    @public
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.testing = False  # as in production: the handler, not the debugger, answers
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    body = text(response)
    assert response.status_code == 500
    assert "secret internals" not in body and "Traceback" not in body and "Inburgering Planner" in body


def test_a_wrong_method_and_an_unknown_page_are_styled(client) -> None:
    assert "Inburgering Planner" in text(client.get("/does-not-exist"))
    response = client.get("/logout")
    assert response.status_code == 405 and "Inburgering Planner" in text(response)
