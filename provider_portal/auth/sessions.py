"""Server-side log-in sessions: the signed cookie alone no longer proves a log-in.

At log-in the browser's session gets a random token; the `user_session` table keeps only its
SHA-256. Every request's user load (`loader.load_user`) joins that row in the same query: a request
is logged in only while the row exists, is not revoked and is younger than the session lifetime.

- logging out revokes this browser's row, so a copied cookie stops working at once;
- changing one's password revokes every other row of the user (this browser stays logged in);
- "log out everywhere", an administrator's password reset and deactivating an account revoke all.

Rows of ended log-ins (revoked, or older than the lifetime) are deleted once they have been ended for
`SESSION_RETENTION_DAYS` (default 30): by the jobs process's nightly housekeeping and by
`flask users purge-sessions` (`purge_ended`).

Every change runs in the caller's session; the caller's `db.unit_of_work` commits it.

The table is read and written with Core statements on `UserSession.__table__`, which no tenant filter
touches (it is in `tenancy.PLATFORM_ONLY`: nobody reads it through the ORM).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, session
from sqlalchemy.orm import Session
from sqlmodel import col

from provider_portal.db import changed_rows
from provider_portal.models import User, UserSession
from provider_portal.models.types import utcnow

TOKEN_KEY = "login_token"
table = UserSession.__table__  # type: ignore[attr-defined]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return lifetime if isinstance(lifetime, timedelta) else timedelta(seconds=int(lifetime))


def start(db: Session, user: User) -> None:
    """Record a new log-in of `user` and put its token in the browser's (already cleared) session."""
    token = secrets.token_urlsafe(32)
    db.execute(sa.insert(table).values(user_id=user.id, token_hash=_hash(token), created_at=utcnow()))
    session[TOKEN_KEY] = token


def current_token_hash() -> str | None:
    token = session.get(TOKEN_KEY)
    return _hash(token) if isinstance(token, str) and token else None


def live_user(db: Session, user_id: int) -> User | None:
    """The active user `user_id` if this browser's log-in is live: one indexed join, no extra query."""
    token_hash = current_token_hash()
    if token_hash is None:
        return None
    since: datetime = utcnow() - _lifetime()
    stmt = (
        sa.select(User)
        .join(table, table.c.user_id == col(User.id))
        .where(
            col(User.id) == user_id,
            col(User.active).is_(True),
            table.c.token_hash == token_hash,
            table.c.revoked_at.is_(None),
            table.c.created_at > since,
        )
    )
    return db.execute(stmt).scalar_one_or_none()


def end_current(db: Session) -> None:
    """Revoke this browser's log-in (logging out)."""
    token_hash = current_token_hash()
    if token_hash is not None:
        db.execute(
            sa.update(table)
            .where(table.c.token_hash == token_hash, table.c.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def end_all(db: Session, user_id: int | None, *, keep_current: bool = False) -> None:
    """Revoke every log-in of the user, or every other one with `keep_current` (a password change)."""
    stmt = sa.update(table).where(table.c.user_id == user_id, table.c.revoked_at.is_(None))
    token_hash = current_token_hash() if keep_current else None
    if token_hash is not None:
        stmt = stmt.where(table.c.token_hash != token_hash)
    db.execute(stmt.values(revoked_at=utcnow()))


def purge_ended(db: Session, *, now: datetime, lifetime: timedelta, retention: timedelta) -> int:
    """Delete the log-ins that ended more than `retention` before `now`: revoked then, or expired
    then (started more than `lifetime` before that). Live sessions are never touched. The number
    deleted; the caller commits."""
    cutoff = now - retention
    ended = sa.or_(sa.and_(table.c.revoked_at.is_not(None), table.c.revoked_at < cutoff),
                   table.c.created_at < cutoff - lifetime)
    return changed_rows(db.execute(sa.delete(table).where(ended)))
