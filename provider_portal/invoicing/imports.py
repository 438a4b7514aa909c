"""Apply DUO's result file and weekly status overview to issued invoices and credit notes.

Every row is checked first (format by the core's parser; then: the number exists for this
provider, the BSN matches, the status change is allowed); only when no row is bad are the
updates applied, in one commit. So a malformed file changes nothing and lists every bad row.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlmodel import Session

from billing.duo_import import DuoImport, RowError, StatusUpdate, parse_result_file, parse_status_file
from provider_portal.i18n import message_day
from provider_portal.invoicing.core_messages import row_error
from provider_portal.invoicing.lifecycle import TRANSITIONS, change_status
from provider_portal.labels import label
from provider_portal.models import Invoice
from provider_portal.models.invoicing import InvoiceStatus

PARSERS = {"result": parse_result_file, "status": parse_status_file}


@dataclass
class ImportReport:
    """What the import did, or why it did nothing."""

    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def path_to(current: str, target: str) -> list[str] | None:
    """The statuses to pass through from `current` to `target` (DUO may skip one), or None."""
    queue: deque[tuple[str, list[str]]] = deque([(current, [])])
    seen = {current}
    while queue:
        status, path = queue.popleft()
        for nxt in sorted(TRANSITIONS.get(status, ())):
            if nxt == target:
                return [*path, nxt]
            if nxt not in seen and nxt != InvoiceStatus.REJECTED:
                seen.add(nxt)
                queue.append((nxt, [*path, nxt]))
    return None


def import_duo_file(session: Session, provider_id: int, kind: str, content: bytes) -> ImportReport:
    """Check every row, then apply all updates or none."""
    parsed: DuoImport = PARSERS[kind](content)
    report = ImportReport(errors=[row_error(error) for error in parsed.errors])
    if not parsed.ok:
        return report
    if not parsed.updates:
        report.errors.append(row_error(RowError(1, "-", _("the file has no rows"))))
        return report
    numbers = [u.invoice_number for u in parsed.updates]
    invoices = {
        inv.number: inv
        for inv in session.execute(
            sa.select(Invoice).where(Invoice.provider_id == provider_id, Invoice.number.in_(numbers))
        ).scalars()
    }
    plan: list[tuple[Invoice, StatusUpdate, list[str]]] = []
    for update in parsed.updates:
        invoice = invoices.get(update.invoice_number)
        problem, steps = _check(invoice, update)
        if problem:
            report.errors.append(row_error(RowError(update.row, problem[0], problem[1])))
        elif invoice is not None:
            plan.append((invoice, update, steps))
    if report.errors:
        return report
    for invoice, update, steps in plan:
        if not steps:
            report.unchanged.append(update.invoice_number)
            continue
        for status in steps:
            change_status(
                session,
                invoice,
                status,
                reason=update.reason,
                paid_cents=update.paid_cents,
                on=update.status_date,
                commit=False,
            )
        report.updated.append(update.invoice_number)
    session.commit()
    return report


def _check(invoice: Invoice | None, update: StatusUpdate) -> tuple[tuple[str, str] | None, list[str]]:
    if invoice is None or invoice.status == InvoiceStatus.DRAFT:
        return ("factuurnummer", _("%(number)s is not an issued invoice of this provider",
                                   number=update.invoice_number)), []
    if invoice.bsn != update.bsn:
        return ("bsn", _("does not match the BSN on %(number)s", number=update.invoice_number)), []
    if invoice.status == update.status:
        return None, []
    steps = path_to(invoice.status, update.status)
    if steps is None:
        return (
            "status",
            _("%(name)s is %(status)s and cannot become %(target)s", name=update.invoice_number,
              status=label(invoice.status, "invoice_status"), target=label(update.status, "invoice_status")),
        ), []
    paid_on = update.status_date
    if InvoiceStatus.PAID in steps and paid_on and invoice.issue_date and paid_on < invoice.issue_date:
        return (
            "statusdatum",
            _("%(paid)s is before %(number)s was issued on %(issued)s", paid=message_day(paid_on),
              number=update.invoice_number, issued=message_day(invoice.issue_date)),
        ), []
    return None, steps
