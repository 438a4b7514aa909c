"""Staff account use cases for a provider admin. They flush in the caller's session; the caller's
`db.unit_of_work` commits."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from provider_portal.auth.service import PasswordPolicyError, check_password_policy
from provider_portal.auth.sessions import end_all
from provider_portal.db import savepoint
from provider_portal.models import PlannerMunicipality, Provider, User
from provider_portal.models.enums import PROVIDER_ROLES, Role
from provider_portal.models.keys import pk
from provider_portal.models.user import normalise_email
from provider_portal.reference.municipalities import BY_NAME
from provider_portal.service_errors import DomainError


class UserError(DomainError):
    """A change to an account is refused; `field` names the form field."""


def _set_checked_password(user: User, password: str, email: str) -> None:
    """Hash `password` into `user` once it passes the policy; the one place admins set passwords."""
    try:
        check_password_policy(password, email)
    except PasswordPolicyError as exc:
        raise UserError("password", exc.message) from exc
    user.set_password(password)


def build_user(*, email: str, name: str, role: str, password: str, active: bool = True,
               provider_id: int | None = None, learner_id: int | None = None) -> User:
    """An unsaved account with a hashed password that passed the policy."""
    user = User(email=normalise_email(email), name=name.strip(), role=role, active=active,
                provider_id=provider_id, learner_id=learner_id, password_hash="")
    _set_checked_password(user, password, email)
    return user


def reset_password(session: Session, user: User, password: str) -> None:
    """An administrator sets a new password (shared with the user in person), under the same policy
    as a new account's initial password; the old one stops working at once, and so does every session
    of the user (whoever holds one may have learned the old password)."""
    _set_checked_password(user, password, user.email)
    end_all(session, user.id)
    session.flush()


def check_municipalities(role: str, municipalities: tuple[str, ...]) -> None:
    """A planner plans for at least one municipality the portal knows; nobody else has any."""
    if role != Role.PLANNER:
        if municipalities:
            raise UserError("municipalities", _l("Only a planner works for municipalities."))
        return
    if not municipalities:
        raise UserError("municipalities", _l("A planner needs at least one municipality."))
    unknown = [m for m in municipalities if m not in BY_NAME]
    if unknown:
        raise UserError("municipalities", _l("Unknown municipality: %(names)s.", names=", ".join(unknown)))


def create_user(session: Session, *, email: str, name: str, role: str, password: str,
                active: bool = True, provider_id: int | None = None, learner_id: int | None = None,
                municipalities: tuple[str, ...] = ()) -> User:
    """A new account (planners with their municipalities); the e-mail is unique regardless of case."""
    user = build_user(email=email, name=name, role=role, password=password, active=active,
                      provider_id=provider_id, learner_id=learner_id)
    try:
        with savepoint(session):  # a duplicate e-mail (even one added at the same moment) undoes only this
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise UserError("email", _l("An account with this e-mail address already exists.")) from exc
    session.add_all(PlannerMunicipality(user_id=pk(user), municipality=m) for m in municipalities)
    session.flush()
    return user


def update_user(session: Session, acting: User, user: User, *, name: str, role: str,
                active: bool) -> None:
    """Change name, role or active flag; an admin cannot lock themself out."""
    if user.id == acting.id and (not active or role != Role.PROVIDER_ADMIN):
        raise UserError("role", _l("You cannot remove your own administrator access."))
    user.name, user.role, user.active = name.strip(), role, active
    if not active:  # its sessions end now, and do not come back if the account is reactivated
        end_all(session, user.id)
    session.flush()


def create_account(session: Session, *, email: str, name: str, role: str, password: str,
                   provider_bow: str | None, municipalities: tuple[str, ...]) -> User:
    """The command-line way in: provider staff need a provider, planners need municipalities."""
    provider_id = None
    if role in PROVIDER_ROLES:
        provider = session.execute(
            sa.select(Provider).where(col(Provider.bow_number) == (provider_bow or ""))
        ).scalar_one_or_none()
        if provider is None:
            raise UserError("provider_bow", f"no provider with BOW number {provider_bow!r}")
        provider_id = provider.id
    check_municipalities(role, municipalities)
    return create_user(session, email=email, name=name, role=role, password=password,
                       provider_id=provider_id, municipalities=municipalities)
