"""Participant lists per cohort, as CSV for spreadsheets and as a PDF to print for the trainer."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle
from sqlmodel import Session

from billing.fonts import para, stylesheet, table_font_commands
from billing.spreadsheet import write_csv
from provider_portal.models import Cohort
from provider_portal.planning import queries

HEADER = ("Naam", "Gemeente", "Postcode", "Route", "Talen")


def participants_csv(rows: Sequence[Sequence[str]]) -> str:
    """Semicolon-separated, as Dutch spreadsheet settings expect."""
    return write_csv(HEADER, rows)


def participants_pdf(
    title: str, details: Sequence[str], meetings: Sequence[date], rows: Sequence[Sequence[str]]
) -> bytes:
    """An A4 list with the cohort's details, meeting dates and a signature column."""
    styles = stylesheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=40, rightMargin=40)
    dates = ", ".join(d.strftime("%d-%m-%Y") for d in meetings)
    table = Table(
        [["#", *HEADER[:4], "Paraaf"], *[[str(i), *r[:4], ""] for i, r in enumerate(rows, 1)]],
        repeatRows=1,
        colWidths=[22, 150, 80, 60, 60, 90],
    )
    table.setStyle(
        TableStyle(
            [
                *table_font_commands(),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
            ]
        )
    )
    story = [
        para(title, styles["Title"]),
        *(para(x, styles["Normal"]) for x in details),
        para(f"Bijeenkomsten: {dates}", styles["Normal"]),
        Spacer(1, 12),
        table,
    ]
    doc.build(story)
    return buffer.getvalue()


def cohort_participants_pdf(session: Session, cohort: Cohort) -> bytes:
    """The cohort's participant list to print for its trainer (also e-mailed to them, `mail.runs`)."""
    rows = [cells for _p, cells in queries.participant_rows(session, int(cohort.id or 0))]
    details = [
        f"{cohort.venue} ({cohort.municipality}) · {cohort.language}",
        f"{len(rows)} deelnemers (min {cohort.min_size}, max {cohort.max_size})",
    ]
    return participants_pdf(
        f"{cohort.module}: {cohort.name}",
        details,
        [m.meeting_date for m in queries.meetings(session, int(cohort.id or 0))],
        rows,
    )
