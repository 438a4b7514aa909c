"""Exam-path pages for provider staff: readiness, results by hand, the obligation met, hours at
another provider with evidence, and the exemption list with each learner's dossier."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.errors import show_refusals_on
from provider_portal.exam_path import queries
from provider_portal.exam_path.audit import describe_state
from provider_portal.exam_path.dossier import dossier_pdf
from provider_portal.exam_path.exemption import add_external_hours, candidates, efforts
from provider_portal.exam_path.forms import ExternalHoursForm, ObligationForm, ReadinessForm, ResultForm
from provider_portal.exam_path.obligation import enter_result, set_obligation
from provider_portal.exam_path.readiness import readiness_of, set_readiness
from provider_portal.exam_path.results import ResultData, results_of
from provider_portal.forms_common import choices, read_upload
from provider_portal.models import ExternalHours, Learner, Provider
from provider_portal.models.enums import Role
from provider_portal.models.types import to_cents
from provider_portal.pagination import get_or_404
from provider_portal.policy import figures_on, history

bp = Blueprint("exam_path", __name__, url_prefix="/exam-path")
READY_EDITORS = (Role.PROVIDER_ADMIN, Role.TEACHER)
REFUSED = 422  # the status of a form sent with invalid input or refused
EVIDENCE_MIMETYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


@bp.app_template_filter("path_state")
def path_state(state: dict[str, Any] | None) -> str:
    """`{{ change.old|path_state }}`: an audit row's state in words."""
    return describe_state(state)


def _back(learner: Learner) -> Response:
    return redirect(url_for("learners.detail", learner_id=learner.id) + "#exam-path")


def _status() -> int:
    """A form sent with invalid input answers 422 (the one handler answers a refusal alike)."""
    return REFUSED if request.method == "POST" else 200


@bp.route("/learners/<int:learner_id>/readiness", methods=["GET", "POST"])
@roles_required(*READY_EDITORS)
def readiness(learner_id: int) -> str | Response | tuple[str, int]:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = ReadinessForm(component=request.args.get("component"))
    form.component.choices = choices(queries.components(session, learner_id, open_only=True))

    def page() -> str:
        current = readiness_of(session, [learner_id]).get(learner_id, {})
        return render_template("exam_path/readiness.html", form=form, learner=learner, current=current)

    if form.validate_on_submit():
        show_refusals_on(form, page, REFUSED)
        with unit_of_work():
            set_readiness(session, learner, form.component.data or "",
                          None if form.withdraw.data else form.ready_on.data, form.level.data or "",
                          current_user.id, clock.today())
        flash(_("Exam readiness saved."), "success")
        return _back(learner)
    if request.method == "GET" and form.ready_on.data is None:
        form.ready_on.data = clock.today()
    return page(), _status()


@bp.route("/learners/<int:learner_id>/results/new", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def new_result(learner_id: int) -> str | Response | tuple[str, int]:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = ResultForm()
    form.component.choices = choices(queries.components(session, learner_id, open_only=True))

    def page() -> str:
        return render_template("exam_path/result.html", form=form, learner=learner)

    if form.validate_on_submit():
        data = ResultData(form.component.data or "", cast(date, form.exam_date.data), form.level.data or "",
                          form.result.data == "passed", form.attempt.data)
        show_refusals_on(form, page, REFUSED)
        with unit_of_work():
            enter_result(session, learner, data, current_user.id, clock.today())
        flash(_("Result saved."), "success")
        return _back(learner)
    return page(), _status()


@bp.route("/learners/<int:learner_id>/obligation", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def obligation(learner_id: int) -> str | Response | tuple[str, int]:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = ObligationForm()
    if request.method == "GET":
        form.met_on.data = learner.obligation_met_on or clock.today()
        form.ground.data = learner.obligation_ground or "exam"

    def page() -> str:
        return render_template("exam_path/obligation.html", form=form, learner=learner)

    if form.validate_on_submit():
        show_refusals_on(form, page, REFUSED)
        with unit_of_work():
            set_obligation(session, learner_id, None if form.withdraw.data else form.met_on.data,
                           form.ground.data or "", form.reason.data or "", current_user.id, clock.today())
        flash(_("Obligation saved."), "success")
        return _back(learner)
    return page(), _status()


@bp.route("/learners/<int:learner_id>/external-hours", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def external_hours(learner_id: int) -> str | Response | tuple[str, int]:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = ExternalHoursForm()

    def page() -> str:
        return render_template("exam_path/external_hours.html", form=form, learner=learner,
                               rows=queries.external_hours(session, learner_id))

    if form.validate_on_submit():
        upload = form.evidence.data
        show_refusals_on(form, page, REFUSED)
        with unit_of_work():
            add_external_hours(session, learner, provider_name=form.provider_name.data or "",
                               keurmerk=bool(form.keurmerk.data),
                               period_from=cast(date, form.period_from.data),
                               period_to=cast(date, form.period_to.data),
                               minutes=to_cents(form.hours.data or Decimal(0)) * 60 // 100,
                               evidence_name=upload.filename or "",
                               evidence_type=_mimetype(upload.filename or ""),
                               evidence=read_upload(upload), user_id=current_user.id)
        flash(_("Hours at another provider saved."), "success")
        return _back(learner)
    return page(), _status()


def _mimetype(filename: str) -> str:
    return EVIDENCE_MIMETYPES.get(filename.rsplit(".", 1)[-1].lower(), "application/octet-stream")


@bp.route("/external-hours/<int:external_hours_id>/evidence")
@roles_required(Role.PROVIDER_ADMIN)
def evidence(external_hours_id: int) -> Response:
    row = get_or_404(get_session(), ExternalHours, external_hours_id)
    return attachment(row.evidence, row.evidence_name, row.evidence_type)


@bp.route("/exemption")
@roles_required(Role.PROVIDER_ADMIN)
def exemption() -> str:
    session = get_session()
    today = clock.today()
    figures = figures_on(session, today)
    # the figures of the day the list and a dossier are made, the day a request goes to DUO; a
    # change still to come is named, so nobody sends a request a day too early
    coming = [(start, value) for start, value in history(session)["exemption_attempts"] if start > today]
    return render_template("exam_path/exemption.html", rows=candidates(session, figures), figures=figures,
                           coming=coming)


@bp.route("/learners/<int:learner_id>/dossier.pdf")
@roles_required(Role.PROVIDER_ADMIN)
def dossier(learner_id: int) -> Response:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    today = clock.today()
    effort = efforts(session, [learner], figures_on(session, today))[0]
    provider = get_or_404(session, Provider, learner.provider_id)
    external = queries.external_hours(session, learner_id)
    results = results_of(session, [learner_id]).get(learner_id, [])
    pdf = dossier_pdf(effort, provider, results, external, today)
    return attachment(pdf, f"dossier-ontheffing-{learner.id}-{today:%Y%m%d}.pdf", "application/pdf")
