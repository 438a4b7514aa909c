"""The reads of the invoicing pages: plain rows for the views to render (docs/architecture.md).

Every query runs in the request's session, so the tenancy filter applies to each of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from billing.quarters import Quarter
from provider_portal.models import Invoice, InvoiceLine, User
from provider_portal.models.invoicing import InvoiceStatus

# The invoice list's sort keys and the columns each sorts by (then by id).
INVOICE_SORTS: dict[str, tuple[Mapped[Any], ...]] = {
    "number": (col(Invoice.kind), col(Invoice.number)),
    "learner": (col(Invoice.learner_name),),
    "amount": (col(Invoice.total_cents),),
    "status": (col(Invoice.status),),
}


def status_counts(session: Session, quarter: Quarter) -> dict[str, int]:
    """The quarter's current documents (one per learner's slot) counted by status."""
    stmt = (sa.select(col(Invoice.status), sa.func.count())
            .where(col(Invoice.quarter) == str(quarter), col(Invoice.slot).is_(True))
            .group_by(col(Invoice.status)))
    return {status: count for status, count in session.execute(stmt).all()}


def invoice_list(quarter: Quarter, status: str, query: str, sort: str,
                 descending: bool) -> sa.Select[Invoice]:
    """The quarter's documents with this status (any when ""), learner names containing `query`,
    sorted by `sort` (a key of INVOICE_SORTS), then by id."""
    stmt = sa.select(Invoice).where(col(Invoice.quarter) == str(quarter))
    if status:
        stmt = stmt.where(col(Invoice.status) == status)
    if query:
        stmt = stmt.where(sa.func.lower(col(Invoice.learner_name)).like(f"%{query.lower()}%"))
    columns = [c.desc() if descending else c.asc() for c in INVOICE_SORTS[sort]]
    return stmt.order_by(*columns, col(Invoice.id))


def first_rows(session: Session, stmt: sa.Select[Invoice], limit: int) -> Sequence[Invoice]:
    """At most `limit` documents of a list (the CSV download)."""
    return session.execute(stmt.limit(limit)).scalars().all()


def invoice_lines(session: Session, invoice_id: int | None) -> Sequence[InvoiceLine]:
    """A document's lines in their order."""
    stmt = (sa.select(InvoiceLine).where(col(InvoiceLine.invoice_id) == invoice_id)
            .order_by(col(InvoiceLine.position)))
    return session.execute(stmt).scalars().all()


def related_documents(session: Session, invoice: Invoice) -> Sequence[Invoice]:
    """The credit notes of an invoice, or the invoice a credit note corrects."""
    stmt = sa.select(Invoice).where(
        sa.or_(col(Invoice.corrects_id) == invoice.id, col(Invoice.id) == (invoice.corrects_id or -1)))
    return session.execute(stmt).scalars().all()


def current_document_id(session: Session, learner_id: int, quarter: Quarter) -> int | None:
    """The learner's current document of the quarter (the one in the slot), if any."""
    stmt = sa.select(col(Invoice.id)).where(col(Invoice.learner_id) == learner_id,
                                            col(Invoice.quarter) == str(quarter), col(Invoice.slot).is_(True))
    return session.execute(stmt).scalar()


def document_number(session: Session, invoice_id: int) -> str | None:
    """A document's number as stored now (read afresh, e.g. after another request issued it)."""
    return session.execute(sa.select(col(Invoice.number)).where(col(Invoice.id) == invoice_id)).scalar()


def quarter_drafts(session: Session, quarter: Quarter) -> Sequence[Invoice]:
    """The quarter's drafts, oldest first."""
    stmt = (sa.select(Invoice)
            .where(col(Invoice.quarter) == str(quarter), col(Invoice.status) == InvoiceStatus.DRAFT)
            .order_by(col(Invoice.id)))
    return session.execute(stmt).scalars().all()


def learner_documents(session: Session, learner_id: int | None) -> Sequence[Invoice]:
    """A learner's invoices and credit notes, by quarter."""
    stmt = (sa.select(Invoice).where(col(Invoice.learner_id) == learner_id)
            .order_by(col(Invoice.quarter), col(Invoice.id)))
    return session.execute(stmt).scalars().all()


def user_names(session: Session, ids: set[int]) -> dict[int, str]:
    """The names of these users, by id."""
    stmt = sa.select(col(User.id), col(User.name)).where(col(User.id).in_(ids or [-1]))
    return {user_id: name for user_id, name in session.execute(stmt).all() if user_id is not None}
