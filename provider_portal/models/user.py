"""Staff and planner accounts. E-mail is stored lower-cased so uniqueness ignores case."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlmodel import Field, SQLModel
from werkzeug.security import check_password_hash, generate_password_hash

from provider_portal.models.enums import Role
from provider_portal.models.types import UTCDateTime, utcnow


class User(UserMixin, SQLModel, table=True):
    """A login. Provider staff belong to one provider; planners plan for municipalities instead."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    provider_id: int | None = Field(default=None, foreign_key="provider.id", index=True)
    learner_id: int | None = Field(default=None, foreign_key="learner.id", index=True)
    active: bool = True
    last_login_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Two-factor log-in (`auth.two_factor`): the TOTP secret, Fernet-encrypted; set but not enabled
    # while the user is still confirming it. `totp_last_step` is the 30-second step of the last code
    # accepted, so a code cannot be used twice.
    totp_secret: str | None = Field(default=None, max_length=255)
    totp_enabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    totp_last_step: int | None = Field(default=None, sa_type=sa.BigInteger)

    def set_password(self, password: str) -> None:
        """Hash with Werkzeug's scrypt; the plain password is never stored."""
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        """True when `password` matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses deactivated accounts."""
        return self.active

    @property
    def is_planner(self) -> bool:
        return self.role == Role.PLANNER

    @property
    def has_two_factor(self) -> bool:
        """True once the user confirmed a TOTP secret: log-in then asks for a code."""
        return self.totp_enabled_at is not None and self.totp_secret is not None


class PlannerMunicipality(SQLModel, table=True):
    """A municipality whose learners a planner may plan (across providers)."""

    __tablename__ = "planner_municipality"

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    municipality: str = Field(max_length=100, primary_key=True)


def normalise_email(email: str) -> str:
    """The stored form of an e-mail address: trimmed and lower-cased."""
    return email.strip().lower()


class UserSession(SQLModel, table=True):
    """One log-in of a user: the browser's cookie holds a random token, this row its SHA-256.

    A request is logged in only while its row exists, is not revoked and is younger than the session
    lifetime: logging out revokes the row, a password change or "log out everywhere" revokes all of the
    user's rows, so a copied cookie stops working (`auth.sessions`).
    """

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RecoveryCode(SQLModel, table=True):
    """One of a user's ten one-time recovery codes (for a lost phone): only its SHA-256 is kept, and
    `used_at` is set by a conditional update, so a code logs in once even with parallel requests."""

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SecurityEvent(SQLModel, table=True):
    """The audit trail of account security: two-factor enabled, disabled, reset by a platform admin,
    a recovery code used. `actor_id` is who did it (the user themself, or the platform admin)."""

    __tablename__ = "security_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_id: int = Field(foreign_key="user.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    kind: str = Field(max_length=40)
    detail: str = Field(default="", max_length=500)
