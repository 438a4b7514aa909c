"""Exam invitation letters in bulk: one PDF per run, one per location and day, and a ZIP of them.

Each letter is dated, addressed to the learner's home, names every sitting with the location's
address, says what to bring, and gives the provider's contact details: a page in Dutch followed by the
same letter in English. The letters are printed from the published bookings as they stand (a pin or
a later run changes them), never from an unpublished result. Names and addresses reach reportlab
only through `billing.fonts.para` (escaped, DejaVu Sans), and CSV cells through `csv_row`.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, TypedDict

import sqlalchemy as sa
from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import KeepTogether, PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlmodel import Session, col

from billing.fonts import para, stylesheet, table_font_commands
from provider_portal.exams.documents import roster_csv, roster_pdf
from provider_portal.models import ExamBooking, ExamLocation, ExamSession, Learner, PlanRun, Provider


@dataclass(frozen=True)
class Sender:
    """The provider the letter comes from, with the contact details learners call or write to."""

    name: str
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Sitting:
    day: date
    start: str
    component: str
    location_code: str
    location: str
    address: str
    fee_eur: int = 0
    attempt: int = 1


@dataclass(frozen=True)
class Letter:
    learner_id: int
    name: str
    address: tuple[str, ...]  # lines: street and number, postcode and place
    sender: Sender
    sittings: tuple[Sitting, ...]


# The letter's words in both languages (the letter always carries both, whatever the reader's
# language in the portal).
LetterText = TypedDict("LetterText", {
    "locale": str,
    "title": str,
    "dear": str,
    "intro": str,
    "free": str,
    "where": str,
    "no_address": str,
    "bring_title": str,
    "arrive": str,
    "fee": str,
    "contact": str,
    "via": str,
    "or": str,
    "regards": str,
    "planner": str,
    "english": str,
    "date": str,
    "phone": str,
    "head": tuple[str, ...],
    "bring": tuple[str, ...],
})
"""The fixed wording of an exam letter in one language (`or` is a Python keyword, hence this form)."""

TEXT: dict[str, LetterText] = {
    "nl": {
        "locale": "nl_NL",
        "title": "Uitnodiging inburgeringsexamen",
        "dear": "Beste {name},",
        "intro": "U bent ingepland voor de volgende onderdelen van het inburgeringsexamen.",
        "head": ("Datum", "Tijd", "Onderdeel", "Locatie", "Kosten"),
        "free": "gratis",
        "where": "Adres van de examenlocatie",
        "no_address": "het adres staat op de website van DUO",
        "bring_title": "Wat neemt u mee?",
        "bring": (
            "Een geldig identiteitsbewijs: paspoort, identiteitskaart of verblijfsdocument. Zonder geldig "
            "identiteitsbewijs mag u het examen niet maken.",
            "Deze brief.",
            "Uw bril of gehoorapparaat, als u die gebruikt.",
        ),
        "arrive": "Kom 30 minuten voor de begintijd. Uw telefoon en tas bergt u op in een kluisje.",
        "fee": "Staat er een bedrag bij een onderdeel? Dan is dat een extra poging waarvoor u "
               "examengeld betaalt.",
        "contact": "Kunt u niet komen of heeft u een vraag? Neem zo snel mogelijk contact op met "
                   "{name}{how}.",
        "via": " via {what}",
        "or": " of ",
        "regards": "Met vriendelijke groet,",
        "planner": "De examenplanner",
        "english": "An English version of this letter is on the next page.",
        "date": "Datum: {day}",
        "phone": "tel. {phone}",
    },
    "en": {
        "locale": "en_GB",
        "title": "Invitation to the civic integration exam",
        "dear": "Dear {name},",
        "intro": "You are booked for the following parts of the civic integration exam (inburgeringsexamen).",
        "head": ("Date", "Time", "Part", "Location", "Fee"),
        "free": "free",
        "where": "Address of the exam location",
        "no_address": "the address is on DUO's website",
        "bring_title": "What to bring",
        "bring": (
            "A valid identity document: passport, identity card or residence document. Without one you "
            "cannot sit the exam.",
            "This letter.",
            "Your glasses or hearing aid, if you use them.",
        ),
        "arrive": "Come 30 minutes before the starting time. Your phone and bag go into a locker.",
        "fee": "Is there an amount next to a part? Then it is an extra attempt, for which you pay the "
               "exam fee.",
        "contact": "Cannot come, or a question? Contact {name}{how} as soon as possible.",
        "via": " by {what}",
        "or": " or ",
        "regards": "Kind regards,",
        "planner": "The exam planner",
        "english": "",
        "date": "Date: {day}",
        "phone": "phone {phone}",
    },
}
COMPONENTS_EN = {"lezen": "reading", "luisteren": "listening", "schrijven": "writing",
                 "spreken": "speaking", "KNM": "KNM (Dutch society)", "ONA": "ONA interview (labour market)"}


def _page(letter: Letter, made_on: date, lang: str) -> list:
    t = TEXT[lang]
    styles = stylesheet()
    small = styles["BodyText"].clone(f"small-{lang}", fontSize=8.5, leading=10.5)
    sender = letter.sender
    head_lines = [sender.name, sender.street, f"{_postcode(sender.postcode)} {sender.city}".strip(),
                  t["phone"].format(phone=sender.phone) if sender.phone else "", sender.email]
    rows = [list(t["head"])] + [
        [format_date(s.day, "EEEE d MMMM y", locale=t["locale"]), s.start,
         s.component if lang == "nl" else COMPONENTS_EN.get(s.component, s.component), s.location,
         f"€ {s.fee_eur},-" if s.fee_eur else t["free"]]
        for s in letter.sittings
    ]
    table = Table([[para(c, small) for c in row] for row in rows], colWidths=[150, 38, 105, 112, 45],
                  repeatRows=1)
    table.setStyle(TableStyle([*table_font_commands(), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3"))]))
    places: dict[str, str] = {}
    for s in letter.sittings:
        places.setdefault(s.location, s.address or t["no_address"])
    how = t["or"].join(x for x in (sender.phone, sender.email) if x)
    contact = t["contact"].format(name=sender.name, how=t["via"].format(what=how) if how else "")
    story: list = [
        para("\n".join(line for line in head_lines if line), small),
        Spacer(1, 14),
        para("\n".join((letter.name, *letter.address)), styles["BodyText"]),
        Spacer(1, 10),
        para(t["date"].format(day=format_date(made_on, "d MMMM y", locale=t["locale"])), styles["BodyText"]),
        Spacer(1, 6),
        para(t["title"], styles["Heading1"]),
        para(t["dear"].format(name=letter.name), styles["BodyText"]),
        para(t["intro"], styles["BodyText"]),
        Spacer(1, 6),
        table,
        Spacer(1, 8),
        para(t["where"], styles["Heading3"]),
        *[para(f"{name}: {address}", styles["BodyText"]) for name, address in places.items()],
        para(t["bring_title"], styles["Heading3"]),
        *[para(f"• {line}", styles["BodyText"]) for line in t["bring"]],
        Spacer(1, 4),
        para(t["arrive"], styles["BodyText"]),
        para(t["fee"], styles["BodyText"]),
        para(contact, styles["BodyText"]),
        Spacer(1, 10),
        KeepTogether([para(t["regards"], styles["BodyText"]), para(f"{t['planner']}, {sender.name}",
                                                                    styles["BodyText"])]),
    ]
    if t["english"]:
        story += [Spacer(1, 8), para(t["english"], small)]
    return story


def letters_pdf(letters: Sequence[Letter], made_on: date, title: str) -> bytes:
    """The letters one after the other: per learner a Dutch page, then the English one."""
    return bilingual_letters_pdf(letters, _page, made_on, title)


def bilingual_letters_pdf(letters: Sequence[Any], page: Callable[[Any, date, str], list], made_on: date,
                          title: str) -> bytes:
    """Letters one after the other, each as `page` writes it in Dutch and then in English (exam
    invitations here, group-session invitations in planning/letters.py)."""
    story: list = []
    for n, letter in enumerate(letters):
        if n:
            story.append(PageBreak())
        story += page(letter, made_on, "nl") + [PageBreak()] + page(letter, made_on, "en")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title, topMargin=40, bottomMargin=40).build(story)
    return buffer.getvalue()


def _postcode(value: str) -> str:
    """A stored postcode (3511AB) as an address writes it (3511 AB)."""
    compact = value.replace(" ", "")
    return f"{compact[:4]} {compact[4:]}".strip()


def _address(learner: Learner) -> tuple[str, ...]:
    town = (learner.place or learner.municipality).upper()
    lines = (learner.street_address, f"{_postcode(learner.postcode)} {town}")
    return tuple(line for line in lines if line.strip())


def letters_for(session: Session, learner_ids: Iterable[int]) -> list[Letter]:
    """The letters of these learners from their published bookings (the session's tenant filter
    keeps out learners the reader may not see), ordered by name."""
    ids = sorted(set(learner_ids))
    rows = session.execute(
        sa.select(ExamBooking, ExamSession, ExamLocation, Learner)
        .join(ExamSession, col(ExamSession.id) == col(ExamBooking.session_id))
        .join(ExamLocation, col(ExamLocation.id) == col(ExamSession.location_id))
        .join(Learner, col(Learner.id) == col(ExamBooking.learner_id))
        .where(col(ExamBooking.learner_id).in_(ids or [-1]))
        .order_by(col(ExamSession.day), col(ExamSession.start_time))
    ).all()
    providers = {p.id: p for p in session.execute(
        sa.select(Provider).where(col(Provider.id).in_({learner.provider_id for *_, learner in rows} or {-1}))
    ).scalars()}
    sittings: dict[int, list[Sitting]] = defaultdict(list)
    learners: dict[int, Learner] = {}
    for booking, sitting, place, learner in rows:
        learners[int(learner.id)] = learner
        sittings[int(learner.id)].append(Sitting(sitting.day, sitting.start_time.strftime("%H:%M"),
                                                 booking.component, place.code, place.name, place.address,
                                                 booking.fee_cents // 100, booking.attempt))
    letters = []
    for learner_id, learner in learners.items():
        p = providers.get(learner.provider_id)
        sender = Sender(p.name, p.street, p.postcode, p.city, p.phone, p.email) if p else Sender("")
        letters.append(Letter(learner_id, learner.full_name, _address(learner), sender,
                              tuple(sittings[learner_id])))
    return sorted(letters, key=lambda x: (x.name.casefold(), x.learner_id))


def run_learner_ids(run: PlanRun) -> list[int]:
    return [int(x["id"]) for x in (run.problem or {}).get("learners", [])]


def by_location_day(letters: Sequence[Letter]) -> dict[tuple[str, date], list[Letter]]:
    """Per (location code, day): the letters of the learners sitting there, each with that day's
    sittings at that location only."""
    groups: dict[tuple[str, date], list[Letter]] = defaultdict(list)
    for letter in letters:
        keys = sorted({(s.location_code, s.day) for s in letter.sittings}, key=lambda k: (k[1], k[0]))
        for code, day in keys:
            part = tuple(s for s in letter.sittings if (s.location_code, s.day) == (code, day))
            groups[(code, day)].append(replace(letter, sittings=part))
    return dict(sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])))


def participant_rows(letters: Sequence[Letter], municipality: dict[int, str]) -> list[tuple[str, ...]]:
    """A location and day's participants, as the roster prints them."""
    rows = [(s.start, s.component, letter.name, municipality.get(letter.learner_id, ""), str(s.attempt), "")
            for letter in letters for s in letter.sittings]
    return sorted(rows, key=lambda r: (r[0], r[2].casefold(), r[1]))


def run_zip(letters: Sequence[Letter], made_on: date, run_id: int, names: dict[str, str],
            municipality: dict[int, str]) -> bytes:
    """Every document of a run: all letters, and per location and day the letters and the
    participant list (PDF and CSV)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"brieven-run-{run_id}.pdf",
                         letters_pdf(letters, made_on, f"Uitnodigingen examenrun {run_id}"))
        for (code, day), group in by_location_day(letters).items():
            stem = f"{code}-{day.isoformat()}"
            place = names.get(code, code)
            archive.writestr(f"{stem}/brieven-{stem}.pdf",
                             letters_pdf(group, made_on, f"Uitnodigingen {place} {day.isoformat()}"))
            rows = participant_rows(group, municipality)
            archive.writestr(f"{stem}/deelnemers-{stem}.pdf", roster_pdf(place, day, rows))
            archive.writestr(f"{stem}/deelnemers-{stem}.csv", roster_csv(rows))
    return buffer.getvalue()
