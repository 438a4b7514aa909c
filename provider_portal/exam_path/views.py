"""Exam-path pages for provider staff: readiness, results by hand, the obligation met, hours at
another provider with evidence, and the exemption list with each learner's dossier."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from provider_portal import clock, labels
from provider_portal.access import roles_required
from provider_portal.db import get_session
from provider_portal.downloads import attachment
from provider_portal.exam_path.audit import describe_state
from provider_portal.exam_path.dossier import dossier_pdf
from provider_portal.exam_path.exemption import add_external_hours, candidates, efforts
from provider_portal.exam_path.forms import ExternalHoursForm, ObligationForm, ReadinessForm, ResultForm
from provider_portal.exam_path.obligation import derive_from_results, set_obligation
from provider_portal.exam_path.readiness import readiness_of, set_readiness
from provider_portal.exam_path.results import ResultData, results_of, stage_result
from provider_portal.forms_common import choices, read_upload
from provider_portal.models import ExternalHours, Learner, LearnerExam, Provider
from provider_portal.models.enums import ExamStatus, Role
from provider_portal.models.types import to_cents
from provider_portal.pagination import get_or_404
from provider_portal.policy import figures_on, history
from provider_portal.service_errors import AlreadyRecorded, DomainError

bp = Blueprint("exam_path", __name__, url_prefix="/exam-path")
READY_EDITORS = (Role.PROVIDER_ADMIN, Role.TEACHER)
EVIDENCE_MIMETYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}


@bp.app_template_filter("path_state")
def path_state(state: dict | None) -> str:
    """`{{ change.old|path_state }}`: an audit row's state in words."""
    return describe_state(state)


def _components(learner: Learner, open_only: bool) -> list[tuple[str, object]]:
    rows = get_session().execute(sa.select(LearnerExam).where(LearnerExam.learner_id == learner.id)
                                 .order_by(LearnerExam.component)).scalars()
    return [(e.component, labels.EXAM_COMPONENT.get(e.component, e.component)) for e in rows
            if not open_only or e.status not in (ExamStatus.PASSED, ExamStatus.EXEMPT)]


def _back(learner: Learner) -> Response:
    return redirect(url_for("learners.detail", learner_id=learner.id) + "#exam-path")


@bp.route("/learners/<int:learner_id>/readiness", methods=["GET", "POST"])
@roles_required(*READY_EDITORS)
def readiness(learner_id: int) -> str | Response | tuple[str, int]:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = ReadinessForm(component=request.args.get("component"))
    form.component.choices = choices(_components(learner, open_only=True))
    if form.validate_on_submit():
        try:
            set_readiness(session, learner, form.component.data or "",
                          None if form.withdraw.data else form.ready_on.data, form.level.data or "",
                          current_user.id, clock.today())
        except DomainError as exc:
            form[exc.field].errors = [exc.message]
        else:
            flash(_("Exam readiness saved."), "success")
            return _back(learner)
    elif request.method == "GET" and form.ready_on.data is None:
        form.ready_on.data = clock.today()
    current = readiness_of(session, [learner_id]).get(learner_id, {})
    status = 422 if request.method == "POST" else 200
    return render_template("exam_path/readiness.html", form=form, learner=learner, current=current), status


@bp.route("/learners/<int:learner_id>/results/new", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def new_result(learner_id: int) -> str | Response | tuple[str, int]:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = ResultForm()
    form.component.choices = choices(_components(learner, open_only=True))
    conflict = False
    if form.validate_on_submit():
        data = ResultData(form.component.data or "", form.exam_date.data, form.level.data or "",
                          form.result.data == "passed", form.attempt.data)
        try:
            if data.exam_date > clock.today():
                raise DomainError("exam_date", _("Exam date: a result can only be entered after the exam."))
            stage_result(session, learner, data, "manual", current_user.id)
            session.flush()
            derive_from_results(session, learner, current_user.id)
            session.commit()
        except DomainError as exc:
            session.rollback()
            form[exc.field].errors = [exc.message]
            conflict = isinstance(exc, AlreadyRecorded)
        except IntegrityError:  # the same attempt stored meanwhile by a parallel request
            session.rollback()
            form.exam_date.errors = [_("This result was saved meanwhile (the form was sent twice?): "
                                       "check the learner's results.")]
            conflict = True
        else:
            flash(_("Result saved."), "success")
            return _back(learner)
    status = (409 if conflict else 422) if request.method == "POST" else 200
    return render_template("exam_path/result.html", form=form, learner=learner), status


@bp.route("/learners/<int:learner_id>/obligation", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def obligation(learner_id: int) -> str | Response | tuple[str, int]:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = ObligationForm()
    if request.method == "GET":
        form.met_on.data = learner.obligation_met_on or clock.today()
        form.ground.data = learner.obligation_ground or "exam"
    if form.validate_on_submit():
        try:
            set_obligation(session, learner_id, None if form.withdraw.data else form.met_on.data,
                           form.ground.data or "", form.reason.data or "", current_user.id, clock.today())
        except DomainError as exc:
            session.rollback()
            form[exc.field].errors = [exc.message]
        else:
            flash(_("Obligation saved."), "success")
            return _back(learner)
    status = 422 if request.method == "POST" else 200
    return render_template("exam_path/obligation.html", form=form, learner=learner), status


@bp.route("/learners/<int:learner_id>/external-hours", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def external_hours(learner_id: int) -> str | Response | tuple[str, int]:
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = ExternalHoursForm()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        upload = form.evidence.data
        try:
            add_external_hours(session, learner, provider_name=form.provider_name.data or "",
                               keurmerk=bool(form.keurmerk.data), period_from=form.period_from.data,
                               period_to=form.period_to.data, minutes=to_cents(form.hours.data) * 60 // 100,
                               evidence_name=upload.filename or "",
                               evidence_type=_mimetype(upload.filename or ""),
                               evidence=read_upload(upload), user_id=current_user.id)
        except AlreadyRecorded as exc:
            form[exc.field].errors = [exc.message]
            status = 409
        else:
            flash(_("Hours at another provider saved."), "success")
            return _back(learner)
    rows = session.execute(sa.select(ExternalHours).where(ExternalHours.learner_id == learner_id)
                           .order_by(ExternalHours.period_from)).scalars().all()
    return render_template("exam_path/external_hours.html", form=form, learner=learner, rows=rows), status


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
    external = session.execute(sa.select(ExternalHours).where(ExternalHours.learner_id == learner_id)
                               .order_by(ExternalHours.period_from)).scalars().all()
    results = results_of(session, [learner_id]).get(learner_id, [])
    pdf = dossier_pdf(effort, provider, results, external, today)
    return attachment(pdf, f"dossier-ontheffing-{learner.id}-{today:%Y%m%d}.pdf", "application/pdf")
