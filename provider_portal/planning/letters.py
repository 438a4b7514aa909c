"""Invitation letters for group sessions (KNM, PVT, MAP): per learner one letter naming each
module's cohort, where it meets, in which language, and every meeting date and time, from the
published placements as they stand. A page in Dutch, then the same letter in English (the letter
always carries both, whatever the reader's language in the portal), as the exam letters do.
Names and places reach reportlab only through `billing.fonts.para` (escaped).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import sqlalchemy as sa
from babel import Locale
from babel.dates import format_date
from reportlab.lib import colors
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle
from sqlmodel import Session, col

from billing.fonts import para, stylesheet, table_font_commands
from provider_portal.exams.letters import Sender, _address, bilingual_letters_pdf
from provider_portal.models import Cohort, CohortMeeting, Learner, Placement
from provider_portal.reference.places import LANGUAGES


@dataclass(frozen=True)
class Group:
    """One module's cohort as the learner's letter shows it."""

    module: str
    name: str
    venue: str
    municipality: str
    language: str  # ISO 639 code
    meetings: tuple[tuple[date, time, time], ...]


@dataclass(frozen=True)
class SessionLetter:
    learner_id: int
    name: str
    address: tuple[str, ...]
    sender: Sender
    groups: tuple[Group, ...]


MODULES = {
    "nl": {"KNM": "Kennis van de Nederlandse Maatschappij (KNM)",
           "PVT": "Participatieverklaringstraject (PVT)",
           "MAP": "Module Arbeidsmarkt en Participatie (MAP)"},
    "en": {"KNM": "Knowledge of Dutch society (KNM)",
           "PVT": "Participation statement programme (PVT)",
           "MAP": "Labour market and participation module (MAP)"},
}
TEXT: dict[str, dict[str, Any]] = {
    "nl": {
        "locale": "nl_NL",
        "title": "Uitnodiging groepsbijeenkomsten inburgering",
        "dear": "Beste {name},",
        "intro": "U bent ingedeeld in de volgende groep(en). Kom naar alle bijeenkomsten: ze horen bij uw "
                 "inburgering.",
        "where": "Plaats: {venue}, {town}. Taal van de bijeenkomsten: {language}.",
        "head": ("Datum", "Tijd"),
        "on_time": "Kom op tijd en neem een geldig identiteitsbewijs mee.",
        "contact": "Kunt u een keer niet komen of heeft u een vraag? Neem zo snel mogelijk contact op met "
                   "{name}{how}.",
        "via": " via {what}",
        "regards": "Met vriendelijke groet,",
        "planner": "De planner",
        "english": "An English version of this letter is on the next page.",
        "date": "Datum: {day}",
    },
    "en": {
        "locale": "en_GB",
        "title": "Invitation to the civic integration group meetings",
        "dear": "Dear {name},",
        "intro": "You have been placed in the following group(s). Please come to every meeting: they are "
                 "part of your civic integration.",
        "where": "Place: {venue}, {town}. Language of the meetings: {language}.",
        "head": ("Date", "Time"),
        "on_time": "Please be on time and bring a valid identity document.",
        "contact": "Cannot come once, or a question? Contact {name}{how} as soon as possible.",
        "via": " by {what}",
        "regards": "Kind regards,",
        "planner": "The planner",
        "english": "",
        "date": "Date: {day}",
    },
}


def _language(code: str, lang: str) -> str:
    if lang == "nl":
        return LANGUAGES.get(code, code)
    return Locale.parse("en").languages.get(code) or code


def _page(letter: SessionLetter, made_on: date, lang: str) -> list:
    t = TEXT[lang]
    styles = stylesheet()
    small = styles["BodyText"].clone(f"session-small-{lang}", fontSize=8.5, leading=10.5)
    sender = letter.sender
    how = " / ".join(x for x in (sender.phone, sender.email) if x)
    story: list = [
        para("\n".join(x for x in (sender.name, sender.email) if x), small),
        Spacer(1, 14),
        para("\n".join((letter.name, *letter.address)), styles["BodyText"]),
        Spacer(1, 10),
        para(t["date"].format(day=format_date(made_on, "d MMMM y", locale=t["locale"])), styles["BodyText"]),
        Spacer(1, 6),
        para(t["title"], styles["Heading1"]),
        para(t["dear"].format(name=letter.name), styles["BodyText"]),
        para(t["intro"], styles["BodyText"]),
    ]
    for group in letter.groups:
        rows = [list(t["head"])] + [
            [format_date(day, "EEEE d MMMM y", locale=t["locale"]),
             f"{start.strftime('%H:%M')}–{end.strftime('%H:%M')}"]
            for day, start, end in group.meetings
        ]
        table = Table([[para(c, small) for c in row] for row in rows], colWidths=[220, 90], repeatRows=1,
                      hAlign="LEFT")
        table.setStyle(TableStyle([*table_font_commands(), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3"))]))
        story += [
            para(MODULES[lang].get(group.module, group.module), styles["Heading3"]),
            para(t["where"].format(venue=group.venue, town=group.municipality,
                                   language=_language(group.language, lang)), styles["BodyText"]),
            Spacer(1, 4),
            table,
            Spacer(1, 6),
        ]
    story += [
        para(t["on_time"], styles["BodyText"]),
        para(t["contact"].format(name=sender.name, how=t["via"].format(what=how) if how else ""),
             styles["BodyText"]),
        Spacer(1, 10),
        KeepTogether([para(t["regards"], styles["BodyText"]),
                      para(f"{t['planner']}, {sender.name}", styles["BodyText"])]),
    ]
    if t["english"]:
        story += [Spacer(1, 8), para(t["english"], small)]
    return story


def session_letters_pdf(letters: Sequence[SessionLetter], made_on: date, title: str) -> bytes:
    """The letters one after the other: per learner a Dutch page, then the English one."""
    return bilingual_letters_pdf(letters, _page, made_on, title)


def session_letters_for(session: Session, learner_ids: Iterable[int],
                        contact_email: str = "") -> list[SessionLetter]:
    """The letters of these learners from their published placements (all modules), by name; each
    comes from the learner's municipality, which organises the modules, with the planner's address."""
    ids = sorted(set(learner_ids))
    rows = session.execute(
        sa.select(Placement, Cohort, Learner)
        .join(Cohort, col(Cohort.id) == col(Placement.cohort_id))
        .join(Learner, col(Learner.id) == col(Placement.learner_id))
        .where(col(Placement.learner_id).in_(ids or [-1]))
        .order_by(col(Placement.module))
    ).all()
    cohort_ids = {int(cohort.id) for _, cohort, _ in rows}
    meetings: dict[int, list[tuple[date, time, time]]] = defaultdict(list)
    stmt = (sa.select(CohortMeeting).where(col(CohortMeeting.cohort_id).in_(cohort_ids or {-1}))
            .order_by(col(CohortMeeting.meeting_date), col(CohortMeeting.start_time)))
    for m in session.execute(stmt).scalars():
        meetings[m.cohort_id].append((m.meeting_date, m.start_time, m.end_time))
    groups: dict[int, list[Group]] = defaultdict(list)
    learners: dict[int, Learner] = {}
    for placement, cohort, learner in rows:
        learners[int(learner.id)] = learner
        groups[int(learner.id)].append(Group(placement.module, cohort.name, cohort.venue, cohort.municipality,
                                             cohort.language, tuple(meetings[int(cohort.id)])))
    letters = [SessionLetter(lid, x.full_name, _address(x),
                             Sender(f"Gemeente {x.municipality}", email=contact_email), tuple(groups[lid]))
               for lid, x in learners.items()]
    return sorted(letters, key=lambda x: (x.name.casefold(), x.learner_id))
