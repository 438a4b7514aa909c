"""A platform admin onboards a provider: the provider and its first administrator, in one transaction.

Nothing is stored unless every field is valid (the form's checks, a unique BOW number, a unique
e-mail address and a password that passes the policy). The creation is audited as a
`security_event` ("provider_onboarded") on the new administrator's account, naming the platform admin.
The administrator logs in with the initial password the platform admin shares in person (as for
every account a platform admin creates, `users.accounts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from provider_portal.db import savepoint
from provider_portal.models import Provider, SecurityEvent, User
from provider_portal.models.enums import Role
from provider_portal.models.keys import pk
from provider_portal.models.user import normalise_email
from provider_portal.service_errors import DomainError
from provider_portal.users.service import UserError, build_user


class OnboardingError(DomainError):
    """The onboarding is refused; `field` names the form field."""


@dataclass(frozen=True, slots=True)
class ProviderData:
    name: str
    bow_number: str
    keurmerk_status: str
    keurmerk_valid_from: date | None
    keurmerk_valid_until: date | None
    kvk_number: str
    iban: str
    vat_id: str | None
    street: str
    postcode: str
    city: str
    phone: str = ""
    email: str = ""
    require_two_factor: bool = False


def list_providers(session: Session) -> list[tuple[Provider, int]]:
    """Every provider with its number of active administrators, by name."""
    admins = (sa.select(sa.func.count(col(User.id))).where(col(User.provider_id) == col(Provider.id),
                                                     col(User.role) == Role.PROVIDER_ADMIN, col(User.active))
              .correlate(Provider).scalar_subquery())
    rows = session.execute(sa.select(Provider, admins).order_by(col(Provider.name), col(Provider.id)))
    return [(p, n) for p, n in rows]


def _bow_taken(session: Session, bow: str) -> bool:
    stmt = sa.select(col(Provider.id)).where(col(Provider.bow_number) == bow)
    return session.execute(stmt).first() is not None


def _email_taken(session: Session, email: str) -> bool:
    return session.execute(sa.select(col(User.id)).where(col(User.email) == email)).first() is not None


def onboard_provider(session: Session, actor: User, data: ProviderData, *, admin_name: str,
                     admin_email: str, admin_password: str) -> tuple[Provider, User]:
    """Create the provider and its first provider administrator, or nothing (a savepoint undoes a
    half-made onboarding); the caller's unit of work commits."""
    email = normalise_email(admin_email)
    if _bow_taken(session, data.bow_number):
        raise OnboardingError("bow_number", _l("Another provider already uses this BOW number."))
    if _email_taken(session, email):
        raise OnboardingError("admin_email", _l("An account with this e-mail address already exists."))
    try:
        admin = build_user(email=email, name=admin_name, role=Role.PROVIDER_ADMIN, password=admin_password)
    except UserError as exc:
        raise OnboardingError("admin_password", exc.message) from exc
    provider = Provider(**{f: getattr(data, f) for f in ProviderData.__dataclass_fields__})
    try:
        with savepoint(session):
            session.add(provider)
            session.flush()
            admin.provider_id = provider.id
            session.add(admin)
            session.flush()
            session.add(SecurityEvent(user_id=pk(admin), actor_id=actor.id, kind="provider_onboarded",
                                      detail=f"{provider.name} (BOW {provider.bow_number})"))
            session.flush()
    except IntegrityError as exc:  # a concurrent onboarding took the BOW number or the e-mail address
        if _bow_taken(session, data.bow_number):
            raise OnboardingError("bow_number",
                                  _l("Another provider already uses this BOW number.")) from exc
        raise OnboardingError("admin_email",
                              _l("An account with this e-mail address already exists.")) from exc
    return provider, admin


def save_settings(session: Session, provider: Provider) -> None:
    """Store the provider's changed settings; a BOW number another provider took meanwhile is
    refused at `bow_number` (the unique constraint, checked in a savepoint)."""
    try:
        with savepoint(session):
            session.flush()
    except IntegrityError as exc:
        raise OnboardingError("bow_number", _l("Another provider already uses this BOW number.")) from exc
