"""Flask-Login's user loader, reading through the request's session."""

from __future__ import annotations

import sqlalchemy as sa

from provider_portal.db import get_session
from provider_portal.models import User


def load_user(user_id: str) -> User | None:
    """The active user with this id, or None (which logs the browser out)."""
    if not user_id.isdigit():
        return None
    user = get_session().execute(sa.select(User).where(User.id == int(user_id))).scalar_one_or_none()
    return user if user is not None and user.active else None
