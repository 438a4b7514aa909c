"""DUO's "Aanlevering te verwerken facturen": one CSV per provider per batch (docs/duo-files.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from billing.documents import CreditNote, Document, Party
from billing.errors import ExportError
from billing.money import format_cents
from billing.spreadsheet import write_csv

DELIMITER = ";"
INVOICE_COLUMNS = (
    "bow_nummer", "factuurnummer", "factuurdatum", "soort", "gecorrigeerde_factuur", "bsn",
    "naam_inburgeraar", "periode", "periode_begin", "periode_einde", "bedrag",
    "betalingskenmerk", "omschrijving",
)


def invoice_file_name(bow_number: str, day: date, batch: int) -> str:
    """`<BOW>Facturen<yyyymmdd>-<batch>.csv`, after DUO's `<BOW>Aanlevering<yyyymmdd>.csv` pattern."""
    return f"{bow_number}Facturen{day:%Y%m%d}-{batch:03d}.csv"


def invoice_csv(seller: Party, documents: Sequence[Document]) -> str:
    """The batch as CSV text (UTF-8, `;`, CRLF, header row); refuses an empty or mixed batch."""
    if not documents:
        raise ExportError("the batch has no issued invoices or credit notes to send to DUO")
    for doc in documents:
        if doc.seller.bow_number != seller.bow_number:
            raise ExportError(f"{doc.number} belongs to BOW {doc.seller.bow_number}, "
                              f"not to {seller.bow_number}")
    return write_csv(INVOICE_COLUMNS, (invoice_row(doc) for doc in documents), DELIMITER)


def invoice_row(doc: Document) -> list[str]:
    """One document as a row of INVOICE_COLUMNS; amounts positive, `soort` tells credit apart."""
    credit = isinstance(doc, CreditNote)
    return [
        doc.seller.bow_number or "", doc.number, doc.issue_date.isoformat(),
        "CREDITNOTA" if credit else "FACTUUR",
        doc.corrects_number if isinstance(doc, CreditNote) else "",
        doc.learner.bsn, doc.learner.name, str(doc.period),
        doc.period.first_day.isoformat(), doc.period.last_day.isoformat(),
        format_cents(doc.total_cents), doc.payment_reference,
        " / ".join(line.description for line in doc.lines),
    ]
