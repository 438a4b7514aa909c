"""The dashboard's DUO term alerts: expired terms first, then terms ending within six months."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlmodel import Session

from provider_portal.models.enums import Role
from tests.factories import make_learner, make_provider, make_user
from tests.web import login, text

TODAY = date(2026, 12, 3)


@pytest.fixture()
def learners(db: Session, frozen_now) -> dict:
    frozen_now(datetime(2026, 12, 3, 9, 0))
    provider = make_provider(db)
    met = make_learner(db, provider, first_name="Geslaagd", duo_term_end=date(2026, 6, 1))
    met.obligation_met_on = date(2026, 5, 20)  # passed the exam: no term alert, even after the term
    db.commit()
    make_learner(db, provider, first_name="Verlopen", duo_term_end=date(2026, 11, 16))
    make_learner(db, provider, first_name="Verlengd", duo_term_end=date(2026, 10, 1),
                 duo_term_extended_until=date(2027, 2, 1))
    make_learner(db, provider, first_name="Bijna", duo_term_end=date(2027, 4, 30))
    make_learner(db, provider, first_name="Later", duo_term_end=date(2028, 1, 1))
    return {"provider": provider}


EXPIRED, ENDING = "Inburgeringstermijn verlopen", "Binnenkort aflopende inburgeringstermijnen"


def _dashboard(client, db: Session, learners: dict) -> str:
    login(client, make_user(db, learners["provider"], role=Role.PROVIDER_ADMIN).email)
    return text(client.get("/dashboard"))


def _names(section: str) -> set[str]:
    return {n for n in ("Geslaagd", "Verlopen", "Verlengd", "Bijna", "Later", "Vandaag") if n in section}


def test_an_expired_term_without_the_obligation_met_is_the_first_term_alert(client, db, learners) -> None:
    page = _dashboard(client, db, learners)
    expired, ending = page[page.index(EXPIRED):page.index(ENDING)], page[page.index(ENDING):]
    assert f"{EXPIRED} (1)" in expired and "16 nov 2026" in expired
    assert _names(expired) == {"Verlopen"}
    assert _names(ending) == {"Verlengd", "Bijna"}  # the extension counts; passed learners are not alerted
    figures = page[page.index('class="figures"'):page.index("</section>")]
    figures = figures.replace("\u00ad", "")  # the Dutch word carries a soft hyphen for phones
    assert figures.index("Inburgeringstermijnen verlopen, plicht niet voldaan") < figures.index(
        "Inburgeringstermijnen die binnen 6 maanden aflopen"
    )


def test_a_term_ending_today_is_ending_not_expired(client, db, learners) -> None:
    make_learner(db, learners["provider"], first_name="Vandaag", duo_term_end=TODAY)
    page = _dashboard(client, db, learners)
    assert "Vandaag" not in page[page.index(EXPIRED):page.index(ENDING)]
    assert "Vandaag" in page[page.index(ENDING):]


def test_a_planner_sees_the_expired_terms_too(client, db, learners) -> None:
    login(client, make_user(db, learners["provider"], role=Role.PLANNER, municipalities=("Utrecht",)).email)
    page = text(client.get("/dashboard"))
    assert _names(page[page.index(EXPIRED):page.index(ENDING)]) == {"Verlopen"}
