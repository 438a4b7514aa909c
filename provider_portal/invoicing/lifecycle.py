"""The invoice lifecycle: issue (numbered, sealed in the hash chain), DUO statuses, credit notes.

draft -> issued -> submitted -> accepted / rejected (with reason) -> paid. Each function checks the
transition, changes only status fields of issued documents and seals each change as an event of
the hash chain (`chain.record`). None commits: the caller's unit of work (`db.unit_of_work`)
commits once, or rolls back on a refusal, so a refused action changes nothing. Credit notes
follow the same statuses; a credit note's `paid_on` decides the quarter in which it frees cap room
(DUO's rule), so it can never lie before the note was issued. Issue locks its drafts and credit
claims its invoice's slot before taking a number, so two requests at once never both act
(docs/invoicing.md, "Concurrency")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import CursorResult
from sqlmodel import Session, col
from stdnum.nl import bsn as stdnum_bsn

from provider_portal import clock
from provider_portal.i18n import message_day
from provider_portal.invoicing import chain, locking, numbering
from provider_portal.invoicing.errors import AlreadyCredited, AlreadyIssued, InvalidTransition, InvoicingError
from provider_portal.labels import label
from provider_portal.models import Invoice, InvoiceLine, Learner
from provider_portal.models.invoicing import DocumentKind, InvoiceStatus
from provider_portal.models.keys import pk
from provider_portal.models.types import utcnow

S = InvoiceStatus
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.ISSUED}),
    S.ISSUED: frozenset({S.SUBMITTED, S.REJECTED}),
    S.SUBMITTED: frozenset({S.ACCEPTED, S.REJECTED, S.PAID}),
    S.ACCEPTED: frozenset({S.PAID}),
    S.REJECTED: frozenset(),
    S.PAID: frozenset(),
}
PAYMENT_TERM = timedelta(days=30)


def issue(session: Session, invoice: Invoice, today: date) -> Invoice:
    """Number the draft (gapless, this transaction), freeze the learner's BSN and name, and seal it."""
    issue_all(session, [invoice], today)
    return invoice


def issue_all(session: Session, drafts: list[Invoice], today: date) -> list[Invoice]:
    """Issue several drafts in the caller's transaction: all of them, or (on any refusal, which the
    caller's unit of work rolls back) none."""
    _lock(session, drafts)
    for invoice in drafts:
        _issue(session, invoice, today)
    return drafts


def _lock(session: Session, drafts: list[Invoice]) -> None:
    """Lock every draft before numbering any (`locking.lock_drafts`), then re-read it.

    A draft issued meanwhile by another request is refused here (`AlreadyIssued`), before a number
    is taken, so a double click can never take a second number nor re-seal the document. Locking
    all of them first, in id order, keeps two `issue all`s (or an issue beside one) free of deadlocks.
    """
    locked = locking.lock_drafts(session, [d.id for d in drafts if d.id is not None])
    for invoice in drafts:
        if invoice.id not in locked:
            raise _not_a_draft(session, invoice)
        session.refresh(invoice)  # a recomputation committed just before the lock changed it


def _not_a_draft(session: Session, invoice: Invoice) -> InvoicingError:
    current = session.execute(
        sa.select(col(Invoice.number), col(Invoice.status)).where(col(Invoice.id) == invoice.id)
    ).one_or_none()
    if current is None:
        return InvalidTransition(_("draft %(id)s no longer exists (its draft was recomputed or removed)",
                                   id=invoice.id))
    number, status = current
    return AlreadyIssued(_("%(number)s is %(status)s: it has already been issued",
                           number=number or _("draft %(id)s", id=invoice.id),
                           status=label(status, "invoice_status")))


def _issue(session: Session, invoice: Invoice, today: date) -> None:
    check_transition(invoice, S.ISSUED)
    if invoice.total_cents <= 0:
        raise InvoicingError(_("the draft for %(name)s (%(quarter)s) has nothing to invoice",
                               name=invoice.learner_name, quarter=invoice.quarter))
    learner = session.execute(sa.select(Learner).where(col(Learner.id) == invoice.learner_id)).scalar_one()
    if not learner.bsn or not stdnum_bsn.is_valid(learner.bsn):
        raise InvoicingError(_("%(name)s (learner %(id)s) has no valid BSN; DUO requires it on every invoice",
                               name=learner.full_name, id=learner.id))
    with session.no_autoflush:  # the document is flushed once, sealed, or not at all
        number = numbering.next_number(session, invoice.provider_id, numbering.INVOICE_SERIES, today.year)
        invoice.number = numbering.invoice_number(today.year, number)
        invoice.issue_date, invoice.due_date = today, today + PAYMENT_TERM
        invoice.bsn, invoice.learner_name = learner.bsn, learner.full_name[:201]
        _set_status(invoice, S.ISSUED)
        _seal(session, invoice)
    session.flush()


def _seal(session: Session, doc: Invoice) -> None:
    """Put the document at the end of its provider's hash chain (its lines are already stored)."""
    doc.chain_index = numbering.next_number(session, doc.provider_id, numbering.CHAIN_SERIES, 0)
    doc.prev_hash = chain.last_hash(session, doc.provider_id, doc.chain_index)
    lines = session.execute(
        sa.select(InvoiceLine).where(col(InvoiceLine.invoice_id) == doc.id)).scalars().all()
    doc.hash = chain.digest(doc, lines)


def check_transition(invoice: Invoice, target: str) -> None:
    """Refuse a status change the lifecycle does not allow."""
    if target not in TRANSITIONS.get(invoice.status, frozenset()):
        name = invoice.number or _("draft %(id)s", id=invoice.id)
        raise InvalidTransition(_("%(name)s is %(status)s and cannot become %(target)s", name=name,
                                  status=label(invoice.status, "invoice_status"),
                                  target=label(target, "invoice_status")))


def _set_status(invoice: Invoice, target: str, reason: str = "") -> None:
    invoice.status, invoice.status_reason = target, reason[:500]
    invoice.status_changed_at = invoice.updated_at = utcnow()


def change_status(
    session: Session,
    invoice: Invoice,
    target: str,
    *,
    reason: str = "",
    paid_cents: int | None = None,
    on: date | None = None,
) -> Invoice:
    """submitted / accepted / rejected (a reason is required) / paid (amount and date recorded)."""
    if target == S.ISSUED:
        raise InvalidTransition(_("A draft is issued with Issue, not by a status change."))
    check_transition(invoice, target)
    if target == S.REJECTED and not reason.strip():
        raise InvoicingError(_("%(number)s: a rejection needs a reason", number=invoice.number))
    paid_on = on or clock.today()
    if target == S.PAID:
        check_paid_on(invoice, paid_on)
    chain.lock_head(session, invoice.provider_id)  # the head before the document's row: no deadlock
    _set_status(invoice, target, reason.strip())
    if target == S.PAID:
        invoice.paid_cents = invoice.total_cents if paid_cents is None else paid_cents
        invoice.paid_on = paid_on
    chain.record(session, invoice)  # the change, sealed in the hash chain
    return invoice


def check_paid_on(invoice: Invoice, paid_on: date) -> None:
    """Refuse a payment dated before the document was issued (a credit note's date frees cap room)."""
    if invoice.issue_date is not None and paid_on < invoice.issue_date:
        raise InvoicingError(_("%(number)s: paid on %(paid)s is before it was issued on %(issued)s",
                               number=invoice.number, paid=message_day(paid_on),
                               issued=message_day(invoice.issue_date)))


def credit(session: Session, invoice: Invoice, reason: str, today: date) -> Invoice:
    """A credit note for the whole invoice, from its own series.

    It frees the invoice's slot, so a corrected invoice for the same quarter can be drafted, but
    no cap room: the corrected quarter stays as full as it was, and the credited amount counts in
    the quarter in which the credit note is paid (DUO's rule, see `inputs._invoiced`).
    """
    if invoice.kind != DocumentKind.INVOICE or invoice.status == S.DRAFT:
        raise InvalidTransition(_("%(number)s is not an issued invoice; nothing to credit",
                                  number=invoice.number or _("a draft")))
    if invoice.slot is not True:
        raise AlreadyCredited(_("%(number)s has already been credited", number=invoice.number))
    if not reason.strip():
        raise InvoicingError(_("%(number)s: a credit note needs a reason", number=invoice.number))
    chain.lock_head(session, invoice.provider_id)  # before the invoice's row, as status changes do
    _claim_slot(session, invoice)
    return _credit_note(session, invoice, reason, today)


def _credit_note(session: Session, invoice: Invoice, reason: str, today: date) -> Invoice:
    """The issued and sealed credit note of `invoice`, whose slot this transaction has claimed."""
    lines = (
        session.execute(
            sa.select(InvoiceLine)
            .where(col(InvoiceLine.invoice_id) == invoice.id, col(InvoiceLine.invoiced).is_(True))
            .order_by(col(InvoiceLine.position))
        )
        .scalars()
        .all()
    )
    number = numbering.next_number(session, invoice.provider_id, numbering.CREDIT_SERIES, today.year)
    note = Invoice(
        provider_id=invoice.provider_id,
        learner_id=invoice.learner_id,
        contract_id=invoice.contract_id,
        kind=DocumentKind.CREDIT_NOTE,
        quarter=invoice.quarter,
        status=S.DRAFT,
        slot=None,
        number=numbering.credit_note_number(today.year, number),
        issue_date=today,
        due_date=today,
        total_cents=invoice.total_cents,
        bsn=invoice.bsn,
        learner_name=invoice.learner_name,
        corrects_id=invoice.id,
        reason=reason.strip()[:500],
        status_changed_at=utcnow(),
    )
    session.add(note)
    session.flush()
    session.add_all(
        InvoiceLine(
            invoice_id=pk(note),
            position=line.position,
            kind=line.kind,
            amount_cents=line.amount_cents,
            invoiced=True,
            description=f"Creditering: {line.description}"[:300],
            explanation=line.explanation,
            attended_minutes=line.attended_minutes,
            hourly_rate_cents=line.hourly_rate_cents,
        )
        for line in lines
    )
    session.flush()
    with session.no_autoflush:
        _set_status(note, S.ISSUED)
        _seal(session, note)
    session.flush()
    return note


def _claim_slot(session: Session, invoice: Invoice) -> None:
    """Free the invoice's slot with a conditional UPDATE, so only one credit note is ever made.

    The UPDATE locks the row (PostgreSQL) or the database (SQLite) until commit; a second request
    at once waits, then matches no row (`slot` is no longer TRUE) and is refused. It changes only
    status fields, which the immutability guard allows after issue, and frees the slot for a
    corrected invoice (within the quarter's cap room).
    """
    freed = session.execute(
        sa.update(Invoice)
        .where(
            col(Invoice.id) == invoice.id,
            col(Invoice.kind) == DocumentKind.INVOICE,
            col(Invoice.status) != S.DRAFT,
            col(Invoice.slot).is_(True),
        )
        .values(slot=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.refresh(invoice)
    if cast("CursorResult[Any]", freed).rowcount != 1:
        raise AlreadyCredited(_("%(number)s has already been credited", number=invoice.number))
    chain.record(session, invoice)  # the freed slot, sealed before the credit note
