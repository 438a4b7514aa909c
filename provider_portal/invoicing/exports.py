"""Exports of issued documents through the billing core: DUO CSV batch, UBL 2.1, PDF, quarter XLSX.

The portal only maps rows to the core's plain documents (`billing.documents`); every format rule
lives in `billing/`. A refused export raises InvoicingError naming the record and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from billing import documents as core
from billing.duo_csv import invoice_csv, invoice_file_name
from billing.errors import BillingInputError, ExportError
from billing.pdf import invoice_pdf
from billing.quarters import Quarter
from billing.result import LineKind, QuarterResult
from billing.rules import compute_learner_quarter
from billing.ubl import ubl_xml
from billing.xlsx import quarter_overview_xlsx
from provider_portal.invoicing import chain, numbering
from provider_portal.invoicing.core_messages import input_problem
from provider_portal.invoicing.errors import InvoicingError
from provider_portal.invoicing.inputs import build_inputs
from provider_portal.models import Invoice, InvoiceLine, Provider
from provider_portal.models.invoicing import DocumentKind, InvoiceStatus

BATCH_SERIES = "B"
# DUO as the buyer; its OIN is configuration (DUO_OIN), since it is DUO's to publish, not ours.
DUO_NAME, DUO_STREET, DUO_POSTCODE, DUO_CITY = (
    "Dienst Uitvoering Onderwijs",
    "Kempkensberg 12",
    "9722 TB",
    "Groningen",
)
PLACEHOLDER_OIN = "00000001234567890000"  # demo only: production exports need the real DUO_OIN
MINUTES_PER_HOUR = Decimal(60)


def duo_party(config: Mapping[str, Any]) -> core.Party:
    """DUO as the buyer of every invoice; without DUO_OIN in production it has no OIN at all."""
    oin = config.get("DUO_OIN") or (None if config.get("PORTAL_ENV") == "production" else PLACEHOLDER_OIN)
    return core.Party(DUO_NAME, DUO_STREET, DUO_POSTCODE, DUO_CITY, oin=oin)


def seller_party(provider: Provider) -> core.Party:
    """The provider as seller: KvK, VAT id, IBAN and BOW number from its settings."""
    return core.Party(
        name=provider.name,
        street=provider.street,
        postcode=provider.postcode,
        city=provider.city,
        kvk=provider.kvk_number or None,
        vat_id=provider.vat_id or None,
        iban=provider.iban or None,
        bow_number=provider.bow_number,
    )


def document(session: Session, invoice: Invoice, buyer: core.Party) -> core.Document:
    """An issued invoice or credit note as the core's document; drafts are refused."""
    if invoice.status == InvoiceStatus.DRAFT or not invoice.number or not invoice.issue_date:
        raise InvoicingError(_("draft %(id)s for %(name)s is not issued yet; issue it first",
                               id=invoice.id, name=invoice.learner_name))
    provider = session.execute(
        sa.select(Provider).where(col(Provider.id) == invoice.provider_id)
    ).scalar_one()
    lines = tuple(
        core.InvoiceLine(line.description, line.amount_cents, LineKind(line.kind),
                         _hours(line.attended_minutes), line.hourly_rate_cents)
        for line in session.execute(
            sa.select(InvoiceLine)
            .where(col(InvoiceLine.invoice_id) == invoice.id, col(InvoiceLine.invoiced).is_(True))
            .order_by(col(InvoiceLine.position))
        ).scalars()
    )
    common: dict[str, Any] = dict(
        number=invoice.number,
        issue_date=invoice.issue_date,
        seller=seller_party(provider),
        buyer=buyer,
        learner=core.Learner(str(invoice.learner_id), invoice.bsn or "", invoice.learner_name),
        period=Quarter.parse(invoice.quarter),
        lines=lines,
        payment_reference=f"{provider.bow_number} {invoice.number}",
        buyer_reference=invoice.bsn or "",
    )
    try:
        if invoice.kind == DocumentKind.CREDIT_NOTE:
            corrected = session.execute(
                sa.select(Invoice).where(col(Invoice.id) == invoice.corrects_id)
            ).scalar_one()
            return core.CreditNote(
                **common,
                corrects_number=corrected.number or "",
                corrects_issue_date=corrected.issue_date or invoice.issue_date,
                reason=invoice.reason,
            )
        return core.Invoice(**common, due_date=invoice.due_date or invoice.issue_date)
    except BillingInputError as exc:
        raise InvoicingError(f"{invoice.number} ({invoice.learner_name}): {input_problem(exc)}") from exc


def _hours(minutes: int | None) -> Decimal | None:
    return None if minutes is None else Decimal(minutes) / MINUTES_PER_HOUR


def ubl(session: Session, invoice: Invoice, buyer: core.Party) -> tuple[str, bytes]:
    """(file name, UBL 2.1 XML); refused while DUO's OIN (the e-invoice's address) or the
    provider's VAT id (EN 16931 BR-E-02 needs it on VAT-exempt invoices) is unknown."""
    if not buyer.oin:
        raise InvoicingError(_("DUO's OIN is not configured: set DUO_OIN to DUO's 20-digit OIN from "
                               "Logius's OIN register before exporting e-invoices"))
    doc = document(session, invoice, buyer)
    if not doc.seller.vat_id:
        raise InvoicingError(str(_l(
            "%(provider)s has no VAT identification number (btw-id): enter it in the provider settings "
            "before exporting e-invoices (UBL). Education is exempt from VAT, but an e-invoice must "
            "still name the seller's VAT id (EN 16931 rule BR-E-02).", provider=doc.seller.name)))
    try:
        return f"{invoice.number}.xml", ubl_xml(doc)
    except BillingInputError as exc:
        raise InvoicingError(f"{invoice.number} ({invoice.learner_name}): {input_problem(exc)}") from exc


def pdf(session: Session, invoice: Invoice, buyer: core.Party) -> tuple[str, bytes]:
    """(file name, PDF in Dutch)."""
    return f"{invoice.number}.pdf", invoice_pdf(document(session, invoice, buyer))


@dataclass(frozen=True, slots=True)
class Batch:
    """A DUO invoice file and the documents in it."""

    file_name: str
    content: str
    numbers: tuple[str, ...]


def duo_batch(
    session: Session, provider: Provider, quarter: Quarter, buyer: core.Party, today: date
) -> Batch:
    """The quarter's issued documents not sent in an earlier batch, as DUO's CSV; takes a batch number.

    Each document in the file is marked with the file's name (`duo_batch`), so the next export,
    e.g. of a credit note made afterwards, lists only what DUO has not received yet. The caller's
    unit of work commits the marks and the batch number with the download.
    """
    rows = (
        session.execute(
            sa.select(Invoice)
            .where(
                col(Invoice.provider_id) == provider.id,
                col(Invoice.quarter) == str(quarter),
                col(Invoice.status) == InvoiceStatus.ISSUED,
                col(Invoice.duo_batch).is_(None),
            )
            .order_by(col(Invoice.chain_index))
        )
        .scalars()
        .all()
    )
    if not rows:
        raise InvoicingError(_("%(quarter)s has no issued invoices or credit notes not yet sent to DUO",
                               quarter=str(quarter)))
    docs = [document(session, row, buyer) for row in rows]
    try:
        content = invoice_csv(seller_party(provider), docs)
    except ExportError as exc:
        raise InvoicingError(str(exc)) from exc
    batch = numbering.next_number(session, provider.id or 0, BATCH_SERIES, today.year)
    file_name = invoice_file_name(provider.bow_number, today, batch)
    chain.lock_head(session, provider.id or 0)  # before the documents' rows, as status changes do
    for row in rows:
        row.duo_batch = file_name
        chain.record(session, row)  # the batch a document went to DUO in is sealed in the chain
    session.flush()
    return Batch(file_name, content, tuple(d.number for d in docs))


def quarter_result(
    session: Session, provider: Provider, quarter: Quarter, today: date
) -> tuple[QuarterResult, dict[str, str], list[str]]:
    """The core's live computation of a quarter (what is still invoiceable), names, and problems."""
    inputs = build_inputs(session, provider, quarter)
    results, problems = [], list(inputs.problems)
    day = max(today, quarter.next().first_day)
    for learner in inputs.learners:
        try:
            results.append(
                compute_learner_quarter(
                    learner, quarter, provider=inputs.provider, caps=inputs.caps, invoice_date=day
                )
            )
        except BillingInputError as exc:
            problems.append(_("learner %(id)s: %(problem)s", id=learner.learner_id,
                              problem=input_problem(exc)))
    names = {str(lid): rec.full_name for lid, rec in inputs.records.items()}
    return QuarterResult(quarter, day, tuple(results)), names, problems


def overview_xlsx(session: Session, provider: Provider, quarter: Quarter, today: date) -> tuple[str, bytes]:
    """(file name, XLSX) of the quarter overview."""
    result, names, _problems = quarter_result(session, provider, quarter, today)
    if not result.learners:
        raise InvoicingError(_("%(quarter)s has no learners with a contract to show", quarter=str(quarter)))
    return f"{provider.bow_number}-{quarter}.xlsx", quarter_overview_xlsx(result, names)
