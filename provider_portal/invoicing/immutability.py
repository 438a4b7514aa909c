"""An issued invoice or credit note is never edited: only its status fields may change.

A `before_flush` hook refuses any other change (and deleting, and touching its lines or its sealed
status events), so no code path can rewrite an issued document through the ORM; changes made
with raw SQL are caught by the hash chain (`flask invoices verify`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel import col

from provider_portal.invoicing.errors import ImmutableDocument
from provider_portal.models import Invoice, InvoiceEvent, InvoiceLine
from provider_portal.models.invoicing import InvoiceStatus

# What the lifecycle may still change after issue.
STATUS_FIELDS = frozenset(
    {"status", "slot", "status_reason", "status_changed_at", "paid_cents", "paid_on", "duo_batch",
     "updated_at"}
)
# Set once when the document is sealed into the hash chain, never changed afterwards.
SEAL_FIELDS = frozenset({"chain_index", "prev_hash", "hash"})


def _was_issued(invoice: Invoice) -> bool:
    history = sa.inspect(invoice).attrs.status.history
    before = history.deleted[0] if history.deleted else invoice.status
    return before is not None and before != InvoiceStatus.DRAFT and sa.inspect(invoice).persistent


def _changed(obj: Any) -> set[str]:
    """Changed attributes, except the seal fields being filled in for the first time."""
    state = sa.inspect(obj)
    changed = set()
    for attr in state.attrs:
        history = attr.history
        if not history.has_changes():
            continue
        if attr.key in SEAL_FIELDS and all(old is None for old in history.deleted):
            continue
        changed.add(attr.key)
    return changed


@event.listens_for(Session, "before_flush")
def _guard_issued(session: Session, _context: object, _instances: object) -> None:
    for obj in session.dirty:
        if isinstance(obj, Invoice) and _was_issued(obj):
            frozen = _changed(obj) - STATUS_FIELDS
            if frozen:
                raise ImmutableDocument(
                    f"{obj.number} is issued; {', '.join(sorted(frozen))} "
                    "cannot change (issue a credit note instead)"
                )
    for obj in session.deleted:
        if isinstance(obj, Invoice) and _was_issued(obj):
            raise ImmutableDocument(f"{obj.number} is issued and cannot be deleted")
    for obj in [*session.dirty, *session.deleted]:
        if isinstance(obj, InvoiceEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise ImmutableDocument(f"the sealed history of {obj.number} cannot change")
    for obj in [*session.dirty, *session.deleted, *session.new]:
        if isinstance(obj, InvoiceLine) and obj.invoice_id is not None:
            with session.no_autoflush:
                status = session.execute(
                    sa.select(col(Invoice.status)).where(col(Invoice.id) == obj.invoice_id)
                ).scalar_one_or_none()
            if status not in (None, InvoiceStatus.DRAFT):
                raise ImmutableDocument(f"the lines of invoice {obj.invoice_id} are issued and cannot change")
