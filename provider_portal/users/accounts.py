"""Platform accounts (planners and platform admins), managed by a platform admin in the portal.

Provider staff belong to a provider and are managed by its provider admin (`users.service`);
these accounts belong to no provider, so only a platform admin may make them. Accounts are never
deleted, only deactivated: solver runs, jobs and audit rows keep pointing at their user.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.auth.sessions import end_all
from provider_portal.models import PlannerMunicipality, User
from provider_portal.models.enums import PLATFORM_ROLES
from provider_portal.users.service import UserError, check_municipalities, create_user


@dataclass(frozen=True, slots=True)
class PlatformAccount:
    """An account as the list shows it: the user and the municipalities a planner plans for."""

    user: User
    municipalities: tuple[str, ...]


def list_platform_accounts(session: Session) -> list[PlatformAccount]:
    """Every planner and platform admin, active ones first, then by name."""
    users = session.execute(
        sa.select(User).where(col(User.role).in_(PLATFORM_ROLES))
        .order_by(col(User.active).desc(), col(User.name), col(User.id))
    ).scalars().all()
    towns: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        sa.select(col(PlannerMunicipality.user_id), col(PlannerMunicipality.municipality))
        .order_by(col(PlannerMunicipality.municipality))
    )
    for user_id, municipality in rows:
        towns[user_id].append(municipality)
    return [PlatformAccount(u, tuple(towns.get(u.id or 0, ()))) for u in users]


def get_platform_account(session: Session, user_id: int) -> User | None:
    """The planner or platform admin with this id; provider staff and learners are not found here."""
    return session.execute(
        sa.select(User).where(col(User.id) == user_id, col(User.role).in_(PLATFORM_ROLES))
    ).scalar_one_or_none()


def create_platform_account(session: Session, *, email: str, name: str, role: str, password: str,
                            municipalities: tuple[str, ...]) -> User:
    """A new planner (with the municipalities it plans for) or platform admin; nothing is stored
    unless every field is valid."""
    if role not in PLATFORM_ROLES:
        raise UserError("role", _l("Choose planner or platform administrator."))
    check_municipalities(role, municipalities)
    return create_user(session, email=email, name=name, role=role, password=password,
                       municipalities=municipalities)


def set_active(session: Session, acting: User, user: User, active: bool) -> None:
    """Deactivate (the user is logged out on their next request) or reactivate an account; a
    platform admin cannot deactivate themself, so the platform never loses its last admin by
    accident."""
    if not active and user.id == acting.id:
        raise UserError("active", _l("You cannot deactivate your own account."))
    user.active = active
    if not active:  # its sessions end now, and do not come back if the account is reactivated
        end_all(session, user.id)
    session.flush()
