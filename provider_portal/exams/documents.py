"""Rosters per location and day (CSV, PDF); the invitation letters are `exams.letters`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from billing.fonts import para, stylesheet, table_font_commands
from billing.spreadsheet import write_csv

ROSTER_HEADER = ("Tijd", "Onderdeel", "Naam", "Gemeente", "Poging", "Extra tijd/toegankelijk")


def roster_csv(rows: Sequence[Sequence[str]]) -> str:
    """A day's roster at one location, semicolon-separated for Dutch spreadsheets."""
    return write_csv(ROSTER_HEADER, rows)


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> Table:
    table = Table([list(header), *[list(r) for r in rows]], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                *table_font_commands(),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
            ]
        )
    )
    return table


def roster_pdf(location: str, day: date, rows: Sequence[Sequence[str]]) -> bytes:
    """The roster to print for the examiners."""
    styles = stylesheet()
    buffer = io.BytesIO()
    title = f"Rooster {location}, {format_date(day, 'full', locale='nl_NL')}"
    SimpleDocTemplate(buffer, pagesize=A4, title=title).build(
        [para(title, styles["Title"]), Spacer(1, 8), _table(rows, ROSTER_HEADER)]
    )
    return buffer.getvalue()
