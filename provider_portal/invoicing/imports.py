"""Apply DUO's result file and weekly status overview to issued invoices and credit notes.

Every row is checked first, all in one pass (format by the core's parser; then: the number exists
for this provider, the BSN matches, the status change is allowed after the file's earlier rows
about the same document); only when no row is bad are the updates applied, in file order, in one
commit. So a malformed file changes nothing and lists every bad row, in the reader's language.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, col

from billing.duo_import import DuoImport, RowError, StatusUpdate, parse_result_file, parse_status_file
from provider_portal.db import savepoint
from provider_portal.invoicing.errors import InvoicingError
from provider_portal.invoicing.lifecycle import TRANSITIONS, change_status
from provider_portal.invoicing.row_errors import row_error_text
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
    """Check every row (format, number, BSN, transition), then apply all updates or none, in the
    caller's transaction (its unit of work commits)."""
    parsed: DuoImport = PARSERS[kind](content)
    errors = list(parsed.errors)
    if not parsed.updates and not parsed.errors:
        errors.append(RowError.of(1, "-", "the file has no rows"))
    plan, problems = _plan(session, provider_id, parsed.updates)
    errors += problems
    report = ImportReport(errors=[row_error_text(e) for e in sorted(errors, key=lambda e: e.row)])
    if report.errors:
        return report
    current: StatusUpdate | None = None
    try:
        with savepoint(session):  # a rule the checks above missed undoes every update of the file
            for invoice, current, steps in plan:
                if not steps:
                    report.unchanged.append(current.invoice_number)
                    continue
                for status in steps:
                    change_status(session, invoice, status, reason=current.reason,
                                  paid_cents=current.paid_cents, on=current.status_date)
                report.updated.append(current.invoice_number)
    except InvoicingError as exc:
        assert current is not None  # raised while applying a row
        error = RowError.of(current.row, "status", "%(number)s could not be updated: %(detail)s",
                            number=current.invoice_number, detail=exc.message)
        return ImportReport(errors=[row_error_text(error)])
    return report


@dataclass
class _Seen:
    """The status a document has after the file's earlier rows about it."""

    status: str
    row: int | None = None
    day: date | None = None


def _plan(
    session: Session, provider_id: int, updates: tuple[StatusUpdate, ...]
) -> tuple[list[tuple[Invoice, StatusUpdate, list[str]]], list[RowError]]:
    """The status steps of every good row, in file order, and an error for every bad one.

    Several rows about one document are DUO's history of it: they apply in file order, each from
    the status the rows before it left, so INGEDIEND then GOEDGEKEURD is a valid chain and
    BETAALD then GOEDGEKEURD is a row error on the second row.
    """
    numbers = {u.invoice_number for u in updates}
    invoices = {
        inv.number: inv
        for inv in session.execute(
            sa.select(Invoice)
            .where(col(Invoice.provider_id) == provider_id, col(Invoice.number).in_(numbers))
        ).scalars()
    }
    seen = {number: _Seen(inv.status) for number, inv in invoices.items()}
    plan: list[tuple[Invoice, StatusUpdate, list[str]]] = []
    errors: list[RowError] = []
    for update in updates:
        invoice = invoices.get(update.invoice_number)
        error, steps = _check(invoice, update, seen.get(update.invoice_number))
        if error is not None:
            errors.append(error)
        elif invoice is not None:
            plan.append((invoice, update, steps))
            seen[update.invoice_number] = _Seen(update.status, update.row, update.status_date)
    return plan, errors


def _check(
    invoice: Invoice | None, update: StatusUpdate, before: _Seen | None
) -> tuple[RowError | None, list[str]]:
    number, row = update.invoice_number, update.row
    if invoice is None or before is None or invoice.status == InvoiceStatus.DRAFT:
        return RowError.of(row, "factuurnummer", "%(number)s is not an issued invoice of this provider",
                           number=number), []
    if invoice.bsn != update.bsn:
        return RowError.of(row, "bsn", "does not match the BSN on %(number)s", number=number), []
    day = update.status_date
    if before.day and day and day < before.day:
        return RowError.of(row, "statusdatum", "%(date)s is before %(previous_date)s of row %(previous)s "
                           "for %(number)s", date=day.isoformat(), previous_date=before.day.isoformat(),
                           previous=before.row, number=number), []
    if before.status == update.status:
        return None, []
    steps = path_to(before.status, update.status)
    if steps is None and before.row is not None:
        return RowError.of(row, "status", "%(number)s is %(current)s after row %(previous)s and cannot "
                           "become %(target)s", number=number, current=before.status,
                           previous=before.row, target=update.status), []
    if steps is None:
        return RowError.of(row, "status", "%(number)s is %(current)s and cannot become %(target)s",
                           number=number, current=before.status, target=update.status), []
    if InvoiceStatus.PAID in steps and day and invoice.issue_date and day < invoice.issue_date:
        return RowError.of(row, "statusdatum", "%(date)s is before %(number)s was issued on %(issued)s",
                           date=day.isoformat(), number=number, issued=invoice.issue_date.isoformat()), []
    return None, steps
