"""Authentication rules: who may log in, and how passwords change."""

from __future__ import annotations

import re
import secrets
from functools import cache

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col
from werkzeug.security import check_password_hash, generate_password_hash

from provider_portal.auth.common_passwords import COMMON_PASSWORDS, PORTAL_NAMES
from provider_portal.models import User
from provider_portal.models.types import utcnow
from provider_portal.models.user import normalise_email
from provider_portal.service_errors import DomainError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 200


class PasswordPolicyError(DomainError):
    """The password change is refused; `field` names the form field, the message says why."""


@cache
def _dummy_hash() -> str:
    """A hash made like the real ones (scrypt, same cost), of a password nobody knows."""
    return generate_password_hash(secrets.token_urlsafe(32), method="scrypt")


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials (and their last login stamped), else None.

    Exactly one hash is verified whether the account exists, is deactivated or not, so the answer's
    time does not tell which e-mail addresses have an account."""
    user = session.execute(
        sa.select(User).where(col(User.email) == normalise_email(email))
    ).scalar_one_or_none()
    matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not matches or not user.active:
        return None
    user.last_login_at = utcnow()
    session.flush()
    return user


def _letters(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def check_password_policy(password: str, email: str) -> None:
    """At least 12 characters, not a common password (with digits or signs around it), not built on
    the e-mail address or the portal's name: long beats complicated (NCSC advice)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError("new", _l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    local = normalise_email(email).partition("@")[0]
    if password.strip().lower() == normalise_email(email) or (
            len(_letters(local)) >= 3 and _letters(local) in _letters(password)):
        raise PasswordPolicyError("new", _l("The password must not contain your e-mail address or name."))
    letters = _letters(password)
    if any(name in letters for name in PORTAL_NAMES):
        raise PasswordPolicyError("new", _l("The password must not contain the portal's name."))
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", password.lower())
    if password.lower() in COMMON_PASSWORDS or core in COMMON_PASSWORDS or not core or len(set(password)) < 4:
        raise PasswordPolicyError("new", _l("This password is too common. Choose a few unrelated words."))


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one and the policy."""
    if not user.check_password(current):
        raise PasswordPolicyError("current", _l("The current password is wrong."))
    check_password_policy(new, user.email)
    user.set_password(new)
    session.flush()
