"""What the account pages read: the provider's staff, and any account by e-mail address (a platform
admin's two-factor reset). Plain data out; every statement runs through the tenant filter of the
session it is given."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import Provider, User
from provider_portal.models.enums import Role
from provider_portal.models.user import normalise_email


def staff_accounts(session: Session) -> list[User]:
    """Every account but the learners', by name."""
    stmt = sa.select(User).where(col(User.role) != Role.LEARNER).order_by(col(User.name))
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class FoundAccount:
    user: User
    provider_name: str | None  # None for an account of no provider


def account_by_email(session: Session, email: str) -> FoundAccount | None:
    """The account with this e-mail address (in any case), with its provider's name."""
    stmt = sa.select(User).where(col(User.email) == normalise_email(email))
    user = session.execute(stmt).scalar_one_or_none()
    if user is None:
        return None
    if user.provider_id is None:
        return FoundAccount(user, None)
    name = session.execute(sa.select(col(Provider.name)).where(col(Provider.id) == user.provider_id)).scalar()
    return FoundAccount(user, name)
