"""Build the group-session solver's Problem from the portal's data.

Choices the solver's input needs and the portal fills in (docs/sessions.md has the model):
- a venue is at its municipality's centre; a learner's home is their place of residence where
  `places.csv` lists it under their municipality, else the municipality's centre (`home`);
  postcodes are not geocoded (no postcode table is shipped);
- availability and travel come from the learner's planning profile, else weekdays 08-17 and 25 km;
- busy times are the learner's own lessons (their classes) in the planning horizon;
- PVT is due 12 months after settling (the DUO term start stands in for the settling date); once
  that has passed, and for KNM and MAP, the deadline is the end of the DUO term (with extension);
- planned modules count as still required, with the published placement as the existing plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import (
    Cohort,
    CohortMeeting,
    Enrolment,
    Learner,
    LearnerLanguage,
    LearnerModule,
    Lesson,
    Placement,
    PlanningProfile,
    Trainer,
)
from provider_portal.models.enums import REQUIRED_MODULES, LessonStatus, ModuleStatus
from provider_portal.reference.places import HomeLevel, centre_of, home_of
from scheduler.common.calendar import DayPart, Interval
from scheduler.common.geo import Point
from scheduler.sessions import domain as sd

DEFAULT_AVAILABILITY = frozenset(
    (day, part)
    for day in ("mon", "tue", "wed", "thu", "fri")
    for part in (DayPart.MORNING, DayPart.AFTERNOON)
)
DEFAULT_TRAVEL_KM = 25
PVT_MONTHS = 12
STATUS = {
    ModuleStatus.REQUIRED: sd.Status.REQUIRED,
    ModuleStatus.PLANNED: sd.Status.REQUIRED,
    ModuleStatus.EXEMPT: sd.Status.EXEMPT,
    ModuleStatus.DONE: sd.Status.DONE,
}


def centre(municipality: str) -> Point:
    """The municipality's centre; one without a known centre is a data error worth stopping for
    (`runs.start_run` refuses such a run with a message first)."""
    where = centre_of(municipality)
    if where is None:
        raise KeyError(municipality)
    return Point(*where)


def home(learner: Learner | LearnerRow) -> tuple[Point, HomeLevel]:
    """Where the learner lives: their place of residence, else their municipality's centre; and which
    of the two it is. A municipality without a centre raises KeyError, as `centre` does."""
    where = home_of(learner.municipality, learner.place)
    if where is None:
        raise KeyError(learner.municipality)
    return Point(*where[0]), where[1]


def home_levels(session: Session, learner_ids: list[int]) -> dict[str, int]:
    """How many of these learners live at a known place and how many at their municipality's centre."""
    counts = {str(level): 0 for level in HomeLevel}
    stmt = sa.select(col(Learner.municipality), col(Learner.place)).where(col(Learner.id).in_(learner_ids))
    for municipality, place in session.execute(stmt):
        where = home_of(municipality, place)
        if where is not None:
            counts[str(where[1])] += 1
    return counts


def modules() -> tuple[sd.Module, ...]:
    """Which routes require which module (domain.md, "Routes")."""
    return tuple(
        sd.Module(code, frozenset(str(r) for r, mods in REQUIRED_MODULES.items() if code in mods))
        for code in sd.MODULES
    )


def build_problem(session: Session, municipalities: tuple[str, ...], plan_date: date) -> sd.Problem:
    """Everything a run for these municipalities needs, as of `plan_date`.

    Rows are read as plain columns and the learners' rows through a sub-select of their
    municipalities, not as ORM objects by a list of ids: at 3,000 learners the objects and the
    3,000-parameter IN lists cost seconds (bench/planning)."""
    cohorts = _cohorts(session, municipalities, plan_date)
    horizon = max((c.last_day for c in cohorts), default=plan_date) + timedelta(days=1)
    learners = _learners(session, municipalities, plan_date, horizon)
    ids = {int(x.id) for x in learners}
    placements = session.execute(
        sa.select(col(Placement.learner_id), col(Placement.module), col(Placement.cohort_id),
                  col(Placement.pinned))
        .where(col(Placement.learner_id).in_(_ids_of(municipalities)))
    )
    known = {c.id for c in cohorts}
    existing = tuple(
        sd.Assignment(str(learner), module, str(cohort), pinned)
        for learner, module, cohort, pinned in placements
        if learner in ids and str(cohort) in known
    )
    trainers = session.execute(sa.select(Trainer).where(col(Trainer.municipality)
        .in_(municipalities))).scalars()
    return sd.Problem(
        plan_date=plan_date,
        modules=modules(),
        cohorts=cohorts,
        learners=learners,
        trainers=tuple(sd.Trainer(str(t.id), t.name) for t in trainers),
        existing=existing,
    )


def _interval(day: date, start: time, end: time) -> Interval:
    return Interval(datetime.combine(day, start), datetime.combine(day, end))


def _cohorts(session: Session, municipalities: tuple[str, ...], plan_date: date) -> tuple[sd.Cohort, ...]:
    rows = (
        session.execute(sa.select(Cohort).where(col(Cohort.municipality).in_(municipalities))
            .order_by(col(Cohort.id)))
        .scalars()
        .all()
    )
    meetings: dict[int, list[Interval]] = {}
    stmt = sa.select(CohortMeeting).where(col(CohortMeeting.cohort_id).in_([c.id for c in rows]))
    for m in session.execute(stmt.order_by(col(CohortMeeting.meeting_date),
        col(CohortMeeting.start_time))).scalars():
        meetings.setdefault(m.cohort_id, []).append(_interval(m.meeting_date, m.start_time, m.end_time))
    return tuple(
        sd.Cohort(
            id=str(c.id),
            module=c.module,
            location=c.venue,
            point=centre(c.municipality),
            language=c.language,
            trainer=str(c.trainer_id),
            meetings=tuple(meetings[c.id]),
            min_size=c.min_size,
            max_size=c.max_size,
            cost=c.cost_cents / 100,
        )
        for c in rows
        if meetings.get(c.id) and meetings[c.id][0].start.date() >= plan_date
    )


def _ids_of(municipalities: tuple[str, ...]) -> sa.Select[int | None]:
    """The learners of these municipalities, as a sub-select (the tenant filter applies to it too)."""
    return sa.select(col(Learner.id)).where(col(Learner.municipality).in_(municipalities))


@dataclass(frozen=True, slots=True)
class LearnerRow:
    """The columns of a learner that planning reads (`deadlines`, `home_of`)."""

    id: int
    route: str
    municipality: str
    place: str
    duo_term_start: date
    duo_term_end: date
    duo_term_extended_until: date | None

    @property
    def term_deadline(self) -> date:
        return self.duo_term_extended_until or self.duo_term_end


def learner_rows(session: Session, where: Any) -> list[LearnerRow]:
    """The planning columns of the learners matching `where`, by id."""
    stmt = sa.select(col(Learner.id), col(Learner.route), col(Learner.municipality), col(Learner.place),
                     col(Learner.duo_term_start), col(Learner.duo_term_end),
                     col(Learner.duo_term_extended_until)).where(where).order_by(col(Learner.id))
    return [LearnerRow(*row) for row in session.execute(stmt)]


@dataclass(frozen=True, slots=True)
class ProfileRow:
    """The planning profile's columns (availability and preferences as stored: "mon:morning")."""

    learner_id: int
    availability: list[str]
    preferred: list[str]
    max_travel_km: int
    earliest_start: date | None
    exam_needs: list[str]


def profile_rows(session: Session, learners: sa.Select[Any]) -> dict[int, ProfileRow]:
    """The planning profiles of the learners `learners` selects, by learner id."""
    stmt = sa.select(col(PlanningProfile.learner_id), col(PlanningProfile.availability),
                     col(PlanningProfile.preferred), col(PlanningProfile.max_travel_km),
                     col(PlanningProfile.earliest_start),
                     col(PlanningProfile.exam_needs)).where(col(PlanningProfile.learner_id).in_(learners))
    return {int(row[0]): ProfileRow(*row) for row in session.execute(stmt)}


def _learners(
    session: Session, municipalities: tuple[str, ...], plan_date: date, horizon: date
) -> tuple[sd.Learner, ...]:
    rows = learner_rows(session, col(Learner.municipality).in_(municipalities))
    ours = _ids_of(municipalities)
    statuses: dict[int, dict[str, sd.Status]] = {}
    stmt = sa.select(col(LearnerModule.learner_id), col(LearnerModule.module), col(LearnerModule.status))
    for learner_id, module, status in session.execute(stmt.where(col(LearnerModule.learner_id).in_(ours))):
        statuses.setdefault(learner_id, {})[module] = STATUS[ModuleStatus(status)]
    languages: dict[int, list[str]] = {}
    by_language = sa.select(col(LearnerLanguage.learner_id), col(LearnerLanguage.language))
    for learner_id, language in session.execute(
        by_language.where(col(LearnerLanguage.learner_id).in_(ours)).order_by(col(LearnerLanguage.language))
    ):
        languages.setdefault(learner_id, []).append(language)
    profiles = profile_rows(session, ours)
    busy = _busy(session, ours, plan_date, horizon)
    return tuple(
        _learner(
            x,
            statuses.get(x.id, {}),
            languages.get(x.id, []),
            profiles.get(x.id),
            busy.get(x.id, ()),
            plan_date,
        )
        for x in rows
        if any(s is sd.Status.REQUIRED for s in statuses.get(x.id, {}).values())
    )


def _learner(
    x: LearnerRow,
    statuses: dict[str, sd.Status],
    languages: list[str],
    profile: ProfileRow | None,
    busy: tuple[Interval, ...],
    plan_date: date,
) -> sd.Learner:
    slots = _slots(profile.availability) if profile and profile.availability else DEFAULT_AVAILABILITY
    return sd.Learner(
        id=str(x.id),
        route=x.route,
        statuses=statuses,
        languages=tuple(languages) or ("nl",),
        home=home(x)[0],
        max_travel_km=float(profile.max_travel_km if profile else DEFAULT_TRAVEL_KM),
        availability=slots,
        preferred=_slots(profile.preferred) if profile else frozenset(),
        busy=busy,
        earliest_start=max(plan_date, profile.earliest_start or plan_date) if profile else plan_date,
        deadlines=deadlines(x, plan_date),
    )


def deadlines(x: Learner | LearnerRow, plan_date: date) -> dict[str, date]:
    """PVT within 12 months of settling where still possible; everything within the DUO term."""
    term = x.term_deadline
    settled = x.duo_term_start
    pvt = date(settled.year + 1, settled.month, min(settled.day, 28))
    return {"KNM": term, "MAP": term, "PVT": pvt if pvt >= plan_date else term}


def _slots(texts: list[str]) -> frozenset[sd.Slot]:
    return frozenset((day, DayPart(part)) for day, part in (t.split(":") for t in texts))


def _busy(
    session: Session, learner_ids: sa.Select[Any], first: date, last: date
) -> dict[int, tuple[Interval, ...]]:
    """Each learner's own lessons between `first` and `last`: the solver keeps cohorts clear of them."""
    stmt = (
        sa.select(col(Enrolment.learner_id), col(Lesson.lesson_date), col(Lesson.start_time),
            col(Lesson.end_time))
        .join(Lesson, col(Lesson.class_id) == col(Enrolment.class_id))
        .where(
            col(Enrolment.learner_id).in_(learner_ids),
            col(Lesson.lesson_date).between(first, last),
            col(Lesson.status) == LessonStatus.SCHEDULED,
            col(Lesson.lesson_date) >= col(Enrolment.from_date),
            sa.or_(col(Enrolment.to_date).is_(None), col(Lesson.lesson_date) <= col(Enrolment.to_date)),
        )
    )
    busy: dict[int, list[Interval]] = {}
    for learner_id, day, start, end in session.execute(stmt):
        busy.setdefault(learner_id, []).append(_interval(day, start, end))
    return {k: tuple(v) for k, v in busy.items()}
