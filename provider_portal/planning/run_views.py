"""Planner pages for solver runs: start, follow with progress and cancel, review, publish."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.db import get_session
from provider_portal.exams.review import build_exam_review
from provider_portal.models import Job, PlanRun
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404
from provider_portal.planning.forms import RunForm
from provider_portal.planning.review import build_review, travel_chart
from provider_portal.planning.runs import RunAlreadyActive, RunError, publish, start_run
from provider_portal.planning.scope import municipality_choices, my_municipalities

bp = Blueprint("runs", __name__, url_prefix="/planning/runs")


def run_form(kind: str) -> tuple[RunForm, Response | None]:
    """The start-a-run form of either solver: on a valid submit, queue the run and redirect to it."""
    form = RunForm()
    form.municipalities.choices = municipality_choices()
    if not form.is_submitted():
        form.municipalities.data = list(my_municipalities())
    if form.validate_on_submit():
        try:
            run = start_run(
                get_session(),
                current_user,
                tuple(form.municipalities.data or ()),
                form.time_limit.data,
                clock.today(),
                kind=kind,
            )
        except RunAlreadyActive as exc:  # e.g. a double click: show the run the first click queued
            flash(exc.message, "info")
            return form, redirect(url_for("runs.detail", run_id=exc.run.id))
        except RunError as exc:
            form[exc.field].errors = [exc.message]
        else:
            flash(_("Run %(id)s queued; the jobs process starts it.", id=run.id), "success")
            return form, redirect(url_for("runs.detail", run_id=run.id))
    return form, None


def recent_runs(kind: str) -> list[PlanRun]:
    """The planner's latest runs of one solver (the tenant filter keeps them to this planner)."""
    stmt = sa.select(PlanRun).where(PlanRun.kind == kind).order_by(PlanRun.created_at.desc()).limit(20)
    return list(get_session().execute(stmt).scalars())


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.PLANNER)
def index() -> str | Response:
    form, done = run_form("sessions")
    return done or render_template("planning/runs.html", form=form, runs=recent_runs("sessions"))


@bp.route("/<int:run_id>")
@roles_required(Role.PLANNER)
def detail(run_id: int) -> str:
    session = get_session()
    run = get_or_404(session, PlanRun, run_id)
    job = session.execute(sa.select(Job).where(Job.id == run.job_id)).scalar_one_or_none()
    if run.solution is None:
        review = None
    else:
        review = build_exam_review(session, run) if run.kind == "exams" else build_review(session, run)
    chart = travel_chart(review) if review is not None and run.kind != "exams" else ""
    return render_template("planning/run.html", run=run, job=job, review=review, travel_chart=chart)


@bp.route("/<int:run_id>/publish", methods=["POST"])
@roles_required(Role.PLANNER)
def publish_run(run_id: int) -> str | Response:
    session = get_session()
    run = get_or_404(session, PlanRun, run_id)
    if request.form.get("confirm") != "1":  # publishing replaces the plan learners are invited to: ask first
        return _publish_confirmation(run)
    try:
        placed = publish(session, run)
    except RunError as exc:
        flash(str(exc.message), "error")
    else:
        if run.kind == "exams":
            flash(ngettext("Exam plan published: %(num)s booking.", "Exam plan published: %(num)s bookings.",
                           placed), "success")
        else:
            flash(_("Plan published: %(n)s placements.", n=placed), "success")
    return redirect(url_for("runs.detail", run_id=run_id))


def _publish_confirmation(run: PlanRun) -> str | Response:
    """What publishing this run will do, with its numbers, before it is done."""
    if run.published_at is not None or run.solution is None:
        done = run.published_at is not None
        refusal = _("This run has already been published.") if done else _("This run has no result yet.")
        flash(refusal, "error")
        return redirect(url_for("runs.detail", run_id=run.id))
    if run.kind == "exams":
        booked, left = len(run.solution.get("bookings", [])), len(run.solution.get("unbooked", []))
        what = ngettext(
            "%(num)s exam booking becomes the published plan; the learners' invitation letters follow it.",
            "%(num)s exam bookings become the published plan; the learners' invitation letters follow it.",
            booked,
        )
        details = [_("Not booked: %(n)s.", n=left)]
    else:
        placed, left = len(run.solution.get("assignments", [])), run.solution.get("unplaced", 0)
        what = ngettext(
            "%(num)s placement becomes the published plan; participant lists and letters follow it.",
            "%(num)s placements become the published plan; participant lists and letters follow it.",
            placed,
        )
        details = [_("Not placed: %(n)s.", n=left)]
    details.append(_("The run's learners lose the placements of earlier plans, except pinned ones."))
    return render_template(
        "confirm.html",
        title=_("Publish run %(id)s?", id=run.id),
        what=what,
        details=details,
        action=url_for("runs.publish_run", run_id=run.id),
        hidden={},
        button=_("Yes, publish"),
        back=url_for("runs.detail", run_id=run.id),
    )
