"""Exemption for demonstrable effort (ontheffing, seed 004 bijlage 3): lesson hours at a Keurmerk
provider and attempts at every component not yet passed, both dated policy figures.

Hours count from signed registers only (what a dossier can prove), at this provider while its
Keurmerk was valid, plus hours at other Keurmerk providers entered with their evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from billing.quarters import add_months
from provider_portal.exam_path.audit import lock_learner, record_change
from provider_portal.models import (
    Attendance,
    CourseClass,
    ExamResult,
    ExternalHours,
    Learner,
    LearnerExam,
    Lesson,
    Provider,
)
from provider_portal.models.enums import ATTENDED, ExamStatus, LessonStatus
from provider_portal.policy import Figures
from provider_portal.service_errors import AlreadyRecorded

NEARLY_SHARE = 10  # "nearly": at most a tenth of the hours and one attempt per component short


@dataclass(frozen=True)
class ComponentEffort:
    component: str
    status: str
    attempts: int
    missing: int  # attempts still needed (0 when passed, exempt or enough)


@dataclass
class Effort:
    """One learner's standing against the exemption's figures on `figures.on`."""

    learner: Learner
    own_by_month: dict[str, int] = field(default_factory=dict)  # yyyy-mm -> minutes, signed, Keurmerk
    own_minutes_without_keurmerk: int = 0
    external_minutes: int = 0
    components: list[ComponentEffort] = field(default_factory=list)
    required_hours: int = 0
    required_attempts: int = 0

    @property
    def hours(self) -> float:
        return round((sum(self.own_by_month.values()) + self.external_minutes) / 60, 1)

    @property
    def missing_hours(self) -> float:
        return max(0.0, round(self.required_hours - self.hours, 1))

    @property
    def open_components(self) -> list[ComponentEffort]:
        return [c for c in self.components if c.status not in (ExamStatus.PASSED, ExamStatus.EXEMPT)]

    @property
    def meets(self) -> bool:
        """Both conditions hold for every component still open (and at least one is open)."""
        return bool(self.open_components) and not self.missing_hours and not any(
            c.missing for c in self.open_components)

    @property
    def nearly(self) -> bool:
        return (not self.meets and bool(self.open_components)
                and self.missing_hours * NEARLY_SHARE <= self.required_hours
                and all(c.missing <= 1 for c in self.open_components))


def _month_has_keurmerk(provider: Provider, month: str) -> bool:
    first = date.fromisoformat(month + "-01")
    last = add_months(first, 1).replace(day=1).toordinal() - 1
    return provider.keurmerk_valid_on(first) or provider.keurmerk_valid_on(date.fromordinal(last))


def efforts(session: Session, learners: list[Learner], figures: Figures) -> list[Effort]:
    """Each learner's effort (a handful of queries for any number of learners)."""
    ids = [x.id or 0 for x in learners]
    out = {x.id or 0: Effort(x, required_hours=figures.exemption_hours,
                        required_attempts=figures.exemption_attempts) for x in learners}
    providers = {p.id: p for p in session.execute(sa.select(Provider).where(
        col(Provider.id).in_({x.provider_id for x in learners}))).scalars()}
    minutes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for lid, day, spent in session.execute(
        sa.select(col(Attendance.learner_id), col(Lesson.lesson_date), col(Attendance.minutes))
        .join(Lesson, col(Lesson.id) == col(Attendance.lesson_id)).join(CourseClass,
            col(CourseClass.id) == col(Lesson.class_id))
        .where(col(Attendance.learner_id).in_(ids), col(Attendance.status).in_(ATTENDED),
               col(Lesson.status) == LessonStatus.SCHEDULED, col(Lesson.signed_at).is_not(None),
               col(Lesson.lesson_date) <= figures.on)
    ):
        minutes[lid][day.strftime("%Y-%m")] += spent
    for lid, by_month in minutes.items():
        effort, provider = out[lid], providers[out[lid].learner.provider_id]
        for month, spent in sorted(by_month.items()):
            if _month_has_keurmerk(provider, month):
                effort.own_by_month[month] = spent
            else:
                effort.own_minutes_without_keurmerk += spent
    for lid, spent in session.execute(
        sa.select(col(ExternalHours.learner_id), sa.func.sum(col(ExternalHours.minutes)))
        .where(col(ExternalHours.learner_id).in_(ids),
            col(ExternalHours.keurmerk)).group_by(col(ExternalHours.learner_id))
    ):
        out[lid].external_minutes = int(spent or 0)
    counted = _attempts(session, ids)
    for e in session.execute(sa.select(LearnerExam).where(col(LearnerExam.learner_id).in_(ids))
                             .order_by(col(LearnerExam.component))).scalars():
        attempts = max(e.attempts, counted.get((e.learner_id, e.component), 0))
        done = e.status in (ExamStatus.PASSED, ExamStatus.EXEMPT)
        out[e.learner_id].components.append(ComponentEffort(
            e.component, e.status, attempts, 0 if done else max(0, figures.exemption_attempts - attempts)))
    return [out[x.id or 0] for x in learners]


def _attempts(session: Session, ids: list[int]) -> dict[tuple[int, str], int]:
    """Attempts per learner and component at A2 or higher, as DUO reported them."""
    rows = session.execute(
        sa.select(col(ExamResult.learner_id), col(ExamResult.component), sa.func.count())
        .where(col(ExamResult.learner_id).in_(ids), col(ExamResult.level).in_(("A2", "B1")))
        .group_by(col(ExamResult.learner_id), col(ExamResult.component))).all()
    return {(lid, comp): int(n) for lid, comp, n in rows}


def candidates(session: Session, figures: Figures) -> list[Effort]:
    """Learners (of the caller's tenant) who meet or nearly meet the exemption, those who meet first."""
    learners = session.execute(sa.select(Learner).where(col(Learner.obligation_met_on).is_(None))
                               .order_by(col(Learner.last_name), col(Learner.first_name))).scalars().all()
    found = [e for e in efforts(session, list(learners), figures) if e.meets or e.nearly]
    return sorted(found, key=lambda e: (not e.meets, e.missing_hours, e.learner.last_name))


def add_external_hours(session: Session, learner: Learner, *, provider_name: str, keurmerk: bool,
                       period_from: date, period_to: date, minutes: int, evidence_name: str,
                       evidence_type: str, evidence: bytes, user_id: int | None) -> ExternalHours:
    """Store hours at another provider with the evidence as uploaded, audited (the caller commits). The same
    entry with the same evidence again (a form sent twice) is refused: the learner row is locked, so
    two at once store one."""
    name = evidence_name.replace("\\", "/").rsplit("/", 1)[-1][-200:] or "bewijs"
    lock_learner(session, learner.id or 0)
    same = session.execute(sa.select(col(ExternalHours.id)).where(
        col(ExternalHours.learner_id) == learner.id,
        col(ExternalHours.provider_name) == provider_name.strip(),
        col(ExternalHours.keurmerk) == keurmerk,
        col(ExternalHours.period_from) == period_from,
        col(ExternalHours.period_to) == period_to,
        col(ExternalHours.minutes) == minutes,
        col(ExternalHours.evidence) == evidence).limit(1)).scalar_one_or_none()
    if same is not None:
        raise AlreadyRecorded("period_from", _l("These hours are already recorded, with the same evidence."))
    row = ExternalHours(learner_id=learner.id or 0, provider_name=provider_name.strip(), keurmerk=keurmerk,
                        period_from=period_from, period_to=period_to, minutes=minutes,
                        evidence_name=name, evidence_type=evidence_type[:100],
                        evidence=evidence, recorded_by_id=user_id)
    session.add(row)
    record_change(session, learner.id or 0, "external_hours", old=None, new={
        "provider": row.provider_name, "keurmerk": keurmerk, "from": period_from.isoformat(),
        "to": period_to.isoformat(), "minutes": minutes, "evidence": row.evidence_name}, user_id=user_id)
    session.flush()
    return row
