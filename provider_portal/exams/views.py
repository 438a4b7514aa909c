"""Exam planner pages: locations and their calendars, exam runs, rosters and invitation letters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.errors import show_refusals_on
from provider_portal.exams import queries
from provider_portal.exams.calendar import close_day, plan_calendar
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
from provider_portal.models import ExamBooking, ExamLocation, Learner, PlanRun
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404
from provider_portal.planning.forms import RunForm
from provider_portal.planning.pins import pin_view
from provider_portal.planning.run_views import recent_runs, run_form

bp = Blueprint("exams", __name__, url_prefix="/planning/exams")


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.PLANNER)
def index() -> str | BaseResponse:
    form, done = run_form("exams", _index_page)
    return done or _index_page(form)


def _index_page(form: RunForm) -> str:
    session, today = get_session(), clock.today()
    return render_template("exams/index.html", form=form, locations=queries.locations(session),
                           counts=queries.sessions_per_location(session, today, today + timedelta(weeks=13)),
                           runs=recent_runs("exams"))


@bp.route("/locations/<int:location_id>", methods=["GET", "POST"])
@roles_required(Role.PLANNER)
def location(location_id: int) -> str | BaseResponse:
    session = get_session()
    place = get_or_404(session, ExamLocation, location_id)
    form = CalendarForm()
    if form.validate_on_submit():
        show_refusals_on(form, lambda: _location_page(place, form))
        with unit_of_work():
            added = plan_calendar(session, place, cast(date, form.first.data), cast(date, form.last.data),
                                  {int(d) for d in form.weekdays.data or ()}, form.seats.data or 0,
                                  form.examiners.data or 0)
        flash(_("%(n)s exam sessions added.", n=added), "success")
        return redirect(url_for("exams.location", location_id=place.id))
    return _location_page(place, form)


def _location_page(place: ExamLocation, form: CalendarForm) -> str:
    days = queries.calendar_days(get_session(), int(place.id or 0), clock.today())
    return render_template(
        "exams/location.html", place=place, form=form, close_form=CloseDayForm(), days=days,
        address_form=AddressForm(obj=place),
    )


@bp.route("/locations/<int:location_id>/address", methods=["POST"])
@roles_required(Role.PLANNER)
def address(location_id: int) -> BaseResponse:
    session = get_session()
    place = get_or_404(session, ExamLocation, location_id)
    form = AddressForm()
    if form.validate_on_submit():
        with unit_of_work():
            place.address = form.address.data or ""
        flash(_("Address saved: the letters print it from now on."), "success")
        return redirect(url_for("exams.location", location_id=place.id))
    message = "; ".join(str(e) for e in form.address.errors) or _("Give the address.")
    return Response(render_template("errors/error.html", code=400, message=message), status=400)


@bp.route("/locations/<int:location_id>/close", methods=["POST"])
@roles_required(Role.PLANNER)
def close(location_id: int) -> BaseResponse:
    session = get_session()
    place = get_or_404(session, ExamLocation, location_id)
    form = CloseDayForm()
    if form.validate_on_submit():
        with unit_of_work():
            removed = close_day(session, place, cast(date, form.day.data))
        flash(_("Closed; %(n)s sessions without bookings removed.", n=removed), "success")
    else:
        flash(_("Give the date to close."), "error")
    return redirect(url_for("exams.location", location_id=place.id))


@bp.route("/locations/<int:location_id>/roster/<day>.<fmt>")
@roles_required(Role.PLANNER)
def roster(location_id: int, day: str, fmt: str) -> BaseResponse:
    session = get_session()
    place = get_or_404(session, ExamLocation, location_id)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    rows = queries.roster_rows(session, int(place.id or 0), when)
    name = f"rooster-{place.code}-{when.isoformat()}"
    if fmt == "csv":
        return attachment(roster_csv(rows), f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "pdf":
        return attachment(roster_pdf(place.name, when, rows), f"{name}.pdf", "application/pdf")
    abort(404)


@bp.route("/invitations/<int:learner_id>.pdf")
@roles_required(Role.PLANNER)
def invitation(learner_id: int) -> BaseResponse:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    letters = letters_for(session, [int(learner.id or 0)])
    if not letters:
        return Response(_("This learner has no published exam bookings."), status=404)
    pdf = letters_pdf(letters, clock.today(), "Uitnodiging inburgeringsexamen")
    return attachment(pdf, f"uitnodiging-examen-{learner.id}.pdf", "application/pdf")


@bp.route("/learners/<int:learner_id>/pin", methods=["POST"])
@roles_required(Role.PLANNER)
def pin(learner_id: int) -> BaseResponse:
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
def run_letters(run_id: int) -> BaseResponse:
    run, letters = _published_run_letters(run_id)
    pdf = letters_pdf(letters, clock.today(), f"Uitnodigingen examenrun {run.id}")
    return attachment(pdf, f"brieven-run-{run.id}.pdf", "application/pdf")


@bp.route("/runs/<int:run_id>/letters/<int:location_id>/<day>.<fmt>")
@roles_required(Role.PLANNER)
def run_day_documents(run_id: int, location_id: int, day: str, fmt: str) -> BaseResponse:
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
    rows = participant_rows(group, queries.towns(get_session(), [x.learner_id for x in group]))
    if fmt == "lijst":
        return attachment(roster_pdf(place.name, when, rows), f"deelnemers-{stem}.pdf", "application/pdf")
    if fmt == "csv":
        return attachment(roster_csv(rows), f"deelnemers-{stem}.csv", "text/csv; charset=utf-8")
    abort(404)


@bp.route("/runs/<int:run_id>/letters.zip")
@roles_required(Role.PLANNER)
def run_letters_zip(run_id: int) -> BaseResponse:
    run, letters = _published_run_letters(run_id)
    session = get_session()
    data = run_zip(letters, clock.today(), int(run.id or 0), queries.location_names(session),
                   queries.towns(session, [x.learner_id for x in letters]))
    return attachment(data, f"examenrun-{run.id}-brieven.zip", "application/zip")
