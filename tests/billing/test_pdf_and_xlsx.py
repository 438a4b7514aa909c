"""The Dutch PDF invoice and the XLSX quarter overview, read back to check their content."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from billing import fonts
from billing.documents import InvoiceLine, Learner
from billing.model import BillingInput, KeurmerkPeriod, ProviderBilling
from billing.pdf import date_nl, invoice_pdf
from billing.quarters import Quarter
from billing.result import LineKind
from billing.rules import compute_quarter
from billing.xlsx import quarter_overview_xlsx


def pdf_text(data: bytes) -> str:
    """All text of a PDF, pages joined."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_invoice_names_provider_learner_bsn_period_lines_totals_and_iban(invoice):
    data = invoice_pdf(invoice)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for expected in ("Factuur 2026-00042", "Taalschool Utrecht B.V.", "Amina Yusuf", "111222333",
                     "2026-Q3: 1 juli 2026 t/m 30 september 2026", "Openstaand uit eerdere",
                     "€ 334,00", "€ 916,00", "Totaal te betalen", "€ 1.250,00",
                     "NL91ABNA0417164300", "1234 5678 9012 3456", "KvK 12345678", "BOW1234",
                     "Vrijgesteld van btw"):
        assert expected in text, expected


def test_the_pdf_shows_hours_x_rate_on_a_line_for_hours(invoice):
    line = InvoiceLine("Gevolgde lessen 2026-Q3", 55_250, LineKind.DELIVERED, Decimal("55.25"), 1_000)
    text = pdf_text(invoice_pdf(replace(invoice, lines=(line,))))
    assert "55,25 uur x € 10,00" in text and "€ 552,50" in text
    assert " uur x " not in pdf_text(invoice_pdf(invoice))  # lines without hours show none


def test_the_pdf_credit_note_names_the_invoice_it_corrects(credit_note):
    text = pdf_text(invoice_pdf(credit_note))
    assert "Creditnota C2026-00007" in text
    assert "2026-00042 van 1 oktober 2026" in text
    assert "Totaal gecrediteerd" in text


TURKISH_NAMES = ("Emre Şahin", "Derya Yılmaz", "Gülşen Ağaoğlu")


def test_the_pdf_invoice_prints_a_learners_turkish_letters_as_written(invoice):
    for name in TURKISH_NAMES:
        learner = Learner("L-001", invoice.learner.bsn, name)
        assert name in pdf_text(invoice_pdf(dataclasses.replace(invoice, learner=learner))), name


def test_the_pdf_credit_note_prints_a_learners_turkish_letters_as_written(credit_note):
    for name in TURKISH_NAMES:
        learner = Learner("L-001", credit_note.learner.bsn, name)
        assert name in pdf_text(invoice_pdf(dataclasses.replace(credit_note, learner=learner))), name


def test_the_pdf_embeds_the_unicode_font_and_no_latin1_helvetica(invoice):
    fonts_used = {str(font["/BaseFont"]) for page in PdfReader(io.BytesIO(invoice_pdf(invoice))).pages
                  for font in page["/Resources"]["/Font"].values()}
    assert fonts_used and all(name.endswith(("DejaVuSans", "DejaVuSans-Bold")) for name in fonts_used)


def test_the_font_files_and_their_licence_ship_inside_the_billing_package():
    folder = Path(fonts.__file__).parent
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"):
        assert (folder / name).stat().st_size > 0, name
    assert "Bitstream" in (folder / "LICENSE").read_text()


def test_the_same_document_gives_the_same_pdf_bytes(invoice):
    assert invoice_pdf(invoice) == invoice_pdf(invoice)


def test_dates_are_written_out_in_dutch():
    assert date_nl(date(2026, 3, 5)) == "5 maart 2026"


def test_the_quarter_overview_has_a_row_per_learner_and_summed_totals(make_learner, weekly):
    provider = ProviderBilling("P-1", (KeurmerkPeriod(date(2020, 1, 1)),))
    learners = (make_learner(lessons=weekly(date(2026, 7, 6), 13, hours="12")),
                make_learner(learner_id="L-2", lessons=weekly(date(2026, 7, 6), 5)))
    result = compute_quarter(BillingInput(provider, learners), Quarter(2026, 3), date(2026, 10, 1))
    sheet = load_workbook(io.BytesIO(quarter_overview_xlsx(result, {"L-2": "Dawit"}))).active
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert sheet.title == "Kwartaal 2026-Q3"
    assert rows["L-1"]["Te factureren"] == 1250
    assert rows["L-1"]["Tegengehouden door plafond"] == 310
    assert (rows["L-2"]["Naam"], rows["L-2"]["Te factureren"]) == ("Dawit", 200)
    assert rows["Totaal"]["Te factureren"] == "=SUM(L2:L3)"


def test_the_pdf_wraps_long_texts_and_continues_on_a_next_page_instead_of_cutting(invoice):
    long_text = "Gevolgde lessen " + " ".join(f"woord{i}" for i in range(60)) + " EINDE"
    lines = tuple(InvoiceLine(f"{long_text} regel {n}", 1_000, LineKind.DELIVERED) for n in range(40))
    data = invoice_pdf(replace(invoice, lines=lines))
    pages = PdfReader(io.BytesIO(data)).pages
    text = pdf_text(data)
    assert len(pages) > 1  # forty long lines do not fit on one page
    assert text.count("EINDE") == 40 and "regel 39" in text  # nothing cut off
    assert all("Omschrijving" in page.extract_text() for page in pages[1:])  # heads repeated


def test_the_pdf_credit_note_prints_a_long_reason_whole(credit_note):
    reason = "De uren van " + ", ".join(f"les {i}" for i in range(1, 40)) + " waren dubbel geteld. SLOT"
    text = pdf_text(invoice_pdf(replace(credit_note, reason=reason))).replace("\n", " ")
    assert "SLOT" in text and "les 39" in text
