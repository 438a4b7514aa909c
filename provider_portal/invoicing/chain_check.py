"""`verify`: recompute every provider's hash chain of documents and events (chain.py) and name
every document that was altered, deleted, or whose status no longer matches its sealed events.

Checked per provider: positions run 1..the `H` counter without a gap (so deleting the last
document or event is caught too), every link holds the hash before it, every hash matches its
contents, every number the `F` and `C` counters handed out still exists, and each document's
current status fields equal what its last event (or, without one, its issue) says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.invoicing import chain, numbering
from provider_portal.models import DocumentCounter, Invoice, InvoiceEvent, InvoiceLine
from provider_portal.models.invoicing import InvoiceStatus


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
    fresh = {"populate_existing": True}  # what is stored now, not what this session loaded earlier
    docs = session.execute(
        sa.select(Invoice).where(col(Invoice.chain_index).is_not(None)).execution_options(**fresh)
    ).scalars().all()
    events = session.execute(sa.select(InvoiceEvent).execution_options(**fresh)).scalars().all()
    lines: dict[int, list[InvoiceLine]] = defaultdict(list)
    for line in session.execute(
        sa.select(InvoiceLine)
        .where(col(InvoiceLine.invoice_id).in_([d.id for d in docs] or [-1]))
        .execution_options(**fresh)
    ).scalars():
        lines[line.invoice_id].append(line)
    links: dict[int, list[Invoice | InvoiceEvent]] = defaultdict(list)
    for link in [*docs, *events]:
        links[link.provider_id].append(link)
    counters = _counters(session)
    breaks: list[Break] = []
    for provider_id in sorted(set(links) | {p for p, series, _y in counters if series == "H"}):
        breaks.extend(_links(provider_id, links[provider_id], lines, counters.get((provider_id, "H", 0), 0)))
    breaks.extend(_missing_numbers(session, counters))
    breaks.extend(_states(docs, events, lines))
    breaks.extend(_unsealed(session))
    return breaks


def _counters(session: Session) -> dict[tuple[int, str, int], int]:
    rows = session.execute(sa.select(DocumentCounter)).scalars()
    return {(row.provider_id, row.series, row.year): row.last_number for row in rows}


def _links(
    provider_id: int, links: list[Invoice | InvoiceEvent], lines: dict[int, list[InvoiceLine]], head: int
) -> list[Break]:
    """Walk one provider's chain in position order: gaps, previous-hashes, hashes, the head."""
    found: list[Break] = []
    before = (0, chain.GENESIS)
    ordered = sorted(links, key=lambda item: item.chain_index or 0)
    for link in ordered:
        name, problems = _name(link), []
        if link.chain_index != before[0] + 1:
            problems.append(f"chain position {link.chain_index} follows {before[0]}: "
                            "a document or event is missing")
        if link.prev_hash != before[1]:
            problems.append("its previous-hash does not match the link before it")
        if isinstance(link, Invoice):
            problems.extend(_document(link, lines.get(link.id or 0, [])))
        elif chain.event_digest(link) != link.hash:
            problems.append(f"its status change at chain position {link.chain_index} does not match its hash")
        found.extend(Break(provider_id, name, problem) for problem in problems)
        before = (link.chain_index or 0, link.hash or "")
    if head != before[0]:
        name = f"chain position {before[0] + 1}" if head > before[0] else _name(ordered[-1])
        found.append(Break(provider_id, name, f"the chain ends at position {before[0]} but its counter "
                           f"is at {head}: the last document(s) or event(s) were deleted "
                           "or added behind the portal"))
    return found


def _document(doc: Invoice, lines: list[InvoiceLine]) -> list[str]:
    problems = []
    if doc.hash not in (chain.digest(doc, lines), chain.digest(doc, lines, version=1)):
        problems.append("its contents do not match its hash (changed after issue)")
    if sum(line.amount_cents for line in lines if line.invoiced) != doc.total_cents:
        problems.append("its total does not match its lines")
    if doc.status == InvoiceStatus.DRAFT:
        problems.append("it is in the hash chain but marked draft again")
    return problems


def _missing_numbers(session: Session, counters: dict[tuple[int, str, int], int]) -> list[Break]:
    """Every invoice and credit-note number handed out (gapless) must still exist."""
    numbers = sa.select(col(Invoice.provider_id), col(Invoice.number))
    stored = {(row[0], row[1]) for row in session.execute(numbers)}
    shape = {numbering.INVOICE_SERIES: numbering.invoice_number,
             numbering.CREDIT_SERIES: numbering.credit_note_number}
    return [
        Break(provider_id, shape[series](year, n), "numbered at issue but no longer stored (deleted)")
        for (provider_id, series, year), last in sorted(counters.items())
        if series in shape
        for n in range(1, last + 1)
        if (provider_id, shape[series](year, n)) not in stored
    ]


def _states(
    docs: Sequence[Invoice], events: Sequence[InvoiceEvent], lines: dict[int, list[InvoiceLine]]
) -> list[Break]:
    """Each document's status fields now must equal those its last event (or its issue) sealed."""
    last: dict[int, InvoiceEvent] = {}
    for event in sorted(events, key=lambda item: item.chain_index):
        last[event.invoice_id] = event
    found = []
    for doc in docs:
        expected: dict[str, Any] | None = None
        if doc.id in last:
            expected = chain.state_of(last[doc.id])
        elif doc.hash == chain.digest(doc, lines.get(doc.id or 0, [])):
            expected = chain.state_at_issue(doc)  # version 1 documents: checked from their first event on
        actual = chain.state_of(doc)
        if expected is not None and actual != expected:
            wrong = ", ".join(f"{key} is {actual[key]!r} but its sealed history says {expected[key]!r}"
                              for key in chain.STATE_FIELDS if actual[key] != expected[key])
            found.append(Break(doc.provider_id, _name(doc), f"status changed behind the portal: {wrong}"))
    return found


def _unsealed(session: Session) -> list[Break]:
    """Issued documents outside the chain (e.g. a status set to issued with SQL)."""
    rows = session.execute(
        sa.select(Invoice).where(col(Invoice.status) != "draft", col(Invoice.chain_index).is_(None))
    ).scalars()
    return [Break(row.provider_id, _name(row), "issued but not in the hash chain") for row in rows]


def _name(link: Invoice | InvoiceEvent) -> str:
    if isinstance(link, InvoiceEvent):
        return link.number or f"invoice id {link.invoice_id}"
    return link.number or f"id {link.id}"
