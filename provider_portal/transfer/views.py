"""Transfer pages: upload imports, download attendance exports and DUO's monthly contract-data file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, cast

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal import clock
from provider_portal.access import PROVIDER_STAFF, roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.forms_common import read_upload
from provider_portal.models import CourseClass, Learner, Provider
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404
from provider_portal.transfer.attendance import HEADERS, class_lines, learner_lines, table_rows
from provider_portal.transfer.background import AFTER_IMPORT, queue_import
from provider_portal.transfer.columns import CONTRACT_COLUMNS, ENROLMENT_COLUMNS, LEARNER_COLUMNS
from provider_portal.transfer.duo import DuoFileError, duo_csv, duo_filename
from provider_portal.transfer.duo_records import contract_records
from provider_portal.transfer.forms import KIND_LABELS, DuoForm, ImportForm, PeriodForm
from provider_portal.transfer.importer import ImportKind, ImportResult, import_table
from provider_portal.transfer.results import RESULT_COLUMNS
from provider_portal.transfer.tables import TableError, read_table, write_csv, write_xlsx

bp = Blueprint("transfer", __name__, url_prefix="/transfer")
MANAGERS = (Role.PROVIDER_ADMIN, Role.FINANCE)
COLUMNS = [(KIND_LABELS[ImportKind.LEARNERS], LEARNER_COLUMNS),
           (KIND_LABELS[ImportKind.CONTRACTS], CONTRACT_COLUMNS),
           (KIND_LABELS[ImportKind.ENROLMENTS], ENROLMENT_COLUMNS),
           (KIND_LABELS[ImportKind.RESULTS], RESULT_COLUMNS)]
MIMETYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.route("/import", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def upload() -> str | Response | tuple[str, int]:
    form = ImportForm(kind=request.args.get("kind", ImportKind.LEARNERS))
    if not form.validate_on_submit():
        return render_template("transfer/import.html", form=form, columns=COLUMNS, result=None,
                               background_rows=current_app.config["JOBS_IMPORT_ROWS"])
    kind, upload_file = ImportKind(form.kind.data), form.file.data
    filename, data = upload_file.filename or "", read_upload(upload_file)  # a large one goes to a job
    try:
        table = read_table(filename, data)
    except TableError as exc:
        result = ImportResult(problem=exc.reason)
    else:
        if len(table.rows) > current_app.config["JOBS_IMPORT_ROWS"]:  # too long for a web request
            with unit_of_work() as session:
                job = queue_import(session, current_user.provider_id, current_user.id, kind, filename, data,
                                   len(table.rows))
            flash(_("The file has %(n)s rows: it is imported in the background, all rows or none. "
                    "This page shows the progress and the outcome.", n=len(table.rows)), "info")
            return redirect(url_for("jobs.detail", job_id=job.id))
        with unit_of_work() as session:
            result = import_table(session, current_user.provider_id, kind, table, clock.today(),
                                  user_id=current_user.id)
    if result.ok:
        flash(ngettext("%(num)s row imported.", "%(num)s rows imported.", result.imported), "success")
        return redirect(url_for(AFTER_IMPORT[kind]))
    return render_template("transfer/import.html", form=form, columns=COLUMNS, result=result,
                           background_rows=current_app.config["JOBS_IMPORT_ROWS"]), 422


@bp.route("/classes/<int:class_id>/attendance")
@roles_required(*PROVIDER_STAFF)
def class_attendance(class_id: int) -> str | Response | tuple[str, int]:
    course = get_or_404(get_session(), CourseClass, class_id)
    return _export(course.name, f"aanwezigheid-klas-{course.id}",
                   lambda since, until: table_rows(class_lines(get_session(), course, since, until), True))


@bp.route("/learners/<int:learner_id>/attendance")
@roles_required(*PROVIDER_STAFF)
def learner_attendance(learner_id: int) -> str | Response | tuple[str, int]:
    learner = get_or_404(get_session(), Learner, learner_id)
    return _export(learner.full_name, f"aanwezigheid-cursist-{learner.id}",
                   lambda since, until: table_rows(learner_lines(get_session(), learner, since, until),
                                                   False))


def _export(subject: str, stem: str,
            build: Callable[[date, date], list[list[Any]]]) -> str | Response | tuple[str, int]:
    """The period form, or, once it is filled in, the file."""
    form = PeriodForm(request.args)
    if "since" not in request.args:
        form.since.data, form.until.data = clock.today() - timedelta(days=90), clock.today()
        return render_template("transfer/export.html", form=form, subject=subject)
    if not form.validate():
        return render_template("transfer/export.html", form=form, subject=subject), 422
    since, until = cast(date, form.since.data), cast(date, form.until.data)  # validated: both given
    fmt = form.format.data
    rows = build(since, until)
    data = write_csv(HEADERS, rows) if fmt == "csv" else write_xlsx(HEADERS, rows, "aanwezigheid")
    return attachment(data, f"{stem}-{since:%Y%m%d}-{until:%Y%m%d}.{fmt}", MIMETYPES[fmt])


@bp.route("/duo")
@roles_required(*MANAGERS)
def duo() -> str | Response | tuple[str, int]:
    form = DuoForm(request.args)
    if not request.args or not form.validate():
        return render_template("transfer/duo.html", form=form, problems=[])
    session, today = get_session(), clock.today()
    provider = get_or_404(session, Provider, current_user.provider_id)
    records = contract_records(session, provider.id or 0, cast(date, form.month.data), today)
    try:
        data = duo_csv(records)
    except DuoFileError as exc:
        return render_template("transfer/duo.html", form=form, problems=exc.problems), 422
    return attachment(data, duo_filename(provider.bow_number, today), "text/csv")
