"""Rosters per location and day (CSV, PDF) and invitation letters to learners (PDF, in Dutch)."""

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


def invitation_pdf(name: str, address: str, bookings: Sequence[dict[str, object]]) -> bytes:
    """A letter inviting the learner to their exam components (one page per letter)."""
    styles = stylesheet()
    buffer = io.BytesIO()
    rows = [
        (
            format_date(date.fromisoformat(str(b["date"])), "EEEE d MMMM y", locale="nl_NL"),
            str(b["start"]),
            str(b["component"]),
            str(b["location"]),
            f"€ {b['fee_eur']},-" if b.get("fee_eur") else "gratis",
        )
        for b in bookings
    ]
    story = [
        para(name, styles["Normal"]),
        para(address, styles["Normal"]),
        Spacer(1, 24),
        para("Uitnodiging inburgeringsexamen", styles["Title"]),
        para(f"Beste {name},", styles["Normal"]),
        Spacer(1, 8),
        para(
            "U bent ingepland voor de volgende onderdelen van het inburgeringsexamen. Neem een geldig "
            "identiteitsbewijs mee en kom 30 minuten voor de begintijd.",
            styles["Normal"],
        ),
        Spacer(1, 12),
        _table(rows, ("Datum", "Tijd", "Onderdeel", "Locatie", "Kosten")),
        Spacer(1, 12),
        para(
            "Elk onderdeel mag u twee keer gratis doen; een volgende poging kost geld (zie de tabel). "
            "Kunt u niet komen? Neem dan zo snel mogelijk contact op met uw planner.",
            styles["Normal"],
        ),
        Spacer(1, 18),
        para("Met vriendelijke groet,\nDe examenplanner", styles["Normal"]),
    ]
    SimpleDocTemplate(buffer, pagesize=A4, title="Uitnodiging inburgeringsexamen").build(story)
    return buffer.getvalue()
