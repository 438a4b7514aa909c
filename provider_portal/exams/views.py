"""Exam planner pages: locations and their calendars, exam runs, rosters and invitation letters."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.db import get_session
from provider_portal.downloads import attachment
from provider_portal.exams.calendar import CalendarError, close_day, plan_calendar
from provider_portal.exams.documents import invitation_pdf, roster_csv, roster_pdf
from provider_portal.exams.forms import CalendarForm, CloseDayForm
from provider_portal.models import ExamBooking, ExamLocation, ExamSession, Learner
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404
from provider_portal.planning.pins import pin_view
from provider_portal.planning.run_views import recent_runs, run_form

bp = Blueprint("exams", __name__, url_prefix="/planning/exams")


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.PLANNER)
def index() -> str | Response:
    form, done = run_form("exams")
    if done is not None:
        return done
    session = get_session()
    horizon = clock.today() + timedelta(weeks=13)
    counts = dict(
        session.execute(
            sa.select(ExamSession.location_id, sa.func.count())
            .where(ExamSession.day.between(clock.today(), horizon))
            .group_by(ExamSession.location_id)
        ).all()
    )
    locations = session.execute(sa.select(ExamLocation).order_by(ExamLocation.name)).scalars().all()
    return render_template("exams/index.html", form=form, locations=locations, counts=counts,
                           runs=recent_runs("exams"))


@bp.route("/locations/<int:location_id>", methods=["GET", "POST"])
@roles_required(Role.PLANNER)
def location(location_id: int) -> str | Response:
    session = get_session()
    place = get_or_404(session, ExamLocation, location_id)
    form = CalendarForm()
    if form.validate_on_submit():
        try:
            added = plan_calendar(
                session,
                place,
                form.first.data,
                form.last.data,
                {int(d) for d in form.weekdays.data or ()},
                form.seats.data,
                form.examiners.data,
            )
        except CalendarError as exc:
            form[exc.field].errors = [exc.message]
        else:
            flash(_("%(n)s exam sessions added.", n=added), "success")
            return redirect(url_for("exams.location", location_id=place.id))
    days = session.execute(
        sa.select(ExamSession.day, sa.func.count(), sa.func.sum(ExamSession.seats))
        .where(ExamSession.location_id == place.id, ExamSession.day >= clock.today())
        .group_by(ExamSession.day)
        .order_by(ExamSession.day)
        .limit(60)
    ).all()
    return render_template(
        "exams/location.html", place=place, form=form, close_form=CloseDayForm(), days=days
    )


@bp.route("/locations/<int:location_id>/close", methods=["POST"])
@roles_required(Role.PLANNER)
def close(location_id: int) -> Response:
    session = get_session()
    place = get_or_404(session, ExamLocation, location_id)
    form = CloseDayForm()
    if form.validate_on_submit():
        removed = close_day(session, place, form.day.data)
        flash(_("Closed; %(n)s sessions without bookings removed.", n=removed), "success")
    else:
        flash(_("Give the date to close."), "error")
    return redirect(url_for("exams.location", location_id=place.id))


def _roster_rows(session: sa.orm.Session, place: ExamLocation, day: date) -> list[tuple[str, ...]]:
    stmt = (
        sa.select(
            ExamSession.start_time,
            ExamBooking.component,
            Learner.first_name + " " + Learner.last_name,
            Learner.municipality,
            ExamBooking.attempt,
            ExamBooking.learner_id,
        )
        .join(ExamBooking, ExamBooking.session_id == ExamSession.id)
        .join(Learner, Learner.id == ExamBooking.learner_id)
        .where(ExamSession.location_id == place.id, ExamSession.day == day)
        .order_by(ExamSession.start_time, Learner.last_name)
    )
    return [
        (start.strftime("%H:%M"), component, name, town, str(attempt), "")
        for start, component, name, town, attempt, _lid in session.execute(stmt)
    ]


@bp.route("/locations/<int:location_id>/roster/<day>.<fmt>")
@roles_required(Role.PLANNER)
def roster(location_id: int, day: str, fmt: str) -> Response:
    session = get_session()
    place = get_or_404(session, ExamLocation, location_id)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    rows = _roster_rows(session, place, when)
    name = f"rooster-{place.code}-{when.isoformat()}"
    if fmt == "csv":
        return attachment(roster_csv(rows), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "pdf":
        return attachment(roster_pdf(place.name, when, rows), f"{name}.pdf", "application/pdf")
    abort(404)


@bp.route("/invitations/<int:learner_id>.pdf")
@roles_required(Role.PLANNER)
def invitation(learner_id: int) -> Response:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    rows = session.execute(
        sa.select(
            ExamSession.day,
            ExamSession.start_time,
            ExamBooking.component,
            ExamLocation.name,
            ExamBooking.fee_cents,
        )
        .join(ExamSession, ExamSession.id == ExamBooking.session_id)
        .join(ExamLocation, ExamLocation.id == ExamSession.location_id)
        .where(ExamBooking.learner_id == learner.id)
        .order_by(ExamSession.day, ExamSession.start_time)
    ).all()
    if not rows:
        return Response(_("This learner has no published exam bookings."), status=404)
    bookings = [
        {
            "date": d.isoformat(),
            "start": t.strftime("%H:%M"),
            "component": c,
            "location": loc,
            "fee_eur": fee // 100,
        }
        for d, t, c, loc, fee in rows
    ]
    pdf = invitation_pdf(learner.full_name, f"{learner.postcode} {learner.municipality}", bookings)
    return attachment(pdf, f"uitnodiging-examen-{learner.id}.pdf", "application/pdf")


@bp.route("/learners/<int:learner_id>/pin", methods=["POST"])
@roles_required(Role.PLANNER)
def pin(learner_id: int) -> Response:
    return pin_view(ExamBooking, "component", learner_id,
                    missing=_("This learner has no published booking for that component."),
                    pinned=_("Booking pinned: later runs keep it."), unpinned=_("Booking unpinned."))
