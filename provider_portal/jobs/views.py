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
from provider_portal.db import get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.i18n import moment
from provider_portal.jobs import queries
from provider_portal.jobs.describe import describe_job, error_sentence
from provider_portal.jobs.queue import request_cancel
from provider_portal.labels import JOB_KIND, job_message
from provider_portal.models import Job
from provider_portal.models.enums import JobStatus, Role
from provider_portal.pagination import get_or_404, paginate
from provider_portal.transfer.tables import MAX_ROWS, write_csv

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
VIEWERS = tuple(r for r in Role if r != Role.LEARNER)
bp.add_app_template_filter(error_sentence, "job_error")
bp.add_app_template_global(describe_job, "describe_job")


@bp.route("/")
@roles_required(*VIEWERS)
def index() -> str | Response:
    """The jobs, newest first (or oldest first), filtered by status and kind; paged or as CSV."""
    status, kind = request.args.get("status", ""), request.args.get("kind", "")
    status = status if status in set(JobStatus) else ""
    kind = kind if kind in JOB_KIND else ""
    oldest_first = request.args.get("dir") == "asc"
    stmt = queries.job_list(status, kind, oldest_first)
    if request.args.get("format") == "csv":
        return _jobs_csv(stmt)
    page = paginate(get_session(), stmt, request.args.get("page", 1, type=int),
                    current_app.config["PAGE_SIZE"])
    args = {k: v for k, v in (("status", status), ("kind", kind), ("dir", "asc" if oldest_first else ""))
            if v}
    return render_template("jobs/index.html", page=page, args=args, status=status, kind=kind,
                           statuses=list(JobStatus), kinds=list(JOB_KIND), oldest_first=oldest_first)


def _jobs_csv(stmt: sa.Select[Job]) -> Response:
    """The filtered jobs as CSV, in words (what, who, status, outcome), times in Europe/Amsterdam."""
    heads = ["#", _("What"), _("Started by"), _("Status"), _("Outcome"), _("Created")]
    rows = []
    for job in queries.first_rows(get_session(), stmt, MAX_ROWS):
        view = describe_job(job)
        outcome = view.link[1] if view.link else (view.error or job_message(job.message))
        rows.append([job.id, view.title, view.started_by, view.status, outcome,
                     moment(job.created_at, "short")])
    return attachment(write_csv(heads, rows), "taken.csv", "text/csv")


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
    with unit_of_work():
        request_cancel(session, job)
    flash(_("Cancellation requested."), "info")
    return redirect(url_for("jobs.detail", job_id=job.id))
