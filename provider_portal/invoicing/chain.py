"""The per-provider SHA-256 hash chain over issued invoices and credit notes.

Each issued document stores the previous document's hash and its own hash over a canonical
serialisation (sorted-key JSON, no whitespace, integers for money, ISO dates) of everything that
must never change after issue. `verify` recomputes the chain and names every broken link, so a row
altered with SQL behind the portal's back is found.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.models import Invoice, InvoiceLine

GENESIS = "0" * 64


def canonical(invoice: Invoice, lines: Sequence[InvoiceLine]) -> bytes:
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
        "lines": [
            [line.position, line.kind, line.amount_cents, line.invoiced, line.description, *_hours(line)]
            for line in sorted(lines, key=lambda item: item.position)
        ],
    }
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _hours(line: InvoiceLine) -> list[int]:
    """The hours x rate a line shows on the e-invoice; none for a line without them, so the hashes
    of documents issued before lines carried hours stay as they were."""
    if line.attended_minutes is None and line.hourly_rate_cents is None:
        return []
    return [line.attended_minutes or 0, line.hourly_rate_cents or 0]


def digest(invoice: Invoice, lines: Sequence[InvoiceLine]) -> str:
    """SHA-256 of the canonical form, hex."""
    return hashlib.sha256(canonical(invoice, lines)).hexdigest()


def last_hash(session: Session, provider_id: int, chain_index: int) -> str:
    """The hash of the document before `chain_index` (the genesis value for the first)."""
    if chain_index == 1:
        return GENESIS
    found = session.execute(
        sa.select(Invoice.hash).where(
            Invoice.provider_id == provider_id, Invoice.chain_index == chain_index - 1
        )
    ).scalar_one_or_none()
    return found or GENESIS


@dataclass(frozen=True, slots=True)
class Break:
    """A broken link: the provider, the document (number or id) and what is wrong."""

    provider_id: int
    document: str
    problem: str

    def __str__(self) -> str:
        return f"provider {self.provider_id}, {self.document}: {self.problem}"


def verify(session: Session) -> list[Break]:
    """Recompute every provider's chain; an empty list means nothing was tampered with."""
    docs = (
        session.execute(
            sa.select(Invoice)
            .where(Invoice.chain_index.is_not(None))
            .order_by(Invoice.provider_id, Invoice.chain_index)
        )
        .scalars()
        .all()
    )
    lines: dict[int, list[InvoiceLine]] = {}
    for line in session.execute(
        sa.select(InvoiceLine).where(InvoiceLine.invoice_id.in_([d.id for d in docs] or [-1]))
    ).scalars():
        lines.setdefault(line.invoice_id, []).append(line)
    breaks: list[Break] = []
    previous: dict[int, tuple[int, str]] = {}
    for doc in docs:
        breaks.extend(_check(doc, lines.get(doc.id or 0, []), previous.get(doc.provider_id, (0, GENESIS))))
        previous[doc.provider_id] = (doc.chain_index or 0, doc.hash or "")
    breaks.extend(_unsealed(session))
    return breaks


def _check(doc: Invoice, lines: list[InvoiceLine], before: tuple[int, str]) -> list[Break]:
    name = doc.number or f"id {doc.id}"
    found = []
    if doc.chain_index != before[0] + 1:
        found.append(f"chain position {doc.chain_index} follows {before[0]}: a document is missing")
    if doc.prev_hash != before[1]:
        found.append("its previous-hash does not match the document before it")
    if digest(doc, lines) != doc.hash:
        found.append("its contents do not match its hash (changed after issue)")
    if sum(line.amount_cents for line in lines if line.invoiced) != doc.total_cents:
        found.append("its total does not match its lines")
    return [Break(doc.provider_id, name, problem) for problem in found]


def _unsealed(session: Session) -> list[Break]:
    """Issued documents outside the chain (e.g. a status set to issued with SQL)."""
    rows = session.execute(
        sa.select(Invoice).where(Invoice.status != "draft", Invoice.chain_index.is_(None))
    ).scalars()
    return [
        Break(row.provider_id, row.number or f"id {row.id}", "issued but not in the hash chain")
        for row in rows
    ]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
