"""A Dutch PDF invoice or credit note (reportlab), with the BSN that DUO requires on every invoice."""

from __future__ import annotations

import io
from datetime import date

from babel.dates import format_date
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from billing.documents import CreditNote, Document, Invoice, Party
from billing.fonts import BOLD, REGULAR, register_fonts
from billing.money import format_euro_nl
from billing.ubl import EXEMPTION_REASON

LEFT, RIGHT, LINE = 20 * mm, A4[0] - 20 * mm, 5 * mm


def date_nl(day: date) -> str:
    """A date written out in Dutch: 1 oktober 2026."""
    return format_date(day, "d MMMM y", locale="nl_NL")


def invoice_pdf(doc: Document) -> bytes:
    """The document as a one-page A4 PDF (byte-identical for the same document)."""
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1, initialFontName=REGULAR)
    title = "Creditnota" if isinstance(doc, CreditNote) else "Factuur"
    canvas.setTitle(f"{title} {doc.number}")
    canvas.setFont(BOLD, 16)
    canvas.drawString(LEFT, A4[1] - 25 * mm, f"{title} {doc.number}")
    y = _party_block(canvas, doc.seller, LEFT, A4[1] - 35 * mm, "Van")
    _party_block(canvas, doc.buyer, A4[0] / 2, A4[1] - 35 * mm, "Aan")
    y = _rows(canvas, y - 2 * LINE, _facts(doc))
    y = _lines(canvas, doc, y - 2 * LINE)
    _footer(canvas, doc, y - 2 * LINE)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _party_block(canvas: Canvas, party: Party, x: float, y: float, label: str) -> float:
    canvas.setFont(BOLD, 10)
    canvas.drawString(x, y, f"{label}: {party.name}")
    canvas.setFont(REGULAR, 9)
    details = [party.street, f"{party.postcode} {party.city}"]
    details += [f"KvK {party.kvk}"] if party.kvk else [f"OIN {party.oin}"] if party.oin else []
    details += [f"BOW-nummer {party.bow_number}"] if party.bow_number else []
    details += [f"Btw-id {party.vat_id}"] if party.vat_id else []
    details += [f"IBAN {party.iban}"] if party.iban else []
    for text in details:
        y -= LINE
        canvas.drawString(x, y, text)
    return y


def _facts(doc: Document) -> list[tuple[str, str]]:
    facts = [("Datum", date_nl(doc.issue_date))]
    if isinstance(doc, Invoice):
        facts.append(("Vervaldatum", date_nl(doc.due_date)))
    else:
        facts.append(("Corrigeert factuur", f"{doc.corrects_number} van "
                                             f"{date_nl(doc.corrects_issue_date)}"))
        facts.append(("Reden", doc.reason))
    return facts + [
        ("Periode", f"{doc.period}: {date_nl(doc.period.first_day)} t/m "
                    f"{date_nl(doc.period.last_day)}"),
        ("Inburgeraar", doc.learner.name),
        ("BSN", doc.learner.bsn),
        ("Uw referentie", doc.buyer_reference),
        ("Betalingskenmerk", doc.payment_reference),
    ]


def _rows(canvas: Canvas, y: float, rows: list[tuple[str, str]]) -> float:
    for label, value in rows:
        canvas.setFont(BOLD, 9)
        canvas.drawString(LEFT, y, label)
        canvas.setFont(REGULAR, 9)
        canvas.drawString(LEFT + 40 * mm, y, value)
        y -= LINE
    return y


def _lines(canvas: Canvas, doc: Document, y: float) -> float:
    canvas.setFont(BOLD, 9)
    canvas.drawString(LEFT, y, "Omschrijving")
    canvas.drawRightString(RIGHT, y, "Bedrag")
    canvas.line(LEFT, y - 1.5 * mm, RIGHT, y - 1.5 * mm)
    canvas.setFont(REGULAR, 9)
    for line in doc.lines:
        y -= LINE
        canvas.drawRightString(RIGHT, y, format_euro_nl(line.amount_cents))
        for i, part in enumerate(simpleSplit(line.description, REGULAR, 9, RIGHT - LEFT - 35 * mm)):
            y -= LINE if i else 0
            canvas.drawString(LEFT, y, part)
        billed = line.hours_x_rate()
        if billed:  # the same hours x rate as the e-invoice line
            y -= LINE
            hours, rate = billed
            shown = f"{hours:f}".replace(".", ",")
            canvas.drawString(LEFT + 5 * mm, y, f"{shown} uur x {format_euro_nl(rate)}")
    y -= 2 * LINE
    totals = [("Subtotaal", doc.total_cents), ("Btw 0% (vrijgesteld)", 0),
              ("Totaal" + (" gecrediteerd" if isinstance(doc, CreditNote) else " te betalen"),
               doc.total_cents)]
    for label, cents in totals:
        canvas.drawString(RIGHT - 80 * mm, y, label)
        canvas.drawRightString(RIGHT, y, format_euro_nl(cents))
        y -= LINE
    return y


def _footer(canvas: Canvas, doc: Document, y: float) -> None:
    canvas.setFont(REGULAR, 8)
    texts = [EXEMPTION_REASON + "."]
    if isinstance(doc, Invoice):
        texts.append(f"DUO betaalt uit de lening van de inburgeraar, na diens akkoord, op IBAN "
                     f"{doc.seller.iban} o.v.v. betalingskenmerk {doc.payment_reference}.")
    for text in texts:
        for part in simpleSplit(text, REGULAR, 8, RIGHT - LEFT):  # DejaVu is wider than Helvetica
            canvas.drawString(LEFT, y, part)
            y -= LINE
