"""The quarter overview as an XLSX workbook for finance staff (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from billing.result import LearnerQuarter, LineKind, QuarterResult
from billing.spreadsheet import append_xlsx_row

EURO_FORMAT = '"€" #,##0.00'
COLUMNS = (
    ("Cursist", None), ("Naam", None), ("Plafond", None), ("Geleverd dit kwartaal", None),
    ("Overgeboekt", LineKind.CARRIED_OVER), ("Gefactureerd geleverd", LineKind.DELIVERED),
    ("Vrijgegeven na examen", LineKind.RELEASED_AFTER_EXAM),
    ("Tegengehouden door plafond", LineKind.HELD_BACK_BY_CAP),
    ("Tegengehouden door lening", LineKind.HELD_BACK_BY_LOAN),
    ("Tegengehouden (termijn)", LineKind.HELD_BACK_DEADLINE),
    ("Zonder Keurmerk", LineKind.NO_KEURMERK), ("Te factureren", None), ("Blijft open", None),
    ("Signalen", None),
)


def quarter_overview_xlsx(result: QuarterResult, names: Mapping[str, str] | None = None) -> bytes:
    """One row per learner plus a totals row; amounts are numbers in euros, formatted as money."""
    book = Workbook()
    sheet = book.active
    sheet.title = f"Kwartaal {result.quarter}"
    sheet.append([title for title, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for learner in result.learners:
        append_xlsx_row(sheet, _row(learner, (names or {}).get(learner.learner_id, "")))
    last = sheet.max_row
    totals: list[str | int | None] = ["Totaal", "", None]
    for column in range(4, len(COLUMNS)):
        letter = sheet.cell(row=1, column=column).column_letter
        totals.append(f"=SUM({letter}2:{letter}{last})" if last > 1 else 0)
    sheet.append(totals + [""])
    for row in sheet.iter_rows(min_row=2, min_col=3, max_col=len(COLUMNS) - 1):
        for cell in row:
            cell.number_format = EURO_FORMAT
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(learner: LearnerQuarter, name: str) -> list[object]:
    amounts = [_euros(learner.amount(kind)) for _, kind in COLUMNS[4:11]]
    flags = "; ".join(flag.message for flag in learner.flags)
    return [learner.learner_id, name, _euros(learner.cap_cents), _euros(learner.delivered_cents),
            *amounts, _euros(learner.invoice_cents), _euros(learner.open_after_cents), flags]


def _euros(cents: int) -> Decimal:
    """Cents as an exact Decimal euro amount (openpyxl writes it as a number)."""
    return Decimal(cents) / 100
