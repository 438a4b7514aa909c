"""Consent to share progress with the municipality: record, withdraw, and the one sharing rule.

The rule (seed 004): a learner's progress leaves the provider only while the learner's consent is in
force, only the parts its scope names, and only about the time since the consent was given:
- in force on a day `d`: given on or before `d`, and not withdrawn on or before `d`;
- shared parts: hours and attendance rate (`hours`), group modules (`modules`), exam bookings and
  results (`exams`);
- the figures of a report cover only the days from the consent date on (`shared_window`).
Every change is serialised on the learner's row and adds a `ConsentEvent` (who, when, old, new); the
changes flush in the caller's session, whose `db.unit_of_work` commits (and so releases the lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal import clock
from provider_portal.db import lock_rows
from provider_portal.models import ConsentEvent, Learner, LearnerConsent
from provider_portal.models.keys import pk
from provider_portal.service_errors import DomainError

HOURS, MODULES, EXAMS = "hours", "modules", "exams"
SCOPES = (HOURS, MODULES, EXAMS)


class ConsentError(DomainError):
    """A consent change is refused; `field` names the form field."""


@dataclass(frozen=True)
class ConsentData:
    given_on: date
    share_hours: bool
    share_modules: bool
    share_exams: bool


def in_force(consent: LearnerConsent | None, on: date) -> bool:
    """Whether the consent allows sharing on day `on`."""
    if consent is None or consent.given_on > on:
        return False
    return consent.withdrawn_on is None or on < consent.withdrawn_on


def shared_parts(consent: LearnerConsent | None, on: date) -> frozenset[str]:
    """What may be shared on day `on`: nothing unless the consent is in force, else its scope."""
    if not in_force(consent, on):
        return frozenset()
    assert consent is not None
    flags = {HOURS: consent.share_hours, MODULES: consent.share_modules, EXAMS: consent.share_exams}
    return frozenset(part for part, on_ in flags.items() if on_)


def shared_window(consent: LearnerConsent | None, first: date, last: date,
                  today: date) -> tuple[date, date] | None:
    """The part of the period [first, last] a report made `today` may cover: from the consent date on,
    never past today, and nothing at all unless the consent is in force today."""
    if not in_force(consent, today):
        return None
    assert consent is not None
    start, end = max(first, consent.given_on), min(last, today)
    return (start, end) if start <= end else None


def consent_of(session: Session, learner_id: int) -> LearnerConsent | None:
    return session.get(LearnerConsent, learner_id)


def _snapshot(consent: LearnerConsent) -> dict[str, Any]:
    return {
        "given_on": consent.given_on.isoformat(),
        "share_hours": consent.share_hours,
        "share_modules": consent.share_modules,
        "share_exams": consent.share_exams,
        "withdrawn_on": consent.withdrawn_on.isoformat() if consent.withdrawn_on else None,
    }


def _lock_learner(session: Session, learner: Learner) -> LearnerConsent | None:
    """Serialise changes to one learner's consent: the learner row is held until the caller's unit of
    work ends (PostgreSQL `FOR UPDATE`; SQLite takes its database write lock with a no-op update)."""
    lock_rows(session, Learner, [pk(learner)], col(Learner.updated_at))
    return session.execute(
        sa.select(LearnerConsent).where(col(LearnerConsent.learner_id) == learner.id)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def record_consent(session: Session, learner: Learner, data: ConsentData,
                   user_id: int | None) -> LearnerConsent:
    """Record consent as given (or change its scope); a withdrawn consent given again starts anew."""
    today = clock.today()
    if data.given_on > today:
        raise ConsentError("given_on", _l("The consent date cannot be in the future: record it on the day "
                                          "the learner gives it."))
    if not (data.share_hours or data.share_modules or data.share_exams):
        raise ConsentError("share_hours", _l("Choose at least one thing the learner agrees to share."))
    consent = _lock_learner(session, learner)
    old = _snapshot(consent) if consent is not None else None
    if consent is None:
        consent = LearnerConsent(learner_id=pk(learner), given_on=data.given_on)
        session.add(consent)
        action = "given"
    else:
        action = "given" if consent.withdrawn_on is not None else "changed"
        consent.withdrawn_on = None
    consent.given_on = data.given_on
    consent.share_hours, consent.share_modules, consent.share_exams = (
        data.share_hours, data.share_modules, data.share_exams)
    consent.updated_at = clock.now()
    session.add(ConsentEvent(learner_id=pk(learner), action=action, changed_by_id=user_id,
                             changed_at=clock.now(), old=old, new=_snapshot(consent)))
    session.flush()
    return consent


def withdraw_consent(session: Session, learner: Learner, on: date, user_id: int | None) -> LearnerConsent:
    """Withdraw the consent from day `on`: from then on nothing is shared."""
    consent = _lock_learner(session, learner)
    if consent is None or consent.withdrawn_on is not None:
        raise ConsentError("withdrawn_on", _l("This learner has no consent in force to withdraw."))
    if on > clock.today():
        raise ConsentError("withdrawn_on", _l("The withdrawal date cannot be in the future."))
    if on < consent.given_on:
        raise ConsentError("withdrawn_on", _l("The withdrawal date cannot be before the consent date."))
    old = _snapshot(consent)
    consent.withdrawn_on = on
    consent.updated_at = clock.now()
    session.add(ConsentEvent(learner_id=pk(learner), action="withdrawn", changed_by_id=user_id,
                             changed_at=clock.now(), old=old, new=_snapshot(consent)))
    session.flush()
    return consent


def consent_history(session: Session, learner_id: int) -> list[tuple[ConsentEvent, str | None]]:
    """The consent's audit trail, newest first, with the name of who changed it."""
    from provider_portal.models import User

    rows = session.execute(
        sa.select(ConsentEvent, col(User.name))
        .outerjoin(User, col(User.id) == col(ConsentEvent.changed_by_id))
        .where(col(ConsentEvent.learner_id) == learner_id)
        .order_by(col(ConsentEvent.changed_at).desc(), col(ConsentEvent.id).desc())
    ).all()
    return [(event, name) for event, name in rows]
