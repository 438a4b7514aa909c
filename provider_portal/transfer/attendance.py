"""Attendance over a period for one class or one learner, with totals, as rows for CSV/XLSX."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.attendance.roster import counts_at_lesson
from provider_portal.models import Attendance, CourseClass, Enrolment, Learner, Lesson
from provider_portal.models.enums import ATTENDED, LessonStatus

HEADERS = ("datum", "begin", "eind", "duur_minuten", "klas", "cursist", "status", "minuten")
CANCELLED = "cancelled"


@dataclass(frozen=True)
class Line:
    """One learner at one lesson; `status` is empty when no attendance was registered."""

    lesson_date: date
    start: time
    end: time
    duration: int
    class_name: str
    learner_name: str
    status: str
    minutes: int

    @property
    def held(self) -> bool:
        return self.status != CANCELLED


def _lines(session: Session, where: Iterable[Any]) -> list[Line]:
    """Lessons joined to the enrolments covering their date, with any attendance, in date order.

    A signed lesson lists only the learners on its register: a later, backdated enrolment adds nobody.
    """
    stmt = (
        sa.select(Lesson, col(CourseClass.name), col(Learner.id), col(Learner.first_name),
                  col(Learner.last_name),
                  col(Attendance.status), col(Attendance.minutes))
        .join(CourseClass, col(CourseClass.id) == col(Lesson.class_id))
        .join(Enrolment, sa.and_(
            col(Enrolment.class_id) == col(Lesson.class_id),
            col(Enrolment.from_date) <= col(Lesson.lesson_date),
            sa.or_(col(Enrolment.to_date).is_(None), col(Lesson.lesson_date) <= col(Enrolment.to_date))))
        .join(Learner, col(Learner.id) == col(Enrolment.learner_id))
        .outerjoin(Attendance, sa.and_(col(Attendance.lesson_id) == col(Lesson.id),
                                       col(Attendance.learner_id) == col(Learner.id)))
        .where(counts_at_lesson(col(Learner.id)), *where)
        .order_by(col(Lesson.lesson_date), col(Lesson.start_time), col(CourseClass.name),
                  col(Learner.last_name), col(Learner.id))
    )
    lines = []
    for lesson, class_name, _lid, first, last, status, minutes in session.execute(stmt):
        cancelled = lesson.status == LessonStatus.CANCELLED
        lines.append(Line(lesson.lesson_date, lesson.start_time, lesson.end_time, lesson.minutes, class_name,
                          f"{first} {last}", CANCELLED if cancelled else status or "",
                          0 if cancelled else minutes or 0))
    return lines


def class_lines(session: Session, course: CourseClass, since: date, until: date) -> list[Line]:
    """Every enrolled learner at every lesson of the class between the dates (inclusive)."""
    return _lines(session, [col(Lesson.class_id) == course.id, col(Lesson.lesson_date).between(since, until)])


def learner_lines(session: Session, learner: Learner, since: date, until: date) -> list[Line]:
    """Every lesson of the learner's classes, while enrolled, between the dates (inclusive)."""
    return _lines(session, [col(Enrolment.learner_id) == learner.id, col(Lesson.lesson_date).between(since,
                                                                                                     until)])


def attended_minutes(line: Line) -> int:
    """Only attended statuses count towards hours (absence with notice has no minutes)."""
    return line.minutes if line.status in ATTENDED else 0


def table_rows(lines: list[Line], per_learner: bool) -> list[list[Any]]:
    """The lines, then one totals row per learner (class export) and an overall totals row."""
    rows: list[list[Any]] = [[x.lesson_date, x.start, x.end, x.duration, x.class_name, x.learner_name,
                              x.status, x.minutes] for x in lines]
    if per_learner:
        by_learner: dict[str, list[Line]] = defaultdict(list)
        for line in lines:
            by_learner[line.learner_name].append(line)
        rows += [_total(name, group) for name, group in sorted(by_learner.items())]
    held = {(x.lesson_date, x.start, x.class_name): x.duration for x in lines if x.held}
    rows.append(["totaal", "", "", sum(held.values()), "", "", str(len(held)),
                 sum(attended_minutes(x) for x in lines)])
    return rows


def _total(name: str, lines: list[Line]) -> list[Any]:
    held = [x for x in lines if x.held]
    attended = sum(1 for x in held if x.status in ATTENDED)
    return ["totaal", "", "", sum(x.duration for x in held), "", name, f"{attended}/{len(held)}",
            sum(attended_minutes(x) for x in lines)]
