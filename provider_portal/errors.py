"""Error pages in the portal's own style: never a stack trace, always a message a user can act on."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

MESSAGES = {
    400: _l("The request could not be understood. Please check what you entered and try again."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist, or you do not have access to it."),
    405: _l("This action is not possible on this page."),
    413: _l("The file or form is too large for the portal. Split an import into smaller files "
            "(at most 5,000 rows each) and try again."),
    429: _l("Too many attempts. Please wait a few minutes and try again; after many wrong passwords an "
            "account stays locked for up to an hour."),
    500: _l("Something went wrong on our side. The error has been logged; please try again later."),
}


def _render(code: int, message: object) -> tuple[str, int]:
    _roll_back()
    return render_template("errors/error.html", code=code, message=message), code


def _roll_back() -> None:
    """End the request's failed transaction first, so the error page's own queries can run."""
    session = g.get("db_session")
    if session is not None:
        try:
            session.rollback()
        except Exception:  # the connection itself is gone: the page renders without the database
            log.exception("rollback before the error page failed")


def _http_error(exc: HTTPException) -> tuple[str, int]:
    code = exc.code or 500
    return _render(code, MESSAGES.get(code, exc.description))


def _csrf_error(_exc: CSRFError) -> tuple[str, int]:
    return _render(400, _l("The form has expired. Please reload the page and submit it again."))


def _unexpected(exc: Exception) -> tuple[str, int]:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unhandled error", exc_info=exc)
    return _render(500, MESSAGES[500])


def register_error_handlers(app: Flask) -> None:
    """Map HTTP errors, CSRF failures and unexpected exceptions to the styled error page."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _http_error)
    app.register_error_handler(Exception, _unexpected)
