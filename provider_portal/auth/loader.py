"""Flask-Login's user loader, reading through the request's session."""

from __future__ import annotations

from provider_portal.auth.sessions import live_user
from provider_portal.db import get_session
from provider_portal.input_guards import db_int
from provider_portal.models import User


def load_user(user_id: str) -> User | None:
    """The active user with this id whose log-in (`auth.sessions`) is live, or None (which logs the
    browser out): a copied cookie stops working after log-out, a password change or deactivation."""
    try:
        uid = db_int(user_id)
    except ValueError:
        return None
    return live_user(get_session(), uid)
