"""Attendance reports: a class's grid of learners by lessons, one learner's report (staff and /me),
as a page (printable), CSV or XLSX (`?format=csv|xlsx`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import PROVIDER_STAFF, roles_required
from provider_portal.attendance.queries import first_enrolment_day, taught_class_ids
from provider_portal.attendance.report import (
    NOT_HELD,
    PRESETS,
    STATUSES,
    Grid,
    LearnerReport,
    Period,
    class_grid,
    learner_report,
    resolve_period,
)
from provider_portal.db import get_session
from provider_portal.downloads import attachment
from provider_portal.hours.chart import month_bars_svg
from provider_portal.i18n import number
from provider_portal.labels import label
from provider_portal.models import CourseClass, Learner
from provider_portal.models.enums import Role
from provider_portal.models.keys import pk
from provider_portal.pagination import get_or_404
from provider_portal.transfer.tables import write_csv, write_xlsx

bp = Blueprint("attendance", __name__)
MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _period(start: Any, end: Any) -> Period:
    return resolve_period(request.args, clock.today(), start, end)  # a PeriodError answers 400


def _format() -> str:
    fmt = request.args.get("format", "")
    if fmt not in ("", "csv", "xlsx"):
        abort(Response(render_template("errors/error.html", code=400,
                                       message=_("Format must be csv or xlsx.")), 400))
    return fmt


def _taught_ids() -> list[int] | None:
    """The classes a teacher teaches; None for the other roles (tenancy limits those)."""
    if current_user.role != Role.TEACHER:
        return None
    return taught_class_ids(get_session(), current_user.id)


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{number(value * 100, 0)} %"


def _presets() -> list[tuple[str, str]]:
    names = {"8w": _("Last 8 weeks"), "month": _("This month"), "quarter": _("This quarter"),
             "all": _("Everything")}
    return [(p, names[p]) for p in PRESETS]


def _file(fmt: str, headers: list[str], rows: list[list[Any]], stem: str, period: Period) -> Response:
    data = write_csv(headers, rows) if fmt == "csv" else write_xlsx(headers, rows, _("Attendance"))
    return attachment(data, f"{stem}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.{fmt}", MIMETYPES[fmt])


def _total_heads() -> list[str]:
    return [*(str(label(s, "attendance_status")) for s in STATUSES), _("Not marked"), _("Hours"),
            _("Attendance rate")]


@bp.route("/classes/<int:class_id>/attendance-report")
@roles_required(*PROVIDER_STAFF)
def class_report(class_id: int) -> str | Response:
    session = get_session()
    course = get_or_404(session, CourseClass, class_id)
    taught = _taught_ids()
    if taught is not None and class_id not in taught:
        abort(403)
    fmt = _format()
    grid = class_grid(session, course, _period(course.start_date, course.end_date), clock.today())
    if fmt:
        return _file(fmt, *_grid_table(grid), f"aanwezigheid-overzicht-klas-{course.id}", grid.period)
    return render_template("attendance/class.html", grid=grid, course=course, presets=_presets(),
                           statuses=STATUSES, rate=_rate, not_held=NOT_HELD)


def _grid_table(grid: Grid) -> tuple[list[str], list[list[Any]]]:
    """One row per learner: a letter-free status word per lesson, then the totals."""
    heads = [_("Learner"), *(f"{x.lesson_date.isoformat()} {x.start_time:%H:%M}" for x in grid.lessons),
             *_total_heads()]
    rows: list[list[Any]] = []
    for learner in grid.learners:
        totals = grid.by_learner[learner.id or 0]
        cells = [str(label(grid.cell(learner, x).state, "grid_state")) for x in grid.lessons]
        rows.append([f"{learner.last_name}, {learner.first_name}", *cells,
                     *(totals.counts[s] for s in STATUSES), totals.unmarked, totals.hours,
                     _rate(totals.rate)])
    return heads, rows


def _learner_page(report: LearnerReport, fmt: str, stem: str, back: str | None) -> str | Response:
    if fmt:
        heads = [_("Date"), _("Time"), _("Class"), _("Status"), _("Minutes")]
        rows = [[x.lesson.lesson_date, f"{x.lesson.start_time:%H:%M}–{x.lesson.end_time:%H:%M}",
                 x.course.name,
                 str(label(x.cell.state, "grid_state")), x.cell.minutes] for x in report.lessons]
        return _file(fmt, heads, rows, stem, report.period)
    chart = month_bars_svg(report.by_month, _("Hours per month"))
    return render_template("attendance/learner.html", report=report, presets=_presets(), rate=_rate,
                           chart=chart, statuses=STATUSES, back=back, not_held=NOT_HELD)


def _learner_start(session: Session, learner: Learner) -> date:
    return first_enrolment_day(session, pk(learner)) or clock.today()


@bp.route("/learners/<int:learner_id>/attendance-report")
@roles_required(*PROVIDER_STAFF)
def learner(learner_id: int) -> str | Response:
    session = get_session()
    person = get_or_404(session, Learner, learner_id)  # tenancy: a teacher's own learners only
    fmt = _format()
    period = _period(_learner_start(session, person), clock.today())
    report = learner_report(session, person, period, clock.today(), _taught_ids())
    return _learner_page(report, fmt, f"aanwezigheid-rapport-cursist-{person.id}", "learner")


@bp.route("/me/attendance")
@roles_required(Role.LEARNER)
def mine() -> str | Response:
    session = get_session()
    person = get_or_404(session, Learner, current_user.learner_id)
    fmt = _format()
    period = _period(_learner_start(session, person), clock.today())
    report = learner_report(session, person, period, clock.today())
    return _learner_page(report, fmt, "mijn-aanwezigheid", None)

