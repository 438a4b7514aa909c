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
from provider_portal.exams.documents import roster_csv, roster_pdf
from provider_portal.exams.forms import AddressForm, CalendarForm, CloseDayForm
from provider_portal.exams.letters import (
    Letter,
    by_location_day,
    letters_for,
    letters_pdf,
    participant_rows,
    run_learner_ids,
    run_zip,
)
from provider_portal.models import ExamBooking, ExamLocation, ExamSession, Learner, PlanRun
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
        "exams/location.html", place=place, form=form, close_form=CloseDayForm(), days=days,
        address_form=AddressForm(obj=place),
    )


@bp.route("/locations/<int:location_id>/address", methods=["POST"])
@roles_required(Role.PLANNER)
def address(location_id: int) -> Response:
    session = get_session()
    place = get_or_404(session, ExamLocation, location_id)
    form = AddressForm()
    if form.validate_on_submit():
        place.address = form.address.data or ""
        session.commit()
        flash(_("Address saved: the letters print it from now on."), "success")
        return redirect(url_for("exams.location", location_id=place.id))
    message = "; ".join(str(e) for e in form.address.errors) or _("Give the address.")
    return Response(render_template("errors/error.html", code=400, message=message), status=400)


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
    letters = letters_for(session, [int(learner.id)])
    if not letters:
        return Response(_("This learner has no published exam bookings."), status=404)
    pdf = letters_pdf(letters, clock.today(), "Uitnodiging inburgeringsexamen")
    return attachment(pdf, f"uitnodiging-examen-{learner.id}.pdf", "application/pdf")


@bp.route("/learners/<int:learner_id>/pin", methods=["POST"])
@roles_required(Role.PLANNER)
def pin(learner_id: int) -> Response:
    return pin_view(ExamBooking, "component", learner_id,
                    missing=_("This learner has no published booking for that component."),
                    pinned=_("Booking pinned: later runs keep it."), unpinned=_("Booking unpinned."))


def _published_run_letters(run_id: int) -> tuple[PlanRun, list[Letter]]:
    """The run (the tenant filter keeps it to its planner) and its learners' letters; 409 unpublished."""
    session = get_session()
    run = get_or_404(session, PlanRun, run_id)
    if run.kind != "exams":
        abort(404)
    if run.published_at is None:
        abort(Response(_("Publish the run first: letters are printed from published bookings."), status=409))
    return run, letters_for(session, run_learner_ids(run))


@bp.route("/runs/<int:run_id>/letters.pdf")
@roles_required(Role.PLANNER)
def run_letters(run_id: int) -> Response:
    run, letters = _published_run_letters(run_id)
    pdf = letters_pdf(letters, clock.today(), f"Uitnodigingen examenrun {run.id}")
    return attachment(pdf, f"brieven-run-{run.id}.pdf", "application/pdf")


@bp.route("/runs/<int:run_id>/letters/<int:location_id>/<day>.<fmt>")
@roles_required(Role.PLANNER)
def run_day_documents(run_id: int, location_id: int, day: str, fmt: str) -> Response:
    """One location and day of the run: its letters (`pdf`), or its participant list as PDF (`lijst`)
    or CSV (`csv`)."""
    run, letters = _published_run_letters(run_id)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    place = get_or_404(get_session(), ExamLocation, location_id)
    group = by_location_day(letters).get((place.code, when))
    if not group:
        abort(404)
    stem = f"{place.code}-{when.isoformat()}"
    if fmt == "pdf":
        pdf = letters_pdf(group, clock.today(), f"Uitnodigingen {place.name} {when.isoformat()}")
        return attachment(pdf, f"brieven-{stem}.pdf", "application/pdf")
    rows = participant_rows(group, _towns(group))
    if fmt == "lijst":
        return attachment(roster_pdf(place.name, when, rows), f"deelnemers-{stem}.pdf", "application/pdf")
    if fmt == "csv":
        return attachment(roster_csv(rows), f"deelnemers-{stem}.csv", "text/csv; charset=utf-8")
    abort(404)


def _towns(letters: list[Letter]) -> dict[int, str]:
    stmt = sa.select(Learner.id, Learner.municipality).where(Learner.id.in_([x.learner_id for x in letters]))
    return {int(i): str(m) for i, m in get_session().execute(stmt).all()}


@bp.route("/runs/<int:run_id>/letters.zip")
@roles_required(Role.PLANNER)
def run_letters_zip(run_id: int) -> Response:
    run, letters = _published_run_letters(run_id)
    names = dict(get_session().execute(sa.select(ExamLocation.code, ExamLocation.name)).all())
    data = run_zip(letters, clock.today(), int(run.id), names, _towns(letters))
    return attachment(data, f"examenrun-{run.id}-brieven.zip", "application/zip")
