"""The exemption dossier as a PDF in Dutch (what DUO reads): hours per month from signed registers,
hours at other providers, every attempt and result, and the provider's Keurmerk."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

from billing.fonts import para, stylesheet, table_font_commands
from provider_portal.exam_path.exemption import Effort
from provider_portal.models import ExamResult, ExternalHours, Provider

ROUTE_NL = {"B1": "B1-route", "B1-Entree": "B1 Entree-route", "onderwijs": "Onderwijsroute",
            "Z": "Zelfredzaamheidsroute (Z-route)"}
COMPONENT_NL = {"lezen": "Lezen", "luisteren": "Luisteren", "schrijven": "Schrijven", "spreken": "Spreken",
                "KNM": "KNM (Kennis van de Nederlandse Maatschappij)",
                "ONA": "ONA (Oriëntatie op de Nederlandse Arbeidsmarkt)"}
KEURMERK_NL = {"keurmerk": "Keurmerk Inburgeren", "aspirant": "Aspirant-Keurmerk",
               "suspended": "Geschorst", "none": "Geen Keurmerk"}


def _day(value: date) -> str:
    return format_date(value, "d MMMM y", locale="nl_NL")


def _month(month: str) -> str:
    """"2026-01" as "januari 2026"."""
    return format_date(date.fromisoformat(month + "-01"), "LLLL y", locale="nl_NL")


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".replace(".", ",")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
    table = Table([list(header), *[list(r) for r in rows]], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([*table_font_commands(), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("FONTSIZE", (0, 0), (-1, -1), 9),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3"))]))
    return table


def _keurmerk(provider: Provider) -> str:
    text = KEURMERK_NL.get(provider.keurmerk_status, provider.keurmerk_status)
    if provider.keurmerk_valid_from or provider.keurmerk_valid_until:
        start = _day(provider.keurmerk_valid_from) if provider.keurmerk_valid_from else "…"
        end = _day(provider.keurmerk_valid_until) if provider.keurmerk_valid_until else "…"
        text += f", geldig van {start} tot en met {end}"
    return text


def dossier_pdf(effort: Effort, provider: Provider, results: Sequence[ExamResult],
                external: Sequence[ExternalHours], today: date) -> bytes:
    """The learner's dossier for an exemption request; the figures are those in force on `today`."""
    styles = stylesheet()
    x = effort.learner
    own = sum(effort.own_by_month.values())
    story = [
        para("Dossier ontheffing wegens aantoonbare inspanning", styles["Title"]),
        para(f"Opgesteld op {_day(today)} door {provider.name}", styles["Normal"]), Spacer(1, 8),
        _table(("Cursist", ""), [("Naam", x.full_name), ("BSN", x.bsn),
                                 ("Geboortedatum", _day(x.date_of_birth)),
                                 ("Route", ROUTE_NL.get(x.route, x.route)),
                                 ("Inburgeringstermijn tot", _day(x.term_deadline))]),
        Spacer(1, 8),
        _table(("Taalaanbieder", ""), [("Naam", provider.name), ("BOW-nummer", provider.bow_number),
                                       ("Keurmerk", _keurmerk(provider)), ("KvK", provider.kvk_number)]),
        Spacer(1, 8),
        para(f"Norm op {_day(today)}: {effort.required_hours} uur les bij een taalaanbieder met Keurmerk en "
             f"minimaal {effort.required_attempts} pogingen voor elk examenonderdeel dat nog niet is "
             "behaald, "
             "op niveau A2 of hoger.", styles["Normal"]),
        Spacer(1, 8), para("Uren per maand (getekende presentielijsten)", styles["Heading2"]),
        _table(("Maand", "Uren"), [(_month(m), _hours(v)) for m, v in effort.own_by_month.items()]
               + [("Totaal", _hours(own))]),
    ]
    if effort.own_minutes_without_keurmerk:
        story.append(para(f"Niet meegeteld: {_hours(effort.own_minutes_without_keurmerk)} uur in maanden "
                          "zonder geldig Keurmerk.", styles["Normal"]))
    if external:
        story += [Spacer(1, 8), para("Uren bij andere taalaanbieders (met bewijsstuk)", styles["Heading2"]),
                  _table(("Taalaanbieder", "Periode", "Uren", "Keurmerk", "Bewijsstuk"),
                         [(e.provider_name, f"{_day(e.period_from)} – {_day(e.period_to)}",
                           _hours(e.minutes), "ja" if e.keurmerk else "nee (niet meegeteld)", e.evidence_name)
                          for e in external])]
    story += [
        Spacer(1, 8), para("Examenpogingen en uitslagen", styles["Heading2"]),
        _table(("Onderdeel", "Poging", "Datum", "Niveau", "Uitslag"),
               [(COMPONENT_NL.get(r.component, r.component), str(r.attempt), _day(r.exam_date), r.level,
                 "behaald" if r.passed else "niet behaald") for r in results] or [("–", "", "", "", "")]),
        Spacer(1, 8), para("Samenvatting", styles["Heading2"]),
        _table(("Onderdeel", "Status", "Pogingen", "Nog nodig"),
               [(COMPONENT_NL.get(c.component, c.component),
                 {"passed": "behaald", "exempt": "vrijgesteld"}.get(c.status, "open"), str(c.attempts),
                 str(c.missing)) for c in effort.components]),
        Spacer(1, 6),
        para(f"Uren totaal: {str(effort.hours).replace('.', ',')} van {effort.required_hours}. "
             + ("Voldoet aan de voorwaarden." if effort.meets else "Voldoet nog niet aan de voorwaarden."),
             styles["Normal"]),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=f"Dossier ontheffing {x.full_name}").build(story)
    return buffer.getvalue()
