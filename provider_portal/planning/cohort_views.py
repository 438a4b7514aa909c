"""Planner pages for trainers, cohorts and learners' planning profiles, with participant exports."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from typing import cast

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session
from werkzeug.wrappers import Response as BaseResponse

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.errors import show_refusals_on
from provider_portal.forms_common import choices
from provider_portal.models import Cohort, Learner, Placement, PlanningProfile, Trainer
from provider_portal.models.enums import Role
from provider_portal.models.types import to_cents
from provider_portal.pagination import get_or_404
from provider_portal.planning import calendar as planning_calendar
from provider_portal.planning import queries
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort, update_trainer
from provider_portal.planning.exports import cohort_participants_pdf, participants_csv
from provider_portal.planning.forms import (
    MODULE_LABELS,
    CohortForm,
    ProfileForm,
    TrainerEditForm,
    TrainerForm,
)
from provider_portal.planning.pins import pin_view
from provider_portal.planning.scope import municipality_choices

bp = Blueprint("cohorts", __name__, url_prefix="/planning")
# DUO exam components as a planner reads them
EXAM_COMPONENT_LABELS = {
    "lezen": _l("Reading exam"), "luisteren": _l("Listening exam"), "schrijven": _l("Writing exam"),
    "spreken": _l("Speaking exam"), "knm": _l("KNM exam"), "ona": _l("ONA interview"),
    "KNM": _l("KNM exam"), "ONA": _l("ONA interview"),
}
PLANNER = (Role.PLANNER,)


@bp.route("/cohorts/")
@roles_required(*PLANNER)
def index() -> str:
    listed = queries.cohort_list(get_session())
    form = TrainerForm()
    form.municipality.choices = municipality_choices()
    return render_template(
        "planning/cohorts.html",
        cohorts=listed.cohorts,
        first=listed.first,
        sizes=listed.sizes,
        trainers=listed.trainers,
        trainer_form=form,
        modules=MODULE_LABELS,
    )


@bp.route("/trainers/", methods=["POST"])
@roles_required(*PLANNER)
def new_trainer() -> BaseResponse:
    form = TrainerForm()
    form.municipality.choices = municipality_choices()
    if form.validate_on_submit():
        with unit_of_work() as session:
            add_trainer(session, form.municipality.data or "", form.name.data or "", form.email.data or "")
        flash(_("Trainer added."), "success")
    else:
        flash(_("Trainer not added: give a name and municipality."), "error")
    return redirect(url_for("cohorts.index"))


@bp.route("/cohorts/new", methods=["GET", "POST"])
@roles_required(*PLANNER)
def create() -> str | BaseResponse:
    return _edit(None)


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNER)
def edit(cohort_id: int) -> str | BaseResponse:
    return _edit(get_or_404(get_session(), Cohort, cohort_id))


def _edit(cohort: Cohort | None) -> str | BaseResponse:
    session = get_session()
    form = CohortForm(obj=cohort)
    form.municipality.choices = municipality_choices()
    form.trainer_id.choices = choices(queries.trainer_options(session))
    if cohort is not None and request.method == "GET":
        _fill_meetings(session, form, cohort)

    def page() -> str:
        return render_template("planning/cohort_form.html", form=form, cohort=cohort)

    if form.validate_on_submit():
        data = CohortData(
            municipality=form.municipality.data or "",
            module=form.module.data or "",
            name=form.name.data or "",
            venue=form.venue.data or "",
            language=form.language.data or "",
            trainer_id=form.trainer_id.data or 0,
            min_size=form.min_size.data or 0,
            max_size=form.max_size.data or 0,
            cost_cents=to_cents(form.cost.data or Decimal(0)),
            first_day=cast(date, form.first_day.data),
            meetings=form.meetings.data or 0,
            start_time=cast(time, form.start_time.data),
            end_time=cast(time, form.end_time.data),
        )
        show_refusals_on(form, page)
        with unit_of_work():
            saved = save_cohort(session, data, cohort)
        flash(_("Cohort %(name)s saved.", name=saved.name), "success")
        return redirect(url_for("cohorts.detail", cohort_id=saved.id))
    return page()


def _fill_meetings(session: Session, form: CohortForm, cohort: Cohort) -> None:
    meetings = queries.meetings(session, int(cohort.id or 0))
    form.cost.data = Decimal(cohort.cost_cents) / 100
    if meetings:
        form.first_day.data, form.meetings.data = meetings[0].meeting_date, len(meetings)
        form.start_time.data, form.end_time.data = meetings[0].start_time, meetings[0].end_time


@bp.route("/cohorts/<int:cohort_id>")
@roles_required(*PLANNER)
def detail(cohort_id: int) -> str:
    session = get_session()
    cohort = get_or_404(session, Cohort, cohort_id)
    return render_template(
        "planning/cohort.html",
        cohort=cohort,
        trainer=queries.trainer_name(session, cohort.trainer_id),
        meetings=queries.meetings(session, cohort_id),
        rows=queries.participant_rows(session, cohort_id),
        modules=MODULE_LABELS,
    )


@bp.route("/cohorts/<int:cohort_id>/participants.<fmt>")
@roles_required(*PLANNER)
def export(cohort_id: int, fmt: str) -> BaseResponse:
    session = get_session()
    cohort = get_or_404(session, Cohort, cohort_id)
    filename = f"deelnemers-{cohort.module}-{cohort.id}"
    if fmt == "csv":
        rows = [cells for _p, cells in queries.participant_rows(session, cohort_id)]
        return attachment(participants_csv(rows), f"{filename}.csv", "text/csv; charset=utf-8")
    if fmt == "pdf":
        return attachment(cohort_participants_pdf(session, cohort), f"{filename}.pdf", "application/pdf")
    abort(404)


@bp.route("/learners/<int:learner_id>/pin", methods=["POST"])
@roles_required(*PLANNER)
def pin(learner_id: int) -> BaseResponse:
    return pin_view(Placement, "module", learner_id,
                    missing=_("This learner has no published placement for that module."),
                    pinned=_("Placement pinned: later runs keep it."), unpinned=_("Placement unpinned."))


@bp.route("/learners/<int:learner_id>/profile", methods=["GET", "POST"])
@roles_required(*PLANNER)
def profile(learner_id: int) -> str | BaseResponse:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    current = queries.profile_of(session, learner_id)
    form = ProfileForm(obj=current)
    if current is None and request.method == "GET":
        form.availability.data = [
            f"{d}:{p}" for d in ("mon", "tue", "wed", "thu", "fri") for p in ("morning", "afternoon")
        ]
        form.max_travel_km.data = 25
    if form.validate_on_submit():
        with unit_of_work():
            row = current or PlanningProfile(learner_id=learner_id)
            row.availability = list(form.availability.data or [])
            row.preferred = list(form.preferred.data or [])
            row.max_travel_km, row.earliest_start = form.max_travel_km.data or 0, form.earliest_start.data
            session.add(row)
        flash(_("Planning profile saved."), "success")
        return redirect(url_for("planning.learner", learner_id=learner.id))
    return render_template("planning/profile.html", form=form, learner=learner)


@bp.route("/calendar")
@roles_required(*PLANNER)
def calendar_view() -> tuple[str, int]:
    """Week or month of cohorts' meetings and exam sessions, filtered by place or trainer; clashes
    (same trainer or same room at overlapping times) are highlighted with their reason."""
    session = get_session()
    view = "month" if request.args.get("view") == "month" else "week"
    date_error = None
    try:
        asked = request.args.get("date", "")
        anchor = date.fromisoformat(asked) if asked else clock.today()
    except ValueError:  # the page still shows (this week), with a 400 saying what a date looks like
        anchor, date_error = clock.today(), _("The date must look like 2026-03-15.")
    trainer_arg = request.args.get("trainer", "")
    trainer_id = int(trainer_arg) if trainer_arg.isdigit() else None
    place = request.args.get("place", "")
    first, last = planning_calendar.period(view, anchor)
    found = planning_calendar.events(session, first, last, place=place, trainer_id=trainer_id,
                                     module_labels=EXAM_COMPONENT_LABELS)
    by_day: dict[date, list[planning_calendar.Event]] = {}
    for e in found:
        by_day.setdefault(e.day, []).append(e)
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    step = timedelta(days=7) if view == "week" else None
    if view == "month":
        prev_anchor = (anchor.replace(day=1) - timedelta(days=1)).replace(day=1)
        next_anchor = (anchor.replace(day=28) + timedelta(days=4)).replace(day=1)
    else:
        prev_anchor, next_anchor = anchor - step, anchor + step  # type: ignore[operator]
    trainers = queries.trainers(session)
    return render_template(
        "planning/calendar.html", view=view, anchor=anchor, days=days, by_day=by_day,
        weeks=[days[i:i + 7] for i in range(0, len(days), 7)], today=clock.today(),
        clashes=sum(1 for e in found if e.clashes), trainers=trainers, trainer_id=trainer_id,
        places=planning_calendar.places(session), place=place, prev_anchor=prev_anchor,
        next_anchor=next_anchor, date_error=date_error), 400 if date_error else 200


@bp.route("/trainers/<int:trainer_id>/edit", methods=["GET", "POST"])
@roles_required(*PLANNER)
def edit_trainer(trainer_id: int) -> str | BaseResponse:
    """The planner edits one of their municipalities' trainers (another's is not found)."""
    session = get_session()
    trainer = get_or_404(session, Trainer, trainer_id)
    form = TrainerEditForm(obj=trainer)
    if form.validate_on_submit():
        with unit_of_work():
            update_trainer(session, trainer, form.name.data or "", form.email.data or "",
                           form.languages.data or [], form.availability.data or [])
        flash(_("Trainer %(name)s saved.", name=trainer.name), "success")
        return redirect(url_for("cohorts.index"))
    return render_template("planning/trainer_form.html", form=form, trainer=trainer)
