"""A Dutch PDF invoice or credit note (reportlab), with the BSN that DUO requires on every invoice."""

from __future__ import annotations

import io
from datetime import date

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table

from billing.documents import CreditNote, Document, Invoice, Party
from billing.fonts import BOLD, REGULAR, para, register_fonts
from billing.money import format_euro_nl
from billing.ubl import EXEMPTION_REASON

LEFT, RIGHT, LINE = 20 * mm, A4[0] - 20 * mm, 5 * mm


def date_nl(day: date) -> str:
    """A date written out in Dutch: 1 oktober 2026."""
    return format_date(day, "d MMMM y", locale="nl_NL")


def invoice_pdf(doc: Document) -> bytes:
    """The document as an A4 PDF (byte-identical for the same document), set with platypus.

    Everything wraps instead of being cut: long descriptions, a credit note's long reason, long
    names; a document with many lines continues on a next page with the column heads repeated.
    Every text goes through `para`, so a learner's name never becomes markup.
    """
    styles = _styles()
    buffer = io.BytesIO()
    title = "Creditnota" if isinstance(doc, CreditNote) else "Factuur"
    template = SimpleDocTemplate(
        buffer, pagesize=A4, invariant=1, title=f"{title} {doc.number}", initialFontName=REGULAR,
        leftMargin=LEFT, rightMargin=A4[0] - RIGHT, topMargin=18 * mm, bottomMargin=18 * mm,
    )
    story: list[Flowable] = [para(f"{title} {doc.number}", styles["title"]), Spacer(0, 4 * mm)]
    story.append(Table(
        [[_party(doc.seller, "Van", styles), _party(doc.buyer, "Aan", styles)]],
        colWidths=[WIDTH / 2] * 2, style=[("VALIGN", (0, 0), (-1, -1), "TOP"), *_NO_PADDING],
    ))
    story.append(Spacer(0, 6 * mm))
    story.append(Table(
        [[para(label, styles["label"]), para(value, styles["body"])] for label, value in _facts(doc)],
        colWidths=[40 * mm, WIDTH - 40 * mm], style=[("VALIGN", (0, 0), (-1, -1), "TOP"), *_NO_PADDING],
    ))
    story.append(Spacer(0, 6 * mm))
    story.append(_lines(doc, styles))
    story.append(Spacer(0, 4 * mm))
    story.append(_totals(doc, styles))
    story.append(Spacer(0, 8 * mm))
    story.extend(para(text, styles["small"]) for text in _footer(doc))
    template.build(story)
    return buffer.getvalue()


WIDTH = RIGHT - LEFT
AMOUNT_WIDTH = 35 * mm
_NO_PADDING = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
               ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
               ("FONTNAME", (0, 0), (-1, -1), REGULAR)]  # also the font a cell sets before drawing


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=REGULAR, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20),
        "body": body,
        "label": ParagraphStyle("label", parent=body, fontName=BOLD),
        "amount": ParagraphStyle("amount", parent=body, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD),
        "head_amount": ParagraphStyle("head_amount", parent=body, fontName=BOLD, alignment=TA_RIGHT),
        "detail": ParagraphStyle("detail", parent=body, leftIndent=5 * mm),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10),
    }


def _party(party: Party, label: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    details = [party.street, f"{party.postcode} {party.city}"]
    details += [f"KvK {party.kvk}"] if party.kvk else [f"OIN {party.oin}"] if party.oin else []
    details += [f"BOW-nummer {party.bow_number}"] if party.bow_number else []
    details += [f"Btw-id {party.vat_id}"] if party.vat_id else []
    details += [f"IBAN {party.iban}"] if party.iban else []
    return [para(f"{label}: {party.name}", styles["label"]), para("\n".join(details), styles["body"])]


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


def _lines(doc: Document, styles: dict[str, ParagraphStyle]) -> Table:
    rows: list[list[object]] = [[para("Omschrijving", styles["head"]), para("Bedrag", styles["head_amount"])]]
    for line in doc.lines:
        description: list[Flowable] = [para(line.description, styles["body"])]
        billed = line.hours_x_rate()
        if billed:  # the same hours x rate as the e-invoice line
            hours, rate = billed
            shown = f"{hours:f}".replace(".", ",")
            description.append(para(f"{shown} uur x {format_euro_nl(rate)}", styles["detail"]))
        rows.append([description, para(format_euro_nl(line.amount_cents), styles["amount"])])
    return Table(rows, colWidths=[WIDTH - AMOUNT_WIDTH, AMOUNT_WIDTH], repeatRows=1, style=[
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        *_NO_PADDING,
    ])


def _totals(doc: Document, styles: dict[str, ParagraphStyle]) -> Table:
    total = "Totaal" + (" gecrediteerd" if isinstance(doc, CreditNote) else " te betalen")
    rows = [[para(label, styles["body"]), para(format_euro_nl(cents), styles["amount"])]
            for label, cents in (("Subtotaal", doc.total_cents), ("Btw 0% (vrijgesteld)", 0),
                                 (total, doc.total_cents))]
    table = Table(rows, colWidths=[45 * mm, AMOUNT_WIDTH], hAlign="RIGHT", style=[
        ("LINEABOVE", (0, 2), (-1, 2), 0.6, colors.black), *_NO_PADDING,
    ])
    return table


def _footer(doc: Document) -> list[str]:
    texts = [EXEMPTION_REASON + "."]
    if isinstance(doc, Invoice):
        texts.append(f"DUO betaalt uit de lening van de inburgeraar, na diens akkoord, op IBAN "
                     f"{doc.seller.iban} o.v.v. betalingskenmerk {doc.payment_reference}.")
    return texts
