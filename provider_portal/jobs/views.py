"""The jobs pages: what runs in the background, its progress, outcome, and a cancel button."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from provider_portal.access import roles_required
from provider_portal.db import get_session
from provider_portal.jobs.describe import describe_job, error_sentence
from provider_portal.jobs.queue import request_cancel
from provider_portal.models import Job
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404, paginate

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
VIEWERS = tuple(r for r in Role if r != Role.LEARNER)
bp.add_app_template_filter(error_sentence, "job_error")
bp.add_app_template_global(describe_job, "describe_job")


@bp.route("/")
@roles_required(*VIEWERS)
def index() -> str:
    stmt = sa.select(Job).order_by(Job.created_at.desc(), Job.id.desc())
    page = paginate(get_session(), stmt, request.args.get("page", 1, type=int),
                    current_app.config["PAGE_SIZE"])
    return render_template("jobs/index.html", page=page)


@bp.route("/<int:job_id>")
@roles_required(*VIEWERS)
def detail(job_id: int) -> str:
    return render_template("jobs/detail.html", job=get_or_404(get_session(), Job, job_id))


@bp.route("/<int:job_id>.json")
@roles_required(*VIEWERS)
def status(job_id: int) -> Response:
    job = get_or_404(get_session(), Job, job_id)
    return jsonify(id=job.id, kind=job.kind, status=job.status, progress=job.progress,
                   message=job.message, result=job.result, error=job.error)


@bp.route("/<int:job_id>/cancel", methods=["POST"])
@roles_required(Role.PROVIDER_ADMIN, Role.FINANCE, Role.PLANNER)  # jobs are the providers' and planners'
def cancel(job_id: int) -> Response:
    session = get_session()
    job = get_or_404(session, Job, job_id)
    request_cancel(session, job)
    flash(_("Cancellation requested."), "info")
    return redirect(url_for("jobs.detail", job_id=job.id))
