"""The municipality's progress report: consenting learners of the planner's municipalities only.

Which learners: the tenant filter limits the rows to the planner's municipalities, and the sharing
rule (`service.shared_window`, `service.shared_parts`) to learners whose consent is in force today.
What: hours and attendance rate over the shared part of the period (`hours`), module statuses
(`modules`), exam bookings and results (`exams`), each only when the consent's scope names it.
Attendance rows are the provider's, which a planner's session may not read, so the figures of the
learners who consented are computed in a session without the tenant filter, for their ids only.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle
from sqlmodel import Session, col

from billing.fonts import para, stylesheet, table_font_commands
from billing.spreadsheet import csv_row
from provider_portal.consent.service import EXAMS, HOURS, MODULES, shared_parts, shared_window
from provider_portal.hours.service import hours_summary
from provider_portal.i18n import day, number
from provider_portal.labels import label
from provider_portal.models import (
    ExamBooking,
    ExamLocation,
    ExamResult,
    ExamSession,
    Learner,
    LearnerConsent,
    LearnerModule,
    Provider,
)


@dataclass(frozen=True)
class ExamResultLine:
    """One DUO exam result from the results register (issue 12 point 2), in the reader's words."""

    component: str
    exam_date: date
    result: str


@dataclass
class ProgressRow:
    learner_id: int
    name: str
    municipality: str
    provider: str
    route: str
    consent_since: date
    first: date
    last: date
    parts: frozenset[str]
    hours: float | None = None
    rate: float | None = None
    modules: dict[str, str] | None = None
    exams: list[tuple[str, date, str]] | None = None  # (component, day, location)
    results: list[ExamResultLine] | None = None

    @property
    def exam_trips(self) -> list[tuple[date, str, list[str]]]:
        """The exam bookings by day and location: (day, location, components in order)."""
        trips: dict[tuple[date, str], list[str]] = {}
        for component, when, place in self.exams or []:
            trips.setdefault((when, place), []).append(component)
        return [(when, place, parts) for (when, place), parts in trips.items()]


@dataclass
class ProgressReport:
    first: date
    last: date
    made_on: date
    rows: list[ProgressRow] = field(default_factory=list)


def exam_results_for(session: Session, learner_ids: Sequence[int], first: date, last: date
                     ) -> dict[int, list[ExamResultLine]]:
    """DUO exam results per learner taken in [first, last], from the results register (imported or
    entered by the provider), oldest first; each as "component date: level passed/not passed"."""
    out: dict[int, list[ExamResultLine]] = {}
    if not learner_ids:
        return out
    stmt = (sa.select(ExamResult).where(col(ExamResult.learner_id).in_(list(learner_ids)),
                                        col(ExamResult.exam_date).between(first, last))
            .order_by(col(ExamResult.exam_date), col(ExamResult.component), col(ExamResult.attempt)))
    for r in session.execute(stmt).scalars():
        outcome = _("passed") if r.passed else _("not passed")
        out.setdefault(r.learner_id, []).append(ExamResultLine(
            str(label(r.component, "exam_component")), r.exam_date, f"{r.level} {outcome}"))
    return out


RESULTS_RECORDED = True  # `exam_results_for` reads the results register


def progress_report(scoped: Session, raw: Session, first: date, last: date, today: date,
                    learner_id: int | None = None) -> ProgressReport:
    """The report for the learners `scoped` (the planner's tenant-filtered session) may see."""
    report = ProgressReport(first, last, today)
    stmt = (
        sa.select(Learner, LearnerConsent, col(Provider.name))
        .join(LearnerConsent, col(LearnerConsent.learner_id) == col(Learner.id))
        .join(Provider, col(Provider.id) == col(Learner.provider_id))
        .where(col(LearnerConsent.given_on) <= min(last, today))
        .order_by(col(Learner.municipality), col(Learner.last_name), col(Learner.first_name), col(Learner.id))
    )
    if learner_id is not None:
        stmt = stmt.where(col(Learner.id) == learner_id)
    rows = scoped.execute(stmt).all()
    for learner, consent, provider in rows:
        window = shared_window(consent, first, last, today)
        parts = shared_parts(consent, today)
        if window is None or not parts:
            continue
        report.rows.append(ProgressRow(
            learner_id=int(learner.id), name=learner.full_name, municipality=learner.municipality,
            provider=provider, route=learner.route, consent_since=consent.given_on,
            first=window[0], last=window[1], parts=parts))
    _fill(scoped, raw, report)
    return report


def _fill(scoped: Session, raw: Session, report: ProgressReport) -> None:
    by_id = {row.learner_id: row for row in report.rows}
    if not by_id:
        return
    for row in report.rows:
        if HOURS in row.parts:
            learner = raw.get(Learner, row.learner_id)
            assert learner is not None
            summary = hours_summary(raw, learner, row.last, since=row.first)
            row.hours, row.rate = summary.hours, summary.rate
        if MODULES in row.parts:
            row.modules = {}
        if EXAMS in row.parts:
            row.exams = []
    modules = (sa.select(LearnerModule).where(col(LearnerModule.learner_id).in_(list(by_id)))
               .order_by(col(LearnerModule.module)))
    for module in scoped.execute(modules).scalars():
        target = by_id[module.learner_id]
        if target.modules is not None:
            target.modules[module.module] = module.status
    bookings = scoped.execute(
        sa.select(col(ExamBooking.learner_id), col(ExamBooking.component), col(ExamSession.day),
                  col(ExamLocation.name))
        .join(ExamSession, col(ExamSession.id) == col(ExamBooking.session_id))
        .join(ExamLocation, col(ExamLocation.id) == col(ExamSession.location_id))
        .where(col(ExamBooking.learner_id).in_(list(by_id)))
        .order_by(col(ExamSession.day), col(ExamSession.start_time))
    ).all()
    for learner_id, component, when, place in bookings:
        target = by_id[learner_id]
        if target.exams is not None:
            target.exams.append((str(label(component, "exam_component")), when, place))
    exam_ids = [row.learner_id for row in report.rows if row.exams is not None]
    results = exam_results_for(raw, exam_ids, report.first, report.last)
    for learner_id in exam_ids:
        row = by_id[learner_id]
        row.results = [r for r in results.get(learner_id, []) if row.first <= r.exam_date <= row.last]


def _not_shared() -> str:
    return _("not shared")


def _cells(row: ProgressRow) -> list[str]:
    hours = number(row.hours) if row.hours is not None else _not_shared()
    rate = (f"{round(row.rate * 100)} %" if row.rate is not None else "–") if HOURS in row.parts \
        else _not_shared()
    modules = ", ".join(f"{m}: {label(s, 'module_status')}" for m, s in row.modules.items()) \
        if row.modules is not None else _not_shared()
    exams = "; ".join(f"{day(d)}, {p}: {', '.join(parts)}" for d, p, parts in row.exam_trips) \
        if row.exams is not None else _not_shared()
    if row.results is None:
        results = _not_shared()
    elif not RESULTS_RECORDED:
        results = _("not recorded in the portal yet")
    else:
        results = "; ".join(f"{r.component} {day(r.exam_date)}: {r.result}" for r in row.results) or "–"
    return [row.name, row.municipality, row.provider, str(label(row.route, "route")), day(row.consent_since),
            f"{day(row.first)} – {day(row.last)}", hours, rate, modules, exams or "–", results]


def _header() -> list[str]:
    return [_("Name"), _("Municipality"), _("Provider"), _("Route"), _("Consent since"), _("Period shared"),
            _("Hours"), _("Attendance"), _("Group modules"), _("Exam bookings"), _("Exam results")]


def report_csv(report: ProgressReport) -> str:
    """The report as semicolon-separated CSV; every cell passes the formula neutraliser."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(csv_row(_header()))
    writer.writerows(csv_row(_cells(row)) for row in report.rows)
    return out.getvalue()


def report_pdf(report: ProgressReport, towns: Sequence[str]) -> bytes:
    """The report to send or print: one table, landscape A4, DejaVu font, every text escaped."""
    styles = stylesheet()
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    head = styles["BodyText"].clone("head", fontSize=7.5, leading=9, fontName="DejaVuSans-Bold")
    title = _("Progress report %(first)s – %(last)s", first=day(report.first), last=day(report.last))
    intro = _("Municipalities: %(towns)s. Made on %(day)s. Only learners who consented to sharing their "
              "progress with the municipality are listed, only what their consent covers, and only the "
              "days from their consent on.", towns=", ".join(towns), day=day(report.made_on))
    story = [para(title, styles["Title"]), para(intro, styles["BodyText"]), Spacer(1, 8)]
    if report.rows:
        data = [[para(h, head) for h in _header()]]
        data += [[para(c, small) for c in _cells(r)] for r in report.rows]
        widths = [80, 60, 70, 55, 52, 75, 35, 45, 95, 130, 70]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([*table_font_commands(), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3"))]))
        story.append(table)
    else:
        story.append(para(_("No learner of these municipalities has consent in force for this period."),
                          styles["BodyText"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4), title=title, leftMargin=28, rightMargin=28).build(story)
    return buffer.getvalue()
