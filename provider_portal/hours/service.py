"""Attended hours per learner: totals by month and quarter, rate over lessons held, milestones.

Only lessons that took place count (cancelled ones do not), and only on days the learner was
enrolled: somebody who joins mid-course is never counted absent for lessons before joining. A signed
register counts only the learners on it (see `attendance.roster`), so a backdated enrolment never makes
a learner absent on lessons whose registers were already signed.
Hours in lessons of ONA classes are counted as attended hours and, separately, as ONA hours
(DUO asks for both in the monthly contract data).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.attendance.roster import counts_at_lesson
from provider_portal.models import Attendance, Contract, CourseClass, Enrolment, Learner, Lesson
from provider_portal.models.enums import ATTENDED, ContractStatus, LessonStatus, Route


@dataclass(frozen=True)
class RouteHours:
    """A route's programme in hours (domain.md "Routes" and "Other figures", seed 002).

    `language` and `other` are the programme's parts; only hours at school count as attended
    hours, so the learner's lesson target includes `other` only when those hours are lessons too.
    """

    language: int
    other: int = 0
    other_is_lessons: bool = False

    @property
    def lesson_target(self) -> int:
        """The attended lesson hours the route's programme asks for."""
        return self.language + (self.other if self.other_is_lessons else 0)


# The one place for the routes' hour figures. The B1 and B1-Entree routes name no hours (their
# 600-hour figure is the exemption mark above), so they have no route target.
ROUTE_HOURS: dict[Route, RouteHours] = {
    # Z-route: 800 h of language lessons + 800 h of work/participation, which happens outside school.
    Route.Z: RouteHours(language=800, other=800, other_is_lessons=False),
    # Onderwijsroute: about 1000 h of language + 500 h of other subjects (extra English, maths) that
    # prepare for mbo/hbo/wo. Those subjects are lessons at school too, and the register does not
    # tell the subjects apart, so the target is the programme's 1500 lesson hours.
    Route.ONDERWIJS: RouteHours(language=1000, other=500, other_is_lessons=True),
}


@dataclass
class HoursSummary:
    """What the learner page and the alerts show about one learner's hours."""

    minutes: int = 0
    ona_minutes: int = 0  # the part of `minutes` attended in lessons of ONA classes
    by_month: dict[str, int] = field(default_factory=dict)
    by_quarter: dict[str, int] = field(default_factory=dict)
    lessons_held: int = 0
    lessons_attended: int = 0
    purchased_hours: int | None = None

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def ona_hours(self) -> float:
        return round(self.ona_minutes / 60, 1)

    @property
    def rate(self) -> float | None:
        """Share of the lessons held (while enrolled) that the learner attended, 0..1."""
        return None if not self.lessons_held else self.lessons_attended / self.lessons_held


def _held_lessons(learner_id: int, since: date | None, until: date) -> sa.Select:
    """(lesson id, date, ONA class?) of lessons held in the learner's classes while they were enrolled."""
    stmt = (
        sa.select(col(Lesson.id), col(Lesson.lesson_date), col(CourseClass.ona))
        .join(CourseClass, col(CourseClass.id) == col(Lesson.class_id))
        .join(Enrolment, sa.and_(col(Enrolment.class_id) == col(Lesson.class_id),
                                 col(Enrolment.learner_id) == learner_id))
        .where(
            col(Lesson.status) == LessonStatus.SCHEDULED,
            col(Lesson.lesson_date) <= until,
            col(Lesson.lesson_date) >= col(Enrolment.from_date),
            sa.or_(col(Enrolment.to_date).is_(None), col(Lesson.lesson_date) <= col(Enrolment.to_date)),
            counts_at_lesson(learner_id),
        )
    )
    return stmt.where(col(Lesson.lesson_date) >= since) if since else stmt


def hours_summary(session: Session, learner: Learner, today: date, since: date | None = None) -> HoursSummary:
    """The learner's hours up to today (optionally from `since`): two statements, the lessons held
    with the learner's mark on each (an outer join), and the contracts' purchased hours."""
    summary = HoursSummary()
    mark = sa.and_(col(Attendance.lesson_id) == col(Lesson.id), col(Attendance.learner_id) == learner.id)
    stmt = (_held_lessons(learner.id or 0, since, today)
            .add_columns(col(Attendance.status), col(Attendance.minutes)))
    # one row per lesson, though two enrolments in the class may both cover its date
    rows = {row.id: row for row in session.execute(stmt.outerjoin(Attendance, mark))}.values()
    summary.lessons_held = len(rows)
    by_month: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.status in ATTENDED:
            summary.lessons_attended += 1
            summary.minutes += row.minutes
            if row.ona:
                summary.ona_minutes += row.minutes
            by_month[row.lesson_date.strftime("%Y-%m")] += row.minutes
    summary.by_month = dict(sorted(by_month.items()))
    summary.by_quarter = _quarters(summary.by_month)
    summary.purchased_hours = session.execute(
        sa.select(sa.func.sum(col(Contract.purchased_hours))).where(
            col(Contract.learner_id) == learner.id, col(Contract.status) == ContractStatus.ACTIVE
        )
    ).scalar()
    return summary


def _quarters(by_month: dict[str, int]) -> dict[str, int]:
    quarters: dict[str, int] = defaultdict(int)
    for month, minutes in by_month.items():
        year, number = month.split("-")
        quarters[f"{year}-Q{(int(number) - 1) // 3 + 1}"] += minutes
    return dict(quarters)


def milestones(learner: Learner, summary: HoursSummary, exemption_hours: int) -> list[tuple[str, int, float]]:
    """(name, target hours, share reached 0..1) for the contract, the exemption's hour mark (a dated
    policy figure, `policy.Figures.exemption_hours`) and the route target."""
    marks = [("600", exemption_hours)]
    programme = ROUTE_HOURS.get(Route(learner.route))
    if programme:
        marks.append(("route", programme.lesson_target))
    if summary.purchased_hours:
        marks.append(("contract", summary.purchased_hours))
    return [(name, hours, min(1.0, summary.minutes / 60 / hours)) for name, hours in marks]
