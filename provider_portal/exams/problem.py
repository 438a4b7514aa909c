"""Build the exam solver's Problem from the portal's data.

- the horizon is a quarter (13 weeks) from the plan date;
- an open component is booked only once a teacher or provider admin declared the learner exam-ready
  for it (`exam_readiness`), and not before the registration lead time (a dated policy figure) after
  the later of that date and the run date (which stands in for the registration date); a learner's
  ready date is the latest of their components' (they sit them on one day); they must sit their
  components before the end of the DUO term;
- a learner whose obligation is met (exam passed, exemption, ...) sits no more exams;
- components already planned bring their published booking along as the existing plan; passed and
  exempt ones are left out;
- free attempts, the fee and the lead time are the policy figures in force on the plan date;
- home is the learner's place of residence when `places.csv` lists it under their municipality, else
  the municipality's centre (`planning.problem.home`; postcodes are not geocoded);
- the planning profile brings needs such as extra time, the earliest date, and availability: an exam
  day runs from 09:00 into the afternoon, so a learner whose profile names their times is not booked
  on a weekday without both its morning and its afternoon;
- nearest location first: the portal weighs a kilometre of travel (`WEIGHTS`) so that waiting a few
  exam days for a seat nearby beats a trip to a farther location on the first possible day.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.exam_path.readiness import earliest_exam_day, readiness_of
from provider_portal.models import (
    ExamBooking,
    ExamLocation,
    ExamSession,
    Learner,
    LearnerExam,
    PlanningProfile,
)
from provider_portal.models.enums import ExamStatus
from provider_portal.planning.problem import (
    LearnerRow,
    ProfileRow,
    _ids_of,
    home,
    learner_rows,
    profile_rows,
)
from provider_portal.policy import Figures, figures_on
from scheduler.common.geo import Point
from scheduler.exams import domain as ed

HORIZON = timedelta(weeks=13)
# Nearest location first: a kilometre of a trip weighs as much as five days of waiting for one component
# (`wait_per_day` is 2), so a five-component trip to a location 40 km farther is chosen only when the
# nearest one has no seat for about six weeks. `book` is raised with it so that booking still outweighs
# every trip within the travel limit (150 km: 1,500 points), even a lone ONA interview booked late.
WEIGHTS = ed.Weights(book=3000, travel_per_km=10)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Portal component names (models.enums.ExamComponent) and the solver's ids.
TO_CORE = {
    "lezen": "lezen",
    "luisteren": "luisteren",
    "schrijven": "schrijven",
    "spreken": "spreken",
    "KNM": "knm",
    "ONA": "ona",
}
FROM_CORE = {core: portal for portal, core in TO_CORE.items()}
STILL_NEEDED = (ExamStatus.OPEN, ExamStatus.PLANNED)


def build_exam_problem(session: Session, municipalities: tuple[str, ...], plan_date: date) -> ed.Problem:
    """Everything an exam run for these municipalities needs, as of `plan_date`."""
    end = plan_date + HORIZON
    locations = (
        session.execute(sa.select(ExamLocation).where(col(ExamLocation.active))
            .order_by(col(ExamLocation.code)))
        .scalars()
        .all()
    )
    code = {x.id: x.code for x in locations}
    sessions = (
        session.execute(
            sa.select(ExamSession)
            .where(col(ExamSession.location_id).in_(list(code)), col(ExamSession.day).between(plan_date, end))
            .order_by(col(ExamSession.day), col(ExamSession.start_time), col(ExamSession.id))
        )
        .scalars()
        .all()
    )
    figures = figures_on(session, plan_date)
    learners = _learners(session, municipalities, plan_date, figures)
    ids = {int(x.id) for x in learners}
    known = {str(s.id) for s in sessions}
    held = held_elsewhere(session, [s.id for s in sessions if s.id is not None], sorted(ids))
    stmt = sa.select(col(ExamBooking.learner_id), col(ExamBooking.component), col(ExamBooking.session_id),
                     col(ExamBooking.pinned))
    bookings = tuple(
        ed.Booking(str(learner), TO_CORE[component], str(sid), pinned)
        for learner, component, sid, pinned in session.execute(
            stmt.where(col(ExamBooking.learner_id).in_(_ids_of(municipalities))))
        if learner in ids and str(sid) in known
    )
    return ed.Problem(
        start=plan_date,
        end=end,
        components=ed.DEFAULT_COMPONENTS,
        locations=tuple(
            ed.Location(
                x.code,
                x.name,
                Point(x.lat, x.lon),
                frozenset(x.facilities),
                frozenset(date.fromisoformat(d) for d in x.closed_dates),
            )
            for x in locations
        ),
        sessions=tuple(
            ed.Session(
                str(s.id),
                code[s.location_id],
                s.day,
                TO_CORE[s.component],
                s.start_time,
                s.minutes,
                max(0, s.seats - held.get(s.id or 0, 0)),
            )
            for s in sessions
        ),
        learners=learners,
        bookings=bookings,
        weights=WEIGHTS,
        settings=ed.Settings(free_attempts=figures.exam_free_attempts,
                             fee_per_component_eur=figures.exam_fee_cents // 100,
                             ready_after_registration_days=figures.exam_lead_weeks * 7),
    )


def held_elsewhere(session: Session, session_ids: list[int], learner_ids: list[int]) -> dict[int, int]:
    """Seats per exam session already booked by learners outside this run (other municipalities'
    planners, or learners of ours this run leaves alone): the run may only fill what is left."""
    if not session_ids:
        return {}
    rows = session.execute(
        sa.select(col(ExamBooking.session_id), sa.func.count())
        .where(col(ExamBooking.session_id).in_(session_ids), col(ExamBooking.learner_id)
            .not_in(learner_ids or [-1]))
        .group_by(col(ExamBooking.session_id))
    ).all()
    return {int(sid): int(n) for sid, n in rows}


def _learners(session: Session, municipalities: tuple[str, ...], plan_date: date,
              figures: Figures) -> tuple[ed.Learner, ...]:
    # plain columns, and the learners' rows through a sub-select rather than a list of thousands of
    # ids: ORM objects and long IN lists cost seconds at 3,000 learners (bench/planning)
    where = sa.and_(col(Learner.municipality).in_(municipalities), col(Learner.obligation_met_on).is_(None))
    rows = learner_rows(session, where)
    ours = sa.select(col(Learner.id)).where(where)
    ready = readiness_of(session, ours)
    exams: dict[int, list[ExamRow]] = {}
    stmt = sa.select(col(LearnerExam.learner_id), col(LearnerExam.component), col(LearnerExam.status),
                     col(LearnerExam.attempts))
    for e in map(ExamRow._make, session.execute(
        stmt.where(col(LearnerExam.learner_id).in_(ours), col(LearnerExam.status).in_(STILL_NEEDED))
    )):
        if e.status == ExamStatus.PLANNED or e.component in ready.get(e.learner_id, {}):
            exams.setdefault(e.learner_id, []).append(e)
    profiles = profile_rows(session, ours)
    registered = plan_date + timedelta(weeks=figures.exam_lead_weeks)

    def ready_day(learner_id: int) -> date:
        days = [earliest_exam_day(ready[learner_id][e.component].ready_on, plan_date, figures)
                for e in exams[learner_id] if e.component in ready.get(learner_id, {})]
        return max([registered, *days])

    out = []
    for x in rows:
        if not exams.get(x.id or 0):
            continue
        profile = profiles.get(x.id)
        ready_on = ready_day(x.id or 0)
        first = max(ready_on, profile.earliest_start or ready_on) if profile else ready_on
        if x.term_deadline < first:
            continue
        out.append(
            ed.Learner(
                id=str(x.id),
                needs=tuple(sorted(TO_CORE[e.component] for e in exams[x.id])),
                ready=first,
                deadline=x.term_deadline,
                home=home_of(x),
                attempts=tuple(sorted((TO_CORE[e.component], e.attempts) for e in exams[x.id])),
                unavailable=unavailable_days(profile, first, min(x.term_deadline, plan_date + HORIZON)),
                requirements=frozenset(profile.exam_needs) if profile else frozenset(),
            )
        )
    return tuple(out)


class ExamRow(NamedTuple):
    learner_id: int
    component: str
    status: str
    attempts: int


def home_of(learner: Learner | LearnerRow) -> Point:
    """The learner's place of residence where it is known, else the municipality's centre."""
    return home(learner)[0]


def unavailable_days(
    profile: PlanningProfile | ProfileRow | None, first: date, last: date
) -> frozenset[date]:
    """Days in [first, last] the learner cannot sit an exam day (09:00 into the afternoon): weekdays
    without both their morning and their afternoon in the profile's availability. No profile, or one
    naming no times, means every weekday (the planning default)."""
    if profile is None or not profile.availability:
        return frozenset()
    slots = set(profile.availability)
    free = {n for n, name in enumerate(WEEKDAYS) if {f"{name}:morning", f"{name}:afternoon"} <= slots}
    days, day = set(), first
    while day <= last:
        if day.weekday() not in free:
            days.add(day)
        day += timedelta(days=1)
    return frozenset(days)
