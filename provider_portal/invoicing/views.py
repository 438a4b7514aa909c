"""Finance pages: quarter overview, drafts, issue, lifecycle, credit notes, exports and DUO imports.

Thin views: parse, call the invoicing services inside the request's unit of work, render. An
InvoicingError the view does not answer itself reaches the portal's one error handler (400, or 409
for a change made meanwhile) after the rollback. Every query runs through the tenant filter, so
another provider's invoice is a 404.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from billing.credits import frees_room
from billing.errors import BillingInputError
from billing.quarters import Quarter
from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.downloads import attachment
from provider_portal.errors import show_refusals_on
from provider_portal.i18n import day, money
from provider_portal.input_guards import db_int
from provider_portal.invoicing import exports, lifecycle, others, queries
from provider_portal.invoicing.drafts import make_drafts
from provider_portal.invoicing.errors import AlreadyCredited, AlreadyIssued
from provider_portal.invoicing.forms import (
    ENTRY_MESSAGES,
    CreditForm,
    OtherInvoiceForm,
    QuarterForm,
    StatusForm,
    entry_message,
)
from provider_portal.invoicing.inputs import as_issued_document
from provider_portal.invoicing.jobs import enqueue_quarter_drafts
from provider_portal.invoicing.overview import figures_by_quarter, overview_rows, quarters_svg
from provider_portal.jobs.queue import AlreadyActive
from provider_portal.labels import label
from provider_portal.models import Invoice, Learner, OtherProviderInvoice, Provider
from provider_portal.models.enums import Role
from provider_portal.models.invoicing import InvoiceStatus
from provider_portal.models.types import from_cents, to_cents
from provider_portal.pagination import get_or_404, paginate
from provider_portal.transfer.tables import MAX_ROWS, write_csv

bp = Blueprint("invoicing", __name__, url_prefix="/invoicing")
FINANCE = (Role.FINANCE, Role.PROVIDER_ADMIN)


def _today() -> date:
    return clock.today()


def _quarter_arg() -> Quarter:
    """`?quarter=2026-Q3`, default the last finished quarter."""
    try:
        return Quarter.parse(request.args.get("quarter") or request.form.get("quarter") or "")
    except BillingInputError:
        return Quarter.of(_today()).prev()


def _not_ended(quarter: Quarter) -> str | None:
    """Why the drafts of `quarter` cannot be made yet (None once the quarter has ended)."""
    if quarter.last_day < _today():
        return None
    return _("%(quarter)s has not ended yet: its lessons can still change, so its drafts can be made "
             "from %(day)s.", quarter=str(quarter), day=day(quarter.last_day + timedelta(days=1)))


def _provider() -> Provider:
    return get_or_404(get_session(), Provider, current_user.provider_id or 0)


@bp.route("/")
@roles_required(*FINANCE)
def index() -> str:
    session, quarter = get_session(), _quarter_arg()
    provider = _provider()
    result, names, problems = exports.quarter_result(session, provider, quarter, _today())
    figures = figures_by_quarter(session, provider.id or 0)
    counts = queries.status_counts(session, quarter)
    rows, total = overview_rows(result, names)
    return render_template(
        "invoicing/index.html",
        quarter=quarter,
        rows=rows,
        total=total,
        problems=problems,
        counts=counts,
        form=QuarterForm(quarter=str(quarter)),
        not_ended=_not_ended(quarter),
        chart=quarters_svg(
            figures, _("Invoiced (net of paid credit notes), drafts and held back per quarter")
        ),
    )


@bp.route("/drafts/run", methods=["POST"])
@roles_required(*FINANCE)
def run_drafts() -> BaseResponse:
    form = QuarterForm()
    if not form.validate_on_submit():
        flash(_("Enter a quarter such as 2026-Q3."), "error")
        return redirect(url_for("invoicing.index"))
    quarter = Quarter.parse(form.quarter.data)
    if refusal := _not_ended(quarter):
        flash(refusal, "error")
        return redirect(url_for("invoicing.index", quarter=str(quarter)))
    try:
        with unit_of_work() as session:
            job = enqueue_quarter_drafts(
                session,
                quarter,
                provider_id=current_user.provider_id,
                created_by_id=current_user.id,
                dedupe=False,
            )
    except AlreadyActive as exc:  # e.g. a double click: show the run the first click queued
        flash(_("The draft run for %(quarter)s is already queued or running.", quarter=str(quarter)), "info")
        return redirect(url_for("jobs.detail", job_id=exc.job.id))
    flash(_("The draft run for %(quarter)s is queued.", quarter=form.quarter.data), "success")
    return redirect(url_for("jobs.detail", job_id=job.id))


@bp.route("/invoices")
@roles_required(*FINANCE)
def invoices() -> str | BaseResponse:
    quarter, status = _quarter_arg(), request.args.get("status", "")
    status = status if status in set(InvoiceStatus) else ""
    query = request.args.get("q", "").strip()[:100]
    sort = request.args.get("sort", "number")
    sort = sort if sort in queries.INVOICE_SORTS else "number"
    descending = request.args.get("dir") == "desc"
    stmt = queries.invoice_list(quarter, status, query, sort, descending)
    if request.args.get("format") == "csv":
        return _invoices_csv(stmt, quarter)
    page = paginate(
        get_session(), stmt, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"]
    )
    args = {k: v for k, v in (("quarter", str(quarter)), ("status", status), ("q", query), ("sort", sort),
                              ("dir", "desc" if descending else "asc")) if v}
    return render_template(
        "invoicing/invoices.html",
        page=page,
        quarter=quarter,
        args=args, query=query, sort=sort, descending=descending,
        status=status,
        statuses=list(InvoiceStatus),
        form=QuarterForm(quarter=str(quarter)),
        not_ended=_not_ended(quarter),
    )


def _invoices_csv(stmt: sa.Select[Invoice], quarter: Quarter) -> BaseResponse:
    """The filtered, sorted invoice list as CSV (amounts in euros; no BSN)."""
    heads = [_("Number"), _("Learner"), _("Kind"), _("Amount"), _("Status"), _("Issue date")]
    rows = ([inv.number or "", inv.learner_name, str(label(inv.kind, "document_kind")),
             from_cents(inv.total_cents), str(label(inv.status, "invoice_status")), inv.issue_date]
            for inv in queries.first_rows(get_session(), stmt, MAX_ROWS))
    return attachment(write_csv(heads, rows), f"facturen-{quarter}.csv", "text/csv")


@bp.route("/invoices/<int:invoice_id>")
@roles_required(*FINANCE)
def detail(invoice_id: int) -> str:
    session = get_session()
    invoice = get_or_404(session, Invoice, invoice_id)
    lines = queries.invoice_lines(session, invoice.id)
    related = queries.related_documents(session, invoice)
    return render_template(
        "invoicing/detail.html",
        invoice=invoice,
        lines=lines,
        related=related,
        frees_room_in=frees_room_in(invoice, list(related)),
        status_form=StatusForm(),
        credit_form=CreditForm(),
        action_form=QuarterForm(),
    )


def frees_room_in(doc: Invoice, related: list[Invoice]) -> tuple[str, bool] | None:
    """Where a credit note frees cap room, as the billing core rules (`billing.credits.frees_room`):
    (quarter, True) at once for a rejected invoice's note, (quarter, False) in the quarter of
    payment; None for a draft or while it is unpaid."""
    if not doc.is_credit_note or not doc.issued:
        return None
    corrected = next((r for r in related if r.id == doc.corrects_id and r.issued), None)
    freed = frees_room(as_issued_document(doc), as_issued_document(corrected) if corrected else None)
    return (str(freed.quarter), freed.at_once) if freed else None


def _back(invoice: Invoice) -> BaseResponse:
    return redirect(url_for("invoicing.detail", invoice_id=invoice.id))


@bp.route("/invoices/<int:invoice_id>/refresh", methods=["POST"])
@roles_required(*FINANCE)
def refresh(invoice_id: int) -> BaseResponse:
    session = get_session()
    invoice = get_or_404(session, Invoice, invoice_id)
    if invoice.status != InvoiceStatus.DRAFT:
        flash(_("Only a draft can be recomputed."), "error")
        return _back(invoice)
    quarter, learner_id = Quarter.parse(invoice.quarter), invoice.learner_id
    with unit_of_work():
        run = make_drafts(session, _provider(), quarter, _today(), [learner_id])
    if run.already_issued:  # issued by another request while this one computed: left alone
        flash(_("Only a draft can be recomputed."), "error")
        return _back(invoice)
    for problem in run.problems:
        flash(problem, "error")
    fresh = queries.current_document_id(session, learner_id, quarter)
    flash(_("Draft recomputed."), "success")
    return redirect(
        url_for("invoicing.detail", invoice_id=fresh)
        if fresh
        else url_for("invoicing.invoices", quarter=str(quarter))
    )


def confirmed() -> bool:
    """An irreversible POST goes ahead only with `confirm=1`, sent by the confirmation step."""
    return request.form.get("confirm") == "1"


def confirmation(**page: object) -> str:
    """The confirmation step: what will happen, and the same POST again with confirm=1."""
    return render_template("confirm.html", **page)


@bp.route("/invoices/<int:invoice_id>/issue", methods=["POST"])
@roles_required(*FINANCE)
def issue(invoice_id: int) -> str | BaseResponse:
    session = get_session()
    invoice = get_or_404(session, Invoice, invoice_id)
    if not confirmed():
        if invoice.status != InvoiceStatus.DRAFT:
            flash(_("Invoice %(number)s has already been issued; nothing was done.", number=invoice.number),
                  "error")
            return _back(invoice)
        return confirmation(
            title=_("Issue this invoice?"),
            what=_(
                "The draft for %(learner)s (%(quarter)s, %(amount)s) gets the next invoice number "
                "and its issue date.",
                learner=invoice.learner_name,
                quarter=invoice.quarter,
                amount=money(invoice.total_cents, True),
            ),
            details=[_("An issued invoice can only be corrected with a credit note.")],
            action=url_for("invoicing.issue", invoice_id=invoice.id),
            hidden={},
            button=_("Yes, issue the invoice"),
            back=url_for("invoicing.detail", invoice_id=invoice.id),
        )
    try:
        with unit_of_work():
            lifecycle.issue(session, invoice, _today())
    except AlreadyIssued:
        number = queries.document_number(session, invoice_id)
        flash(
            _(
                "Invoice %(number)s has already been issued (for example by an earlier click); "
                "it was not issued a second time.",
                number=number,
            ),
            "error",
        )
    else:
        flash(_("Invoice %(number)s issued.", number=invoice.number), "success")
    return redirect(url_for("invoicing.detail", invoice_id=invoice_id))


@bp.route("/issue-all", methods=["POST"])
@roles_required(*FINANCE)
def issue_all() -> str | BaseResponse:
    form = QuarterForm()
    if not form.validate_on_submit():  # never fall back to another quarter: that issues the wrong drafts
        flash(str(ENTRY_MESSAGES["quarter", "format"]), "error")
        return redirect(url_for("invoicing.invoices"))
    session, quarter = get_session(), Quarter.parse(form.quarter.data)
    drafts = queries.quarter_drafts(session, quarter)
    back = redirect(url_for("invoicing.invoices", quarter=str(quarter)))
    if not drafts:  # e.g. the second of a double click: the first issued them all
        flash(_("%(quarter)s has no drafts to issue; nothing was issued.", quarter=str(quarter)), "error")
        return back
    expected = request.form.get("expected", type=db_int)
    if not confirmed() or expected != len(drafts):  # asked for another count: ask again with this one
        return confirmation(
            title=_("Issue all drafts of %(quarter)s?", quarter=str(quarter)),
            changed=_(
                "The number of drafts changed since you were asked (%(before)s, now %(now)s); nothing was "
                "issued yet.",
                before=expected,
                now=len(drafts),
            )
            if confirmed()
            else None,
            what=ngettext(
                "%(num)s invoice gets a number; this cannot be undone.",
                "%(num)s invoices get a number; this cannot be undone.",
                len(drafts),
            ),
            details=[
                _("Together %(amount)s, issued today.",
                  amount=money(sum(d.total_cents for d in drafts), True)),
                _("An issued invoice can only be corrected with a credit note."),
            ],
            action=url_for("invoicing.issue_all"),
            hidden={"quarter": str(quarter), "expected": len(drafts)},
            undone_said=True,
            button=ngettext("Yes, issue %(num)s invoice", "Yes, issue %(num)s invoices", len(drafts)),
            back=url_for("invoicing.invoices", quarter=str(quarter)),
        )
    try:
        with unit_of_work():
            lifecycle.issue_all(session, list(drafts), _today())
    except AlreadyIssued:
        flash(
            _(
                "Some drafts of %(quarter)s were issued meanwhile (for example by an earlier click); "
                "nothing was issued now. Check the list below.",
                quarter=str(quarter),
            ),
            "error",
        )
    else:
        flash(_("%(count)s invoices issued.", count=len(drafts)), "success")
    return back


@bp.route("/invoices/<int:invoice_id>/status", methods=["POST"])
@roles_required(*FINANCE)
def status(invoice_id: int) -> BaseResponse:
    session = get_session()
    invoice = get_or_404(session, Invoice, invoice_id)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Check the status form."), "error")
        return _back(invoice)
    paid = to_cents(form.paid_amount.data) if form.paid_amount.data is not None else None
    with unit_of_work():
        lifecycle.change_status(
            session,
            invoice,
            form.status.data,
            reason=form.reason.data or "",
            paid_cents=paid,
            on=form.paid_on.data or _today(),
        )
    flash(_("Status changed."), "success")
    return _back(invoice)


@bp.route("/invoices/<int:invoice_id>/credit", methods=["POST"])
@roles_required(*FINANCE)
def credit(invoice_id: int) -> str | BaseResponse:
    session = get_session()
    invoice = get_or_404(session, Invoice, invoice_id)
    form = CreditForm()
    if not form.validate_on_submit():
        flash(_("A credit note needs a reason."), "error")
        return _back(invoice)
    if not confirmed():
        if invoice.slot is not True or invoice.status == InvoiceStatus.DRAFT:
            flash(_("Invoice %(number)s cannot be credited (again); nothing was done.",
                    number=invoice.number or _("draft")), "error")
            return _back(invoice)
        return confirmation(
            title=_("Issue a credit note?"),
            what=_(
                "Invoice %(number)s (%(amount)s) is credited in full: a credit note with the next number "
                "is issued today.",
                number=invoice.number,
                amount=money(invoice.total_cents, True),
            ),
            details=[_("Reason: %(reason)s", reason=form.reason.data)],
            action=url_for("invoicing.credit", invoice_id=invoice.id),
            hidden={"reason": form.reason.data},
            button=_("Yes, issue the credit note"),
            danger=True,
            back=url_for("invoicing.detail", invoice_id=invoice.id),
        )
    try:
        with unit_of_work():
            note = lifecycle.credit(session, invoice, form.reason.data, _today())
    except AlreadyCredited:
        flash(
            _(
                "Invoice %(number)s has already been credited (for example by an earlier click); "
                "no second credit note was made.",
                number=invoice.number,
            ),
            "error",
        )
        return _back(invoice)
    if invoice.status == InvoiceStatus.REJECTED:
        message = _(
            "Credit note %(number)s issued. The invoice was rejected, so its amount is free again in "
            "%(quarter)s at once: make the drafts of %(quarter)s again for the corrected invoice.",
            number=note.number,
            quarter=invoice.quarter,
        )
    else:
        message = _(
            "Credit note %(number)s issued. It frees cap room in the quarter in which it is paid: "
            "mark it paid (or import DUO's status file), and the correction is invoiced from then on.",
            number=note.number,
        )
    flash(message, "success")
    return _back(note)


@bp.route("/learners/<int:learner_id>")
@roles_required(*FINANCE)
def learner_history(learner_id: int) -> str:
    learner = get_or_404(get_session(), Learner, learner_id)
    return _history_page(learner, OtherInvoiceForm())


def _history_page(learner: Learner, form: OtherInvoiceForm) -> str:
    """The learner's documents, and what other providers invoiced for them as far as known."""
    session = get_session()
    docs = queries.learner_documents(session, learner.id)
    entries = others.entries_for(session, learner.id or 0)
    recorders = queries.user_names(session,
                                   {e.recorded_by_id for e in entries if e.recorded_by_id is not None})
    return render_template(
        "invoicing/learner.html",
        learner=learner,
        docs=docs,
        others=entries,
        recorders=recorders,
        other_form=form,
        delete_form=QuarterForm(),
    )


@bp.route("/learners/<int:learner_id>/other-invoices", methods=["POST"])
@roles_required(*FINANCE)
def add_other_invoice(learner_id: int) -> str | BaseResponse | tuple[str, int]:
    """Record another provider's invoice; bad input re-shows the form with the field's error."""
    session = get_session()
    learner = get_or_404(session, Learner, learner_id)
    form = OtherInvoiceForm()
    if not form.validate_on_submit():
        return _history_page(learner, form), 400
    show_refusals_on(form, lambda: _history_page(learner, form))
    with unit_of_work():
        others.add_entry(
            session,
            learner,
            quarter=others.parse_quarter(form.quarter.data),
            amount_cents=others.parse_amount_cents(form.amount.data),
            other_provider=form.other_provider.data or "",
            note=form.note.data or "",
            recorded_by_id=current_user.id,
        )
    flash(_("Other provider's invoice recorded; it counts towards the cap in the next draft run."), "success")
    return redirect(url_for("invoicing.learner_history", learner_id=learner.id))


@bp.route("/other-invoices/<int:other_invoice_id>/delete", methods=["POST"])
@roles_required(*FINANCE)
def delete_other_invoice(other_invoice_id: int) -> BaseResponse:
    session = get_session()
    entry = get_or_404(session, OtherProviderInvoice, other_invoice_id)
    learner_id = entry.learner_id
    try:
        with unit_of_work():
            others.delete_entry(session, entry)
    except others.EntryError as exc:  # the refusal is shown on the history page the user came from
        flash(entry_message(exc), "error")
    else:
        flash(_("Other provider's invoice deleted."), "success")
    return redirect(url_for("invoicing.learner_history", learner_id=learner_id))


# The download and import routes live in their own module on the same blueprint.
from provider_portal.invoicing import downloads as _downloads  # noqa: E402,F401
