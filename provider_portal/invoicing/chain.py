"""The per-provider SHA-256 hash chain over issued invoices and credit notes and their changes.

Each issued document takes the next position of its provider's chain (the `H` counter), stores
the previous link's hash and its own hash over a canonical serialisation (sorted-key JSON, no
whitespace, integers for money, ISO dates) of everything that must never change after issue. Every
later change of a document's status fields (status, reason, payment, the slot a credit note frees,
DUO batch) is an `InvoiceEvent` taking the next position, hashed over the previous hash and the
document's status fields after the change. `verify` (chain_check.py) recomputes it all and names
every document whose contents, chain link or status do not match.

Hash versions: documents issued before h11 hold a version 1 hash (no delivered/open amounts,
flags or line explanations); new ones a version 2 hash, which covers those too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.invoicing import numbering
from provider_portal.models import DocumentCounter, Invoice, InvoiceEvent, InvoiceLine
from provider_portal.models.invoicing import DocumentKind, InvoiceStatus

if TYPE_CHECKING:
    from provider_portal.invoicing.chain_check import Break

GENESIS = "0" * 64
VERSION = 2
# The status fields a document may change after issue, all of them recorded by each event.
STATE_FIELDS = ("status", "status_reason", "paid_cents", "paid_on", "duo_batch", "slot")


def canonical(invoice: Invoice, lines: Sequence[InvoiceLine], version: int = VERSION) -> bytes:
    """The bytes the hash covers: the document's frozen fields, its lines, and its chain link."""
    data: dict[str, Any] = {
        "provider_id": invoice.provider_id,
        "learner_id": invoice.learner_id,
        "contract_id": invoice.contract_id,
        "kind": invoice.kind,
        "quarter": invoice.quarter,
        "number": invoice.number,
        "issue_date": _iso(invoice.issue_date),
        "due_date": _iso(invoice.due_date),
        "total_cents": invoice.total_cents,
        "bsn": invoice.bsn,
        "learner_name": invoice.learner_name,
        "corrects_id": invoice.corrects_id,
        "reason": invoice.reason,
        "chain_index": invoice.chain_index,
        "prev_hash": invoice.prev_hash,
        "lines": [_line(line, version) for line in sorted(lines, key=lambda item: item.position)],
    }
    if version >= 2:
        data |= {
            "v": version,
            "delivered_cents": invoice.delivered_cents,
            "open_after_cents": invoice.open_after_cents,
            "flags": invoice.flags,
        }
    return _json(data)


def _line(line: InvoiceLine, version: int) -> list[Any]:
    head = [line.position, line.kind, line.amount_cents, line.invoiced, line.description]
    if version >= 2:
        return [*head, line.explanation, line.attended_minutes, line.hourly_rate_cents]
    return [*head, *_hours(line)]


def _hours(line: InvoiceLine) -> list[int]:
    """The hours x rate a line shows on the e-invoice; none for a line without them, so the hashes
    of (version 1) documents issued before lines carried hours stay as they were."""
    if line.attended_minutes is None and line.hourly_rate_cents is None:
        return []
    return [line.attended_minutes or 0, line.hourly_rate_cents or 0]


def digest(invoice: Invoice, lines: Sequence[InvoiceLine], version: int = VERSION) -> str:
    """SHA-256 of the canonical form, hex."""
    return hashlib.sha256(canonical(invoice, lines, version)).hexdigest()


def state_of(doc: Invoice | InvoiceEvent) -> dict[str, Any]:
    """A document's status fields (or those an event recorded), as the event hash covers them."""
    return {field: _iso(getattr(doc, field)) if field == "paid_on" else getattr(doc, field)
            for field in STATE_FIELDS}


def state_at_issue(doc: Invoice) -> dict[str, Any]:
    """The status fields every document has when it is issued, before any event."""
    return {"status": InvoiceStatus.ISSUED.value, "status_reason": "", "paid_cents": None, "paid_on": None,
            "duo_batch": None, "slot": True if doc.kind == DocumentKind.INVOICE else None}


def event_digest(event: InvoiceEvent) -> str:
    """SHA-256 of an event: its document, its chain link and the status fields it recorded."""
    data = {"provider_id": event.provider_id, "invoice_id": event.invoice_id, "number": event.number,
            "chain_index": event.chain_index, "prev_hash": event.prev_hash, "state": state_of(event)}
    return hashlib.sha256(_json(data)).hexdigest()


def lock_head(session: Session, provider_id: int) -> None:
    """Lock the provider's chain head (its `H` counter row) before changing a document's status.

    Every path then takes the head before any issued document's row (a status change, a credit,
    a DUO batch of several documents), so two of them at once wait instead of deadlocking.
    """
    session.execute(
        sa.select(col(DocumentCounter.last_number))
        .where(col(DocumentCounter.provider_id) == provider_id,
               col(DocumentCounter.series) == numbering.CHAIN_SERIES,
               col(DocumentCounter.year) == 0)
        .with_for_update()
    ).all()


def record(session: Session, doc: Invoice) -> InvoiceEvent:
    """Seal the status fields `doc` has now as the next event of its provider's chain.

    Called in the transaction that changed them; taking the `H` number locks the chain's head
    until commit (numbering.py), so events and documents never share a position.
    """
    index = numbering.next_number(session, doc.provider_id, numbering.CHAIN_SERIES, 0)
    event = InvoiceEvent(provider_id=doc.provider_id, invoice_id=doc.id or 0, number=doc.number or "",
                         chain_index=index, prev_hash=last_hash(session, doc.provider_id, index), hash="",
                         **{field: getattr(doc, field) for field in STATE_FIELDS})
    event.hash = event_digest(event)
    session.add(event)
    return event


def last_hash(session: Session, provider_id: int, chain_index: int) -> str:
    """The hash of the link (document or event) before `chain_index` (the genesis value for the first)."""
    if chain_index == 1:
        return GENESIS
    models: tuple[type[Invoice] | type[InvoiceEvent], ...] = (Invoice, InvoiceEvent)
    for model in models:
        found = session.execute(
            sa.select(col(model.hash)).where(
                col(model.provider_id) == provider_id, col(model.chain_index) == chain_index - 1
            )
        ).scalar_one_or_none()
        if found:
            return found
    return GENESIS


def verify(session: Session) -> list[Break]:
    """Recompute every provider's chain; an empty list means nothing was tampered with."""
    from provider_portal.invoicing.chain_check import verify as check_all

    return check_all(session)


def _json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
