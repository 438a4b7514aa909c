"""A planner's calendar: cohorts' meetings and exam sessions in a week or a month, with clashes.

A clash is two cohort meetings on the same day whose times overlap and that share the trainer or the
room (venue, compared without case or extra spaces). A meeting also clashes with its trainer's
recorded languages or availability (when recorded): a cohort in a language the trainer does not
teach in, or a meeting outside the trainer's day parts. Exam sessions are shown, not checked: a DUO
location runs several components at once in different rooms. Every event keeps the reasons it
clashes, naming the other meeting, so the page can say why it is highlighted.
"""

from __future__ import annotations

import calendar as cal
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.models import Cohort, CohortMeeting, ExamLocation, ExamSession, Trainer
from provider_portal.solver_reasons import language_name
from scheduler.common.calendar import DAY_PART_BOUNDS, WEEKDAYS


@dataclass(slots=True)
class Event:
    day: date
    start: time
    end: time
    kind: str  # "meeting" or "exam"
    title: str
    place: str
    trainer_id: int | None = None
    trainer: str = ""
    cohort_id: int | None = None
    clashes: list[str] = field(default_factory=list)


def _room(venue: str) -> str:
    return " ".join(venue.split()).casefold()


def _hhmm(t: time) -> str:
    return t.strftime("%H:%M")


def mark_clashes(events: list[Event]) -> list[Event]:
    """Fill each meeting's `clashes` with a reason per other meeting it collides with."""
    by_day: dict[date, list[Event]] = defaultdict(list)
    for e in events:
        if e.kind == "meeting":
            by_day[e.day].append(e)
    for day_events in by_day.values():
        for i, a in enumerate(day_events):
            for b in day_events[i + 1:]:
                if not (a.start < b.end and b.start < a.end):
                    continue
                if a.trainer_id is not None and a.trainer_id == b.trainer_id:
                    for x, y in ((a, b), (b, a)):
                        x.clashes.append(str(_l("Same trainer (%(trainer)s) as %(other)s, %(start)s–%(end)s",
                                                trainer=x.trainer, other=y.title, start=_hhmm(y.start),
                                                end=_hhmm(y.end))))
                if _room(a.place) == _room(b.place):
                    for x, y in ((a, b), (b, a)):
                        x.clashes.append(str(_l("Same room (%(room)s) as %(other)s, %(start)s–%(end)s",
                                                room=x.place, other=y.title, start=_hhmm(y.start),
                                                end=_hhmm(y.end))))
    return events


def day_parts(day: date, start: time, end: time) -> set[str]:
    """The day parts ("tue:evening") a meeting touches."""
    weekday = WEEKDAYS[day.weekday()]
    return {f"{weekday}:{part}" for part, (low, high) in DAY_PART_BOUNDS.items()
            if start < high and low < end}


def trainer_mismatches(event: Event, language: str, languages: list[str],
                       availability: list[str]) -> list[str]:
    """Reasons a meeting does not fit its trainer's recorded languages or availability (none when
    nothing is recorded)."""
    reasons = []
    if languages and language not in languages:
        reasons.append(str(_l("%(trainer)s does not teach in %(language)s", trainer=event.trainer,
                              language=language_name(language))))
    outside = day_parts(event.day, event.start, event.end) - set(availability)
    if availability and outside:
        reasons.append(str(_l("%(trainer)s is not available then", trainer=event.trainer)))
    return reasons


def period(view: str, anchor: date) -> tuple[date, date]:
    """First and last day shown: the ISO week (Monday to Sunday) or the whole weeks of the month."""
    if view == "month":
        first = anchor.replace(day=1)
        last = anchor.replace(day=cal.monthrange(anchor.year, anchor.month)[1])
        return first - timedelta(days=first.weekday()), last + timedelta(days=6 - last.weekday())
    monday = anchor - timedelta(days=anchor.weekday())
    return monday, monday + timedelta(days=6)


def events(session: Session, start: date, end: date, *, place: str = "", trainer_id: int | None = None,
           module_labels: dict[str, object] | None = None) -> list[Event]:
    """Meetings of the cohorts the user may see and exam sessions from `start` to `end` (inclusive),
    clashes marked over all of them before the filters apply (a clash with a filtered-out meeting
    still shows), sorted by day and time."""
    rows = session.execute(
        sa.select(CohortMeeting, Cohort, Trainer)
        .join(Cohort, col(Cohort.id) == col(CohortMeeting.cohort_id))
        .join(Trainer, col(Trainer.id) == col(Cohort.trainer_id))
        .where(col(CohortMeeting.meeting_date).between(start, end))
    ).all()
    labels = module_labels or {}
    found = [Event(m.meeting_date, m.start_time, m.end_time, "meeting", c.name, c.venue, t.id, t.name, c.id)
             for m, c, t in rows]
    mark_clashes(found)
    for event, (_m, c, t) in zip(found, rows, strict=True):
        event.clashes.extend(trainer_mismatches(event, c.language, t.languages, t.availability))
    exams = session.execute(
        sa.select(ExamSession, ExamLocation).join(ExamLocation,
            col(ExamLocation.id) == col(ExamSession.location_id))
        .where(col(ExamSession.day).between(start, end))
    ).all()
    for s, loc in exams:
        minutes = min(s.start_time.hour * 60 + s.start_time.minute + s.minutes, 24 * 60 - 1)
        finish = time(minutes // 60, minutes % 60)
        found.append(Event(s.day, s.start_time, finish, "exam", str(labels.get(s.component, s.component)),
                           loc.name))
    if place:
        found = [e for e in found if _room(e.place) == _room(place)]
    if trainer_id is not None:
        found = [e for e in found if e.trainer_id == trainer_id]
    return sorted(found, key=lambda e: (e.day, e.start, e.kind, e.title))


def places(session: Session) -> list[str]:
    """Venues of the visible cohorts and the active exam locations, for the filter."""
    venues = session.execute(sa.select(col(Cohort.venue)).distinct()).scalars().all()
    locations = session.execute(sa.select(col(ExamLocation.name))
        .where(col(ExamLocation.active))).scalars().all()
    return sorted({*venues, *locations}, key=str.casefold)
