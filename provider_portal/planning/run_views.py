"""Planner pages for solver runs: start, follow with progress and cancel, review, publish."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.exams.review import build_exam_review
from provider_portal.mail import runs as mail_runs
from provider_portal.models import PlanRun
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404
from provider_portal.planning import queries
from provider_portal.planning.forms import RunForm
from provider_portal.planning.review import Review, build_review, travel_chart
from provider_portal.planning.runs import RunAlreadyActive, publish, start_run
from provider_portal.planning.scope import municipality_choices, my_municipalities

bp = Blueprint("runs", __name__, url_prefix="/planning/runs")


def run_form(kind: str, page: Callable[[RunForm], str]) -> tuple[RunForm, Response | None]:
    """The start-a-run form of either solver: on a valid submit, queue the run and redirect to it. A
    refusal is shown at its field on `page(form)` by the one error handler."""
    form = RunForm()
    form.municipalities.choices = municipality_choices()
    if not form.is_submitted():
        form.municipalities.data = list(my_municipalities())
    if form.validate_on_submit():
        show_refusals_on(form, lambda: page(form))
        try:
            with unit_of_work() as session:
                run = start_run(session, current_user, tuple(form.municipalities.data or ()),
                                form.time_limit.data or 0, clock.today(), kind=kind)
        except RunAlreadyActive as exc:  # e.g. a double click: show the run the first click queued
            flash(str(exc.message), "info")
            return form, redirect(url_for("runs.detail", run_id=exc.run.id))
        flash(_("Run %(id)s queued; the jobs process starts it.", id=run.id), "success")
        return form, redirect(url_for("runs.detail", run_id=run.id))
    return form, None


def recent_runs(kind: str) -> list[PlanRun]:
    """The planner's latest runs of one solver (the tenant filter keeps them to this planner)."""
    return queries.recent_runs(get_session(), kind)


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.PLANNER)
def index() -> str | Response:
    form, done = run_form("sessions", _runs_page)
    return done or _runs_page(form)


def _runs_page(form: RunForm) -> str:
    return render_template("planning/runs.html", form=form, runs=recent_runs("sessions"))


@bp.route("/<int:run_id>")
@roles_required(Role.PLANNER)
def detail(run_id: int) -> str:
    session = get_session()
    run = get_or_404(session, PlanRun, run_id)
    job = queries.job(session, run.job_id)
    if run.solution is None:
        review = None
    else:
        review = build_exam_review(session, run) if run.kind == "exams" else build_review(session, run)
    chart = travel_chart(review) if isinstance(review, Review) else ""
    mails = queries.run_mails(session, run_id)
    mail_job = queries.latest_job(session, mail_runs.KIND, mail_runs.active_key(run_id))
    return render_template("planning/run.html", run=run, job=job, review=review, travel_chart=chart,
                           mails=mails, mail_counts=queries.mail_counts(mails), mail_job=mail_job,
                           mail_ready=current_app.config.get("SMTP") is not None)


@bp.route("/<int:run_id>/mail", methods=["POST"])
@roles_required(Role.PLANNER)
def send_mail(run_id: int) -> str | Response:
    """E-mail the published run's letters (learners) and participant lists (trainers), after a
    confirmation step; the jobs process sends, one message per recipient, never twice."""
    session = get_session()
    run = get_or_404(session, PlanRun, run_id)
    back = url_for("runs.detail", run_id=run.id, _anchor="mail")
    if run.published_at is None:
        flash(_("Publish the run first: the letters and lists follow the published plan."), "error")
        return redirect(back)
    if current_app.config.get("SMTP") is None:
        flash(_("E-mail is not set up for this portal, so nothing can be sent. Download the letters and "
                "lists instead, or ask the administrator to set up the mail server."), "error")
        return redirect(back)
    if request.form.get("confirm") != "1":
        return _mail_confirmation(run)
    with unit_of_work():
        job, queued = mail_runs.enqueue_run_mail(session, run, current_user.id)
    if queued:
        flash(_("The e-mail is queued; the jobs process sends it. The list below shows what was sent."),
              "success")
    else:
        flash(_("This run's e-mail is already being sent; nothing was queued twice."), "info")
    return redirect(back)


def _mail_confirmation(run: PlanRun) -> str:
    """Who gets what, with the numbers, before anything is sent."""
    session = get_session()
    learners, trainers = queries.mail_audience(session, run)
    counts = queries.mail_counts(queries.run_mails(session, int(run.id or 0)))
    what = ngettext("%(num)s learner gets their invitation letter by e-mail (PDF attached, in Dutch and "
                    "English).", "%(num)s learners get their invitation letter by e-mail (PDF attached, in "
                    "Dutch and English).", learners)
    details = []
    if run.kind != "exams":
        details.append(ngettext("%(num)s trainer gets the participant lists of their cohorts.",
                                "%(num)s trainers get the participant lists of their cohorts.", trainers))
    if counts.get("sent"):
        details.append(ngettext("%(num)s message was sent before; it is not sent again.",
                                "%(num)s messages were sent before; they are not sent again.",
                                counts["sent"]))
    if counts.get("failed"):
        details.append(ngettext("%(num)s message failed before; it is sent again.",
                                "%(num)s messages failed before; they are sent again.", counts["failed"]))
    details.append(_("Learners without an e-mail address (of their portal log-in) are listed as not sent."))
    return render_template(
        "confirm.html",
        title=_("E-mail the letters and lists of run %(id)s?", id=run.id),
        what=what,
        details=details,
        action=url_for("runs.send_mail", run_id=run.id),
        hidden={},
        button=_("Yes, send"),
        back=url_for("runs.detail", run_id=run.id, _anchor="mail"),
    )


@bp.route("/<int:run_id>/publish", methods=["POST"])
@roles_required(Role.PLANNER)
def publish_run(run_id: int) -> str | Response:
    session = get_session()
    run = get_or_404(session, PlanRun, run_id)
    if request.form.get("confirm") != "1":  # publishing replaces the plan learners are invited to: ask first
        return _publish_confirmation(run)
    with unit_of_work():
        placed = publish(session, run)
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
