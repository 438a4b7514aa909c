"""What the planner's pages read (cohorts, trainers, participants, learners, runs): rows and plain
data, every query through the tenant filter, so a planner only ever reads their municipalities'."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import (
    Cohort,
    CohortMeeting,
    ExamBooking,
    ExamLocation,
    ExamSession,
    Job,
    Learner,
    LearnerLanguage,
    LearnerModule,
    Placement,
    PlanningProfile,
    PlanRun,
    Provider,
    RunMail,
    Trainer,
)


class CohortList(NamedTuple):
    """The cohorts page: every cohort with its first meeting and size, and the trainers."""

    cohorts: list[Cohort]
    first: dict[int, date]
    sizes: dict[int, int]
    trainers: list[Trainer]


def cohort_list(session: Session) -> CohortList:
    stmt = sa.select(Cohort).order_by(col(Cohort.module), col(Cohort.name))
    cohorts = list(session.execute(stmt).scalars())
    first = session.execute(
        sa.select(col(CohortMeeting.cohort_id), sa.func.min(col(CohortMeeting.meeting_date)))
        .group_by(col(CohortMeeting.cohort_id))
    ).all()
    sizes = session.execute(
        sa.select(col(Placement.cohort_id), sa.func.count()).group_by(col(Placement.cohort_id))
    ).all()
    return CohortList(cohorts, {int(c): day for c, day in first}, {int(c): int(n) for c, n in sizes},
                      trainers(session))


def trainers(session: Session) -> list[Trainer]:
    """The trainers of the planner's municipalities, by name."""
    return list(session.execute(sa.select(Trainer).order_by(col(Trainer.name))).scalars())


def trainer_options(session: Session) -> list[tuple[str, str]]:
    """(id, name) of each trainer, by name, for a choice list (the form coerces the id)."""
    rows = session.execute(sa.select(col(Trainer.id), col(Trainer.name)).order_by(col(Trainer.name))).all()
    return [(str(i), str(name)) for i, name in rows]


def trainer_name(session: Session, trainer_id: int) -> str | None:
    stmt = sa.select(col(Trainer.name)).where(col(Trainer.id) == trainer_id)
    return session.execute(stmt).scalar_one_or_none()


def meetings(session: Session, cohort_id: int) -> list[CohortMeeting]:
    """The cohort's meetings in date order."""
    stmt = (sa.select(CohortMeeting).where(col(CohortMeeting.cohort_id) == cohort_id)
            .order_by(col(CohortMeeting.meeting_date)))
    return list(session.execute(stmt).scalars())


def participant_rows(session: Session, cohort_id: int) -> list[tuple[Placement, list[str]]]:
    """The cohort's published placements with the cells of its participant list (name, municipality,
    postcode, route, languages), by name."""
    placements = list(session.execute(
        sa.select(Placement).where(col(Placement.cohort_id) == cohort_id)).scalars())
    learners = {
        int(x.id or 0): x
        for x in session.execute(
            sa.select(Learner).where(col(Learner.id).in_([p.learner_id for p in placements]))
        ).scalars()
    }
    langs: dict[int, list[str]] = {}
    for row in session.execute(
        sa.select(LearnerLanguage)
        .where(col(LearnerLanguage.learner_id).in_(list(learners)))
        .order_by(col(LearnerLanguage.language))
    ).scalars():
        langs.setdefault(row.learner_id, []).append(row.language)
    rows = [
        (p, [f"{x.last_name}, {x.first_name}", x.municipality, x.postcode, x.route,
             ", ".join(langs.get(p.learner_id, []))])
        for p in placements
        if (x := learners.get(p.learner_id))
    ]
    return sorted(rows, key=lambda r: r[1][0])


def profile_of(session: Session, learner_id: int) -> PlanningProfile | None:
    return session.execute(
        sa.select(PlanningProfile).where(col(PlanningProfile.learner_id) == learner_id)
    ).scalar_one_or_none()


def module_statuses(session: Session, learner_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """Per learner, the status of each of their modules."""
    out: dict[int, dict[str, str]] = {}
    stmt = sa.select(LearnerModule).where(col(LearnerModule.learner_id).in_(list(learner_ids)))
    for row in session.execute(stmt).scalars():
        out.setdefault(row.learner_id, {})[row.module] = row.status
    return out


class LearnerPlan(NamedTuple):
    """A learner's page for their planner: provider's name, published placements and exam bookings."""

    provider_name: str | None
    placements: list[tuple[Placement, Cohort]]
    bookings: list[tuple[ExamBooking, ExamSession, str]]


def learner_plan(session: Session, learner: Learner) -> LearnerPlan:
    provider_name = session.execute(
        sa.select(col(Provider.name)).where(col(Provider.id) == learner.provider_id)
    ).scalar_one_or_none()
    placements = session.execute(
        sa.select(Placement, Cohort)
        .join(Cohort, col(Cohort.id) == col(Placement.cohort_id))
        .where(col(Placement.learner_id) == learner.id)
        .order_by(col(Placement.module))
    ).all()
    bookings = session.execute(
        sa.select(ExamBooking, ExamSession, col(ExamLocation.name))
        .join(ExamSession, col(ExamSession.id) == col(ExamBooking.session_id))
        .join(ExamLocation, col(ExamLocation.id) == col(ExamSession.location_id))
        .where(col(ExamBooking.learner_id) == learner.id)
        .order_by(col(ExamSession.day), col(ExamSession.start_time))
    ).all()
    return LearnerPlan(provider_name, [(p, c) for p, c in placements],
                       [(b, s, str(name)) for b, s, name in bookings])


def recent_runs(session: Session, kind: str, limit: int = 20) -> list[PlanRun]:
    """The planner's latest runs of one solver (the tenant filter keeps them to this planner)."""
    stmt = (sa.select(PlanRun).where(col(PlanRun.kind) == kind)
            .order_by(col(PlanRun.created_at).desc()).limit(limit))
    return list(session.execute(stmt).scalars())


def job(session: Session, job_id: int | None) -> Job | None:
    return session.execute(sa.select(Job).where(col(Job.id) == job_id)).scalar_one_or_none()


def latest_job(session: Session, kind: str, active_key: str) -> Job | None:
    """The latest job of `kind` with this active key (e.g. a run's e-mail)."""
    stmt = (sa.select(Job).where(col(Job.kind) == kind, col(Job.active_key) == active_key)
            .order_by(col(Job.id).desc()).limit(1))
    return session.execute(stmt).scalar_one_or_none()


def run_mails(session: Session, run_id: int) -> list[RunMail]:
    """The run's e-mail rows, by kind and recipient."""
    stmt = (sa.select(RunMail).where(col(RunMail.run_id) == run_id)
            .order_by(col(RunMail.kind), col(RunMail.recipient_name), col(RunMail.id)))
    return list(session.execute(stmt).scalars())


def mail_counts(mails: Sequence[RunMail]) -> dict[str, int]:
    """How many of the rows have each status."""
    counts: dict[str, int] = {}
    for row in mails:
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


class MailAudience(NamedTuple):
    """Who a run's e-mail reaches: its learners with a published booking or placement, their trainers."""

    learners: int
    trainers: int


def mail_audience(session: Session, run: PlanRun) -> MailAudience:
    learner_ids = [int(x["id"]) for x in (run.problem or {}).get("learners", [])] or [-1]
    if run.kind == "exams":
        learners = session.execute(sa.select(sa.func.count(sa.distinct(col(ExamBooking.learner_id))))
                                   .where(col(ExamBooking.learner_id).in_(learner_ids))).scalar_one()
        return MailAudience(int(learners), 0)
    placed = sa.select(col(Placement.cohort_id)).where(col(Placement.learner_id).in_(learner_ids))
    learners = session.execute(sa.select(sa.func.count(sa.distinct(col(Placement.learner_id))))
                               .where(col(Placement.learner_id).in_(learner_ids))).scalar_one()
    trainers = session.execute(sa.select(sa.func.count(sa.distinct(col(Cohort.trainer_id))))
                               .where(col(Cohort.id).in_(placed))).scalar_one()
    return MailAudience(int(learners), int(trainers))
