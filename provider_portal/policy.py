"""Dated policy figures: the exam registration lead time, free attempts, the exam fee and the
exemption's hours and attempts (domain.md). Each is a list of (from date, value): the latest
setting that started on or before a day applies; a platform admin adds settings under *Policy
figures*, no code changes. The defaults below are the figures in force when the Wet inburgering
2021 took effect, the first day they apply to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from provider_portal.db import savepoint
from provider_portal.models import PolicySetting
from provider_portal.models.types import utcnow
from provider_portal.service_errors import DomainError

LAW_START = date(2022, 1, 1)  # Wet inburgering 2021: the current regime's first day


@dataclass(frozen=True)
class Policy:
    """One figure: its label, unit (weeks, count, hours or cents), allowed range and dated default."""

    label: object
    unit: str
    low: int
    high: int
    default: int


POLICIES: dict[str, Policy] = {
    "exam_lead_weeks": Policy(_l("Exam registration lead time"), "weeks", 0, 52, 6),
    "exam_free_attempts": Policy(_l("Free attempts per exam component"), "count", 0, 10, 2),
    "exam_fee_cents": Policy(_l("Exam fee per component after the free attempts"), "cents", 0, 100_000, 5000),
    "exemption_hours": Policy(_l("Exemption: lesson hours at a Keurmerk provider"), "hours", 1, 5000, 600),
    "exemption_attempts": Policy(_l("Exemption: attempts at every component not passed"), "count", 1, 20, 4),
}
UNITS = {"weeks": _l("weeks"), "count": _l("times"), "hours": _l("hours"), "cents": "EUR"}


@dataclass(frozen=True)
class Figures:
    """Every policy figure as it applies on one day."""

    on: date
    exam_lead_weeks: int
    exam_free_attempts: int
    exam_fee_cents: int
    exemption_hours: int
    exemption_attempts: int


def history(session: Session) -> dict[str, list[tuple[date, int]]]:
    """Every key's settings, oldest first, the default included as its first entry."""
    out: dict[str, list[tuple[date, int]]] = {key: [(LAW_START, p.default)] for key, p in POLICIES.items()}
    rows = session.execute(sa.select(col(PolicySetting.key), col(PolicySetting.effective_from),
                                     col(PolicySetting.value))
                           .order_by(col(PolicySetting.effective_from))).all()
    for key, start, value in rows:
        if key in out:
            out[key] = [item for item in out[key] if item[0] != start] + [(start, value)]
            out[key].sort()
    return out


def figures_on(session: Session, on: date) -> Figures:
    """The figures in force on `on` (one query)."""
    values = {key: _value_on(items, on) for key, items in history(session).items()}
    return Figures(on=on, **values)


def _value_on(items: list[tuple[date, int]], on: date) -> int:
    applicable = [value for start, value in items if start <= on]
    return applicable[-1] if applicable else items[0][1]


def stored(session: Session) -> dict[str, list[PolicySetting]]:
    """The stored settings per key, oldest first (the platform admin's page: demo marks, corrections)."""
    out: dict[str, list[PolicySetting]] = {key: [] for key in POLICIES}
    rows = session.execute(sa.select(PolicySetting).order_by(col(PolicySetting.effective_from))).scalars()
    for row in rows:
        out.setdefault(row.key, []).append(row)
    return out


def correctable(setting: PolicySetting, today: date) -> bool:
    """A demo value, or a setting not yet in force, may be corrected; a setting in force never is."""
    return setting.demo_value or setting.effective_from > today


def _checked_value(key: str, value: int) -> None:
    policy = POLICIES.get(key)
    if policy is None:
        raise DomainError("key", _l("Unknown policy figure."))
    if not policy.low <= value <= policy.high:
        raise DomainError("value", _l("Value: must lie between %(low)s and %(high)s.",
                                     low=_shown(policy, policy.low), high=_shown(policy, policy.high)))


def _taken_day() -> DomainError:
    return DomainError("effective_from", _l("A setting of this figure already starts on that day."))


def add_setting(session: Session, key: str, value: int, effective_from: date,
                created_by_id: int | None) -> None:
    """Store a new dated figure; one setting per key and starting day, so the history stays readable."""
    _checked_value(key, value)
    try:
        with savepoint(session):
            session.add(PolicySetting(key=key, value=value, effective_from=effective_from,
                                      created_by_id=created_by_id))
            session.flush()
    except IntegrityError:
        raise _taken_day() from None


def correct_setting(session: Session, setting: PolicySetting, value: int, effective_from: date,
                    user_id: int | None, today: date) -> None:
    """Correct a demo value (any day: its day was a guess) or a setting not yet in force (to a day
    still to come: the past is never rewritten). The correction clears the demo mark; the update is
    conditional, so of two corrections at once, or a correction racing the day the setting starts,
    only one that still may is stored."""
    _checked_value(setting.key, value)
    if not correctable(setting, today):
        raise DomainError("effective_from", _l("This setting is in force: add a new setting instead."))
    if not setting.demo_value and effective_from <= today:
        raise DomainError("effective_from", _l(
            "Applies from: a correction of a coming setting must start after today; add a new setting for "
            "a change already in force."))
    start = col(PolicySetting.effective_from)
    try:
        with savepoint(session):
            result = session.execute(
                sa.update(PolicySetting)
                .where(col(PolicySetting.id) == setting.id,
                       col(PolicySetting.demo_value) == setting.demo_value,
                       col(PolicySetting.value) == setting.value, start == setting.effective_from,
                       sa.or_(col(PolicySetting.demo_value), start > today))
                .values(value=value, effective_from=effective_from, demo_value=False, created_by_id=user_id,
                        created_at=utcnow())
                .execution_options(synchronize_session=False)
            )
        changed = cast("CursorResult[Any]", result).rowcount
    except IntegrityError:
        raise _taken_day() from None
    if changed != 1:
        raise DomainError("value", _l("Someone changed this setting meanwhile: check it and try again."))


def _shown(policy: Policy, value: int) -> str:
    return f"{value / 100:.2f}" if policy.unit == "cents" else str(value)
