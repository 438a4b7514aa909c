"""Cohort and trainer use cases for planners."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.db import lock_rows
from provider_portal.labels import DAY_PART
from provider_portal.models import Cohort, CohortMeeting, Trainer
from provider_portal.models.keys import pk
from provider_portal.service_errors import DomainError
from scheduler.common.calendar import is_public_holiday


class CohortError(DomainError):
    """A cohort change is refused; `field` names the form field."""


@dataclass(frozen=True)
class CohortData:
    municipality: str
    module: str
    name: str
    venue: str
    language: str
    trainer_id: int
    min_size: int
    max_size: int
    cost_cents: int
    first_day: date
    meetings: int
    start_time: time
    end_time: time


def weekly_meetings(first: date, count: int) -> list[date]:
    """`count` weekly dates from `first`, a week later where a date falls on a public holiday."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if not is_public_holiday(day):
            days.append(day)
        day += timedelta(days=7)
    return days


def save_cohort(session: Session, data: CohortData, cohort: Cohort | None = None) -> Cohort:
    """Create or update a cohort and (re)plan its weekly meetings."""
    if data.max_size < data.min_size:
        raise CohortError("max_size", _l("The maximum must be at least the minimum."))
    if data.end_time <= data.start_time:
        raise CohortError("end_time", _l("A meeting must end after it starts."))
    trainer = session.execute(sa.select(Trainer)
        .where(col(Trainer.id) == data.trainer_id)).scalar_one_or_none()
    if trainer is None:
        raise CohortError("trainer_id", _l("Choose a trainer of your municipalities."))
    cohort = cohort or Cohort()  # type: ignore[call-arg]
    for name in (
        "municipality",
        "module",
        "name",
        "venue",
        "language",
        "trainer_id",
        "min_size",
        "max_size",
        "cost_cents",
    ):
        setattr(cohort, name, getattr(data, name))
    session.add(cohort)
    session.flush()
    session.execute(sa.delete(CohortMeeting).where(col(CohortMeeting.cohort_id) == cohort.id))
    session.add_all(
        CohortMeeting(
            cohort_id=cohort.id or 0, meeting_date=day, start_time=data.start_time, end_time=data.end_time
        )
        for day in weekly_meetings(data.first_day, data.meetings)
    )
    session.flush()
    return cohort


def add_trainer(session: Session, municipality: str, name: str, email: str) -> Trainer:
    """A trainer organised by one of the planner's municipalities."""
    trainer = Trainer(municipality=municipality, name=name.strip(), email=email.strip().lower())
    session.add(trainer)
    session.flush()
    return trainer



def update_trainer(session: Session, trainer: Trainer, name: str, email: str, languages: list[str],
                   availability: list[str]) -> Trainer:
    """Change a trainer's name, e-mail, languages and day parts (kept in the week's order). The row is
    held until the caller's unit of work ends, so two planners' saves apply one after the other."""
    lock_rows(session, Trainer, [pk(trainer)], col(Trainer.name))
    trainer.name, trainer.email = name.strip(), email.strip().lower()
    trainer.languages = sorted(languages)
    trainer.availability = [slot for slot in DAY_PART if slot in availability]
    session.flush()
    return trainer
