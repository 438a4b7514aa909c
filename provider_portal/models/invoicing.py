"""Invoicing tables: dated cap settings, invoices and credit notes with lines, number counters.

An issued document is immutable (guarded in `provider_portal.invoicing.immutability`) and sits in
a per-provider SHA-256 hash chain (`chain_index`, `prev_hash`, `hash`), so that editing a row
behind the portal's back is detected by `flask invoices verify`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.types import UTCDateTime, utcnow


class InvoiceStatus(StrEnum):
    """The lifecycle: draft -> issued -> submitted -> accepted / rejected -> paid."""

    DRAFT = "draft"
    ISSUED = "issued"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PAID = "paid"


class DocumentKind(StrEnum):
    """Invoices and credit notes share a table but not a number series."""

    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


class CapSetting(SQLModel, table=True):
    """The quarterly cap per learner from `effective_from` ("2026-Q3") on; global, dated, no code."""

    __tablename__ = "cap_setting"

    id: int | None = Field(default=None, primary_key=True)
    amount_cents: int
    effective_from: str = Field(max_length=7, sa_column_kwargs={"unique": True})
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")


class DocumentCounter(SQLModel, table=True):
    """The last number used per provider, series and year; bumped by a conditional UPDATE.

    Series "F" numbers invoices, "C" credit notes (both per year), "H" (year 0) the hash chain.
    """

    __tablename__ = "document_counter"

    provider_id: int = Field(foreign_key="provider.id", primary_key=True)
    series: str = Field(max_length=1, primary_key=True)
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_number: int = 0


class Invoice(SQLModel, table=True):
    """An invoice or credit note for one learner and quarter. Drafts change; issued ones never.

    `slot` is True while an invoice counts for its learner and quarter and NULL once credited (and
    for credit notes): the unique constraint then allows one current invoice per learner per
    quarter, so two draft runs can never create duplicates.
    """

    __table_args__ = (
        sa.UniqueConstraint("provider_id", "learner_id", "quarter", "slot", name="uq_invoice_current"),
        sa.UniqueConstraint("provider_id", "number", name="uq_invoice_number"),
        sa.UniqueConstraint("provider_id", "chain_index", name="uq_invoice_chain"),
        # A correction is one credit note for the whole invoice: never a second one.
        sa.Index("uq_invoice_corrects_id", "corrects_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    contract_id: int = Field(foreign_key="contract.id")
    kind: str = Field(default=DocumentKind.INVOICE, max_length=12)
    quarter: str = Field(max_length=7, index=True)
    status: str = Field(default=InvoiceStatus.DRAFT, max_length=10, index=True)
    slot: bool | None = None  # drafts are created with True
    number: str | None = Field(default=None, max_length=12)
    issue_date: date | None = None
    due_date: date | None = None
    total_cents: int = 0
    delivered_cents: int = 0
    open_after_cents: int = 0
    flags: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    bsn: str | None = Field(default=None, max_length=9)
    learner_name: str = Field(default="", max_length=201)
    corrects_id: int | None = Field(default=None, foreign_key="invoice.id")
    reason: str = Field(default="", max_length=500)
    status_reason: str = Field(default="", max_length=500)
    status_changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    paid_cents: int | None = None
    paid_on: date | None = None
    # The DUO batch file the document was sent in; NULL until exported (a document goes in one batch).
    duo_batch: str | None = Field(default=None, max_length=80)
    chain_index: int | None = None
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE

    @property
    def issued(self) -> bool:
        """True once numbered: from then on only the status fields may change."""
        return self.status != InvoiceStatus.DRAFT


class InvoiceLine(SQLModel, table=True):
    """One explained amount of a document; `invoiced` lines make up its total, the others explain."""

    __tablename__ = "invoice_line"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True, ondelete="CASCADE")
    position: int
    kind: str = Field(max_length=40)
    amount_cents: int
    invoiced: bool = True
    description: str = Field(max_length=300)
    explanation: str = Field(default="", max_length=300)
    # A delivered line that bills the quarter's hours in full: the e-invoice shows hours x rate.
    attended_minutes: int | None = None
    hourly_rate_cents: int | None = None


class InvoiceEvent(SQLModel, table=True):
    """A change to an issued document after issue (status, payment, slot freed by a credit note,
    DUO batch), sealed in the provider's hash chain: it takes the next `H` position after the
    documents and events before it, and records the document's status fields as they are after
    the change, so `flask invoices verify` can check a document's current status against them.
    """

    __tablename__ = "invoice_event"
    __table_args__ = (sa.UniqueConstraint("provider_id", "chain_index", name="uq_invoice_event_chain"),)

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    number: str = Field(max_length=12)  # the document's number, so a break names it even if it is gone
    chain_index: int
    status: str = Field(max_length=10)
    status_reason: str = Field(default="", max_length=500)
    paid_cents: int | None = None
    paid_on: date | None = None
    duo_batch: str | None = Field(default=None, max_length=80)
    slot: bool | None = None
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OtherProviderInvoice(SQLModel, table=True):
    """What another provider invoiced DUO for one of our learners in a quarter, where known.

    DUO adds up the invoices of all schools for a learner in a quarter and refuses those over the
    cap, so these amounts take cap room. A provider learns them when a learner switches schools
    (from the learner or DUO's Mijn Inburgering overview). A credit note the other school had paid
    is a negative amount in the quarter of payment, as for our own credit notes.
    """

    __tablename__ = "other_provider_invoice"

    id: int | None = Field(default=None, primary_key=True)
    provider_id: int = Field(foreign_key="provider.id", index=True)
    learner_id: int = Field(foreign_key="learner.id", index=True)
    quarter: str = Field(max_length=7)
    amount_cents: int
    other_provider: str = Field(max_length=200)
    note: str = Field(default="", max_length=500)
    recorded_by_id: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
