"""Attendance over time, like Moodle's attendance report: a class's learners by lessons, and one learner's
lessons and hours per month against the route's target.

The counts follow the hours rules (`hours.service`): only lessons held (not cancelled, not in the future)
on days the learner was enrolled, and on a signed register only the learners it lists, count; a held
lesson without a mark counts as held and not attended. Rate = attended / held, as on the learner page.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.hours.service import ROUTE_HOURS
from provider_portal.input_guards import MAX_SPAN_DAYS, span_too_long
from provider_portal.models import Attendance, CourseClass, Enrolment, Learner, Lesson
from provider_portal.models.enums import ATTENDED, AttendanceStatus, LessonStatus, Route
from provider_portal.policy import figures_on
from provider_portal.service_errors import DomainError

PRESETS = ("8w", "month", "quarter", "all")
STATUSES = tuple(AttendanceStatus)
# Cell states that are not a stored status.
NOT_ENROLLED, NOT_HELD, UNMARKED = "not_enrolled", "not_held", "unmarked"


class PeriodError(DomainError):
    """A period that cannot be shown; `field` names the query parameter at fault, `code` the reason."""

    def __init__(self, field_name: str, code: str) -> None:
        super().__init__(field_name, _period_message(field_name, code))
        self.code = code


def _period_message(field_name: str, code: str) -> LazyString:
    names = {"since": _l("From"), "until": _l("To"), "period": _l("Period")}
    reasons = {
        "not-a-date": _l("is not a date (yyyy-mm-dd)"),
        "until-before-since": _l("must be on or after the first day"),
        "too-long": _l("makes the period longer than %(n)s days", n=MAX_SPAN_DAYS),
        "unknown-preset": _l("is not one of the periods offered"),
    }
    return _l("%(field)s %(reason)s.", field=names[field_name], reason=reasons[code])


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    preset: str  # one of PRESETS, or "" for dates typed in


def resolve_period(args: dict[str, str], today: date, start: date, end: date) -> Period:
    """The period from the query string: a preset (default the last 8 weeks) or `since`/`until`.

    `start`/`end` are the bounds for "all" (a class's or a learner's first and last lesson day).
    Raises PeriodError for unreadable dates, an inverted period or one longer than MAX_SPAN_DAYS.
    """
    since, until = (args.get("since") or "").strip(), (args.get("until") or "").strip()
    if since or until:
        first = _read_date("since", since) if since else today - timedelta(weeks=8) + timedelta(days=1)
        last = _read_date("until", until) if until else today
        if last < first:
            raise PeriodError("until", "until-before-since")
        if span_too_long(first, last):
            raise PeriodError("until", "too-long")
        return Period(first, last, "")
    preset = args.get("period") or "8w"
    if preset not in PRESETS:
        raise PeriodError("period", "unknown-preset")
    if preset == "8w":
        return Period(today - timedelta(weeks=8) + timedelta(days=1), today, preset)
    if preset == "month":
        return Period(today.replace(day=1), today, preset)
    if preset == "quarter":
        return Period(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), today, preset)
    last = max(start, end)
    return Period(max(start, last - timedelta(days=MAX_SPAN_DAYS)), last, preset)


def _read_date(name: str, text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(name, "not-a-date") from None


@dataclass
class Cell:
    state: str  # an AttendanceStatus value, or NOT_ENROLLED / NOT_HELD / UNMARKED
    minutes: int = 0


@dataclass
class Totals:
    """Counts per status over the lessons held, minutes attended and the rate (attended / held)."""

    counts: Counter[str] = field(default_factory=Counter)
    held: int = 0
    minutes: int = 0

    @property
    def attended(self) -> int:
        return sum(self.counts[s] for s in ATTENDED)

    @property
    def absent(self) -> int:
        return self.counts[AttendanceStatus.ABSENT] + self.counts[AttendanceStatus.ABSENT_NOTICE]

    @property
    def unmarked(self) -> int:
        return self.counts[UNMARKED]

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def rate(self) -> float | None:
        return None if not self.held else self.attended / self.held

    def add(self, cell: Cell) -> None:
        if cell.state in (NOT_ENROLLED, NOT_HELD):
            return
        self.held += 1
        self.counts[cell.state] += 1
        if cell.state in ATTENDED:
            self.minutes += cell.minutes


@dataclass
class Grid:
    course: CourseClass
    period: Period
    lessons: list[Lesson]
    learners: list[Learner]
    cells: dict[tuple[int, int], Cell]  # (learner id, lesson id)
    by_learner: dict[int, Totals]
    by_lesson: dict[int, Totals]

    def cell(self, learner: Learner, lesson: Lesson) -> Cell:
        return self.cells[(learner.id or 0, lesson.id or 0)]


def _enrolments(session: Session, class_ids: list[int],
                learner_id: int | None = None) -> dict[tuple[int, int], list[Enrolment]]:
    stmt = sa.select(Enrolment).where(col(Enrolment.class_id).in_(class_ids or [-1]))
    if learner_id is not None:
        stmt = stmt.where(col(Enrolment.learner_id) == learner_id)
    spans: dict[tuple[int, int], list[Enrolment]] = defaultdict(list)
    for enrolment in session.execute(stmt).scalars():
        spans[(enrolment.class_id, enrolment.learner_id)].append(enrolment)
    return spans


def _cell(lesson: Lesson, enrolled: bool, mark: Attendance | None, today: date, signed_without: bool) -> Cell:
    if lesson.lesson_date > today:
        return Cell(NOT_HELD)
    if mark is not None:  # a mark puts the learner on the register, enrolled or not (a correction)
        return Cell(mark.status, mark.minutes)
    if not enrolled or signed_without:
        return Cell(NOT_ENROLLED)
    return Cell(UNMARKED)


def _marks(session: Session, lesson_ids: list[int],
           learner_ids: list[int]) -> dict[tuple[int, int], Attendance]:
    rows = session.execute(sa.select(Attendance).where(
        col(Attendance.lesson_id).in_(lesson_ids or [-1]),
        col(Attendance.learner_id).in_(learner_ids or [-1])))
    return {(a.learner_id, a.lesson_id): a for a in rows.scalars()}


def class_grid(session: Session, course: CourseClass, period: Period, today: date) -> Grid:
    """The class's learners (enrolled at some day of the period) by its lessons held in the period."""
    lessons = list(session.execute(
        sa.select(Lesson).where(col(Lesson.class_id) == course.id,
                                col(Lesson.status) == LessonStatus.SCHEDULED,
                                col(Lesson.lesson_date).between(period.first, period.last))
        .order_by(col(Lesson.lesson_date), col(Lesson.start_time))).scalars())
    spans = _enrolments(session, [course.id or 0])
    learners = list(session.execute(
        sa.select(Learner).where(col(Learner.id).in_([lid for _, lid in spans] or [-1]))
        # tenancy: teacher's own
        .order_by(col(Learner.last_name), col(Learner.first_name), col(Learner.id))).scalars())
    learners = [x for x in learners if any(
        e.from_date <= period.last and (e.to_date is None or e.to_date >= period.first)
        for e in spans[(course.id or 0, x.id or 0)])]
    marks = _marks(session, [x.id or 0 for x in lessons], [x.id or 0 for x in learners])
    on_signed = {(lid, lsn) for lid, lsn in marks}
    cells: dict[tuple[int, int], Cell] = {}
    by_learner = {x.id or 0: Totals() for x in learners}
    by_lesson = {x.id or 0: Totals() for x in lessons}
    for learner in learners:
        for lesson in lessons:
            key = (learner.id or 0, lesson.id or 0)
            enrolled = any(e.covers(lesson.lesson_date) for e in spans[(course.id or 0, key[0])])
            signed_without = lesson.signed_at is not None and key not in on_signed
            cell = _cell(lesson, enrolled, marks.get(key), today, signed_without)
            cells[key] = cell
            by_learner[key[0]].add(cell)
            by_lesson[key[1]].add(cell)
    return Grid(course, period, lessons, learners, cells, by_learner, by_lesson)


@dataclass
class LearnerLesson:
    lesson: Lesson
    course: CourseClass
    cell: Cell


@dataclass
class LearnerReport:
    learner: Learner
    period: Period
    lessons: list[LearnerLesson]
    totals: Totals
    by_month: dict[str, int]  # "YYYY-MM" -> minutes attended, every month of the period
    target_hours: int | None  # the route's lesson target (ROUTE_HOURS), None when the route names none
    before_minutes: int  # minutes attended before the period (for the running total)

    exemption_hours: int  # the exemption's hours mark (a dated policy figure), for every route

    def running(self) -> list[tuple[str, int, int, float | None, float]]:
        """(month, minutes, cumulative minutes since the start, share of the route target 0..1 or None,
        share of the exemption hours mark 0..1)."""
        rows, total = [], self.before_minutes
        for month, minutes in self.by_month.items():
            total += minutes
            share = None if not self.target_hours else total / 60 / self.target_hours
            rows.append((month, minutes, total, share, total / 60 / self.exemption_hours))
        return rows


def learner_report(session: Session, learner: Learner, period: Period, today: date,
                   class_ids: list[int] | None = None) -> LearnerReport:
    """The learner's lessons in the period (in `class_ids` only, when given: a teacher's classes)."""
    visible = sa.select(col(Enrolment.class_id)).where(col(Enrolment.learner_id) == learner.id)
    if class_ids is not None:
        visible = visible.where(col(Enrolment.class_id).in_(class_ids or [-1]))
    rows = session.execute(
        sa.select(Lesson, CourseClass).join(CourseClass, col(CourseClass.id) == col(Lesson.class_id))
        .where(col(Lesson.class_id).in_(visible), col(Lesson.status) == LessonStatus.SCHEDULED,
               col(Lesson.lesson_date) <= period.last)
        .order_by(col(Lesson.lesson_date), col(Lesson.start_time))).all()
    spans = _enrolments(session, list({c.id or 0 for _, c in rows}), learner.id)
    marks = _marks(session, [x.id or 0 for x, _ in rows], [learner.id or 0])
    totals, before = Totals(), Totals()
    by_month: dict[str, int] = {m: 0 for m in _months(period.first, period.last)}
    lessons: list[LearnerLesson] = []
    for lesson, course in rows:
        key = (learner.id or 0, lesson.id or 0)
        enrolled = any(e.covers(lesson.lesson_date) for e in spans[(course.id or 0, learner.id or 0)])
        signed_without = lesson.signed_at is not None and key not in marks
        cell = _cell(lesson, enrolled, marks.get(key), today, signed_without)
        if lesson.lesson_date < period.first:
            before.add(cell)
            continue
        if cell.state == NOT_ENROLLED:
            continue
        lessons.append(LearnerLesson(lesson, course, cell))
        totals.add(cell)
        if cell.state in ATTENDED:
            by_month[lesson.lesson_date.strftime("%Y-%m")] += cell.minutes
    programme = ROUTE_HOURS.get(Route(learner.route)) if learner.route in Route._value2member_map_ else None
    return LearnerReport(learner, period, lessons, totals, by_month,
                         programme.lesson_target if programme else None, before.minutes,
                         figures_on(session, today).exemption_hours)


def _months(first: date, last: date) -> list[str]:
    months, cursor = [], first.replace(day=1)
    while cursor <= last:
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return months
