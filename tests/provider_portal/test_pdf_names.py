"""Every PDF the portal prints keeps Turkish (and other non-Latin-1) letters in learners' names."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from sqlmodel import Session

from provider_portal.exams.documents import roster_pdf
from provider_portal.exams.letters import Letter, Sender, Sitting, letters_pdf
from provider_portal.invoicing import exports, lifecycle
from provider_portal.planning.exports import participants_pdf
from tests.factories import make_contract, make_learner, make_provider
from tests.invoicing_factories import AFTER_Q1, make_draft

NAMES = ("Emre Şahin", "Derya Yılmaz", "Gülşen Ağaoğlu")
SITTING = Sitting(date(2027, 1, 12), "09:00", "lezen", "ede", "Ede", "Stationsweg 1, 6711 PM Ede")


def pdf_text(data: bytes) -> str:
    """All text of a PDF, pages joined."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_invoice_and_its_credit_note_print_the_learners_name_as_written(db: Session) -> None:
    provider = make_provider(db)
    for name in NAMES:
        first, last = name.split()
        learner = make_learner(db, provider, first_name=first, last_name=last)
        invoice = lifecycle.issue(db, make_draft(db, learner, make_contract(db, learner)), AFTER_Q1)
        db.commit()
        note = lifecycle.credit(db, invoice, f"les van {name} niet gegeven", date(2026, 4, 9))
        db.commit()
        for doc in (invoice, note):
            text = pdf_text(exports.pdf(db, doc, exports.duo_party({}))[1])
            assert name in text, (doc.number, name)
        assert f"les van {name} niet gegeven" in pdf_text(exports.pdf(db, note, exports.duo_party({}))[1])


def test_the_exam_roster_prints_every_name_as_written() -> None:
    rows = [("09:00", "lezen", name, "Ede", "1", "") for name in NAMES]
    text = pdf_text(roster_pdf("Locatie Ağrı", date(2027, 1, 12), rows))
    assert all(name in text for name in NAMES) and "Locatie Ağrı" in text


def test_the_invitation_letter_prints_the_name_as_written() -> None:
    for name in NAMES:
        letter = Letter(1, name, ("Lindelaan 1", "3511 AB UTRECHT"), Sender("Taalschool Ağrı"), (SITTING,))
        text = pdf_text(letters_pdf([letter], date(2027, 1, 5), "Uitnodiging"))
        assert f"Beste {name}," in text and text.count(name) >= 2, name


def test_the_participant_list_prints_every_name_as_written() -> None:
    rows = [(name, "Utrecht", "3511AB", "B1", "tr") for name in NAMES]
    text = pdf_text(participants_pdf("KNM Türkçe", ["Trainer: Şükrü Öztürk"], [date(2027, 1, 12)], rows))
    assert all(name in text for name in (*NAMES, "KNM Türkçe", "Şükrü Öztürk"))
