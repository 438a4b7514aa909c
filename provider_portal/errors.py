"""Error pages in the portal's own style: never a stack trace, always a message a user can act on.

Also the one handler of refusals: a `DomainError` (service_errors.py) that a view does not show
itself rolls the request's transaction back and answers 400 (409 for a `Conflict`): JSON for a
JSON request, the form again with the message at its field when the view named its form with
`show_refusals_on`, otherwise the error page with the message and a way back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, flash, g, jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from provider_portal.service_errors import Conflict, DomainError

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


def _render(code: int, message: object, back: str | None = None) -> tuple[str, int]:
    _roll_back()
    return render_template("errors/error.html", code=code, message=message, back=back), code


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


def show_refusals_on(form: Any, page: Callable[[], ResponseReturnValue], status: int | None = None) -> None:
    """Name the form of this request: a DomainError raised while handling it is shown at the form's
    field `exc.field` (or in a message above it when it has no such field), and `page()` answers again.
    `status`: what a refusal answers on a page whose invalid input answers with its own status (422),
    so both answer alike; a Conflict keeps its 409."""
    g.refusal_form = (form, page, status)


def _refused(exc: DomainError) -> ResponseReturnValue:
    """The one answer to a refusal no view handled: roll back, then JSON, the form, or the error page."""
    _roll_back()
    if _wants_json():
        return jsonify(error={"field": exc.field, "message": str(exc.message)}), exc.status
    declared = g.pop("refusal_form", None)
    if declared is not None:
        form, page, status = declared
        field = form._fields.get(exc.field)
        if field is not None:
            field.errors = [*field.errors, exc.message]
        else:
            flash(str(exc.message), "error")
        response = make_response(page())
        response.status_code = exc.status if status is None or isinstance(exc, Conflict) else status
        return response
    return _render(exc.status, exc.message, _back_link())


def _wants_json() -> bool:
    """A JSON body, a `.json` address, or an Accept header preferring JSON to HTML."""
    if request.is_json or request.path.endswith(".json"):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _back_link() -> str | None:
    """The page the user came from, when it is a page of this portal (never another site)."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if not referrer or parts.netloc != request.host or parts.scheme not in ("http", "https"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _unexpected(exc: Exception) -> tuple[str, int]:
    if isinstance(exc, HTTPException):
        return _http_error(exc)
    log.exception("unhandled error", exc_info=exc)
    return _render(500, MESSAGES[500])


def register_error_handlers(app: Flask) -> None:
    """Map HTTP errors, CSRF failures and unexpected exceptions to the styled error page."""
    app.register_error_handler(DomainError, _refused)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(InternalServerError, _http_error)
    app.register_error_handler(Exception, _unexpected)
