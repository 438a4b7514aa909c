"""Finance downloads and uploads: UBL, PDF, DUO CSV batch, XLSX overview, DUO status imports.

Routes of the `invoicing` blueprint (registered by importing this module from `views`). A refused
export raises its InvoicingError, naming the record, to the portal's one error handler: the error
page with the message (400) and a way back; nothing changes.
"""

from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.forms_common import read_upload
from provider_portal.invoicing import exports
from provider_portal.invoicing.forms import ImportForm
from provider_portal.invoicing.imports import import_duo_file
from provider_portal.invoicing.views import FINANCE, _provider, _quarter_arg, _today, bp
from provider_portal.models import Invoice
from provider_portal.pagination import get_or_404


@bp.route("/invoices/<int:invoice_id>/ubl.xml")
@roles_required(*FINANCE)
def ubl(invoice_id: int) -> Response | BaseResponse:
    session = get_session()
    invoice = get_or_404(session, Invoice, invoice_id)
    name, content = exports.ubl(session, invoice, exports.duo_party(current_app.config))
    return attachment(content, name, "application/xml")


@bp.route("/invoices/<int:invoice_id>/invoice.pdf")
@roles_required(*FINANCE)
def pdf(invoice_id: int) -> Response | BaseResponse:
    session = get_session()
    invoice = get_or_404(session, Invoice, invoice_id)
    name, content = exports.pdf(session, invoice, exports.duo_party(current_app.config))
    return attachment(content, name, "application/pdf")


@bp.route("/duo-export", methods=["POST"])
@roles_required(*FINANCE)
def duo_export() -> Response | BaseResponse:
    quarter, buyer = _quarter_arg(), exports.duo_party(current_app.config)
    with unit_of_work() as session:
        batch = exports.duo_batch(session, _provider(), quarter, buyer, _today())
    return attachment(batch.content.encode(), batch.file_name, "text/csv")


@bp.route("/overview.xlsx")
@roles_required(*FINANCE)
def overview_xlsx() -> Response | BaseResponse:
    quarter = _quarter_arg()
    name, content = exports.overview_xlsx(get_session(), _provider(), quarter, _today())
    return attachment(content, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/duo-import", methods=["GET", "POST"])
@roles_required(*FINANCE)
def duo_import() -> tuple[str, int] | BaseResponse:
    form, report = ImportForm(), None
    if form.validate_on_submit():
        with unit_of_work():
            report = import_duo_file(
                get_session(), current_user.provider_id or 0, form.kind.data, read_upload(form.file.data)
            )
        if report.ok:
            flash(_("%(count)s statuses updated.", count=len(report.updated)), "success")
            return redirect(url_for("invoicing.duo_import"))
    status = 400 if report is not None else 200
    return render_template("invoicing/import.html", form=form, report=report), status
