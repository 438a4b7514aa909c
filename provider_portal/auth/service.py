"""Authentication rules: who may log in, and how passwords change."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from provider_portal.models import User
from provider_portal.models.types import utcnow
from provider_portal.models.user import normalise_email
from provider_portal.service_errors import FieldError

MIN_PASSWORD_LENGTH = 10


class PasswordPolicyError(FieldError):
    """The password change is refused; `field` names the form field, the message says why."""


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials (and their last login stamped), else None."""
    user = session.execute(
        sa.select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    session.commit()
    return user


def check_password_policy(password: str, email: str) -> None:
    """At least 10 characters and not the e-mail address: long beats complicated (NCSC advice)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError("new", _l("Use at least %(n)s characters.", n=MIN_PASSWORD_LENGTH))
    if password.strip().lower() == normalise_email(email):
        raise PasswordPolicyError("new", _l("The password must differ from your e-mail address."))


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Replace the password after checking the current one and the policy."""
    if not user.check_password(current):
        raise PasswordPolicyError("current", _l("The current password is wrong."))
    check_password_policy(new, user.email)
    user.set_password(new)
    session.commit()
