"""An exam run a planner would publish (spread over days within seats, nearest location first,
availability respected) and its letters in bulk: one PDF per run and per location and day, and a ZIP."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections import Counter
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.demo import seed
from provider_portal.exams.calendar import plan_calendar
from provider_portal.exams.problem import build_exam_problem, home_of
from provider_portal.jobs.queue import run_pending
from provider_portal.models import (
    ExamBooking,
    ExamLocation,
    ExamReadiness,
    ExamSession,
    Learner,
    PlannerMunicipality,
    PlanningProfile,
    User,
)
from provider_portal.models.enums import Role
from provider_portal.planning.runs import publish, start_run
from provider_portal.reference.places import BY_NAME
from scheduler.common.geo import Point, haversine_km
from scheduler.exams.check import check
from scheduler.exams.domain import DEFAULT_LOCATIONS
from scheduler.exams.solver import solve
from tests.factories import make_learner, make_provider, make_ready, make_user
from tests.pdfs import pdf_text
from tests.web import login, text

PLAN_DATE = date(2026, 12, 1)  # ready six weeks later: Tuesday 12 January 2027


def letters_text(data: bytes) -> str:
    """The PDF's text as pdftotext reads it (poppler), else as pypdf does."""
    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
        return " ".join(out.stdout.decode("utf-8").split())
    return " ".join(pdf_text(data).split())


def _location(db: Session, code: str, name: str, lat: float, lon: float, address: str) -> ExamLocation:
    place = ExamLocation(code=code, name=name, lat=lat, lon=lon, facilities=["accessible", "extra_time"],
                         address=address)
    db.add(place)
    db.commit()
    return place


@pytest.fixture()
def world(db: Session, frozen_now) -> dict:
    frozen_now(datetime(2026, 12, 1, 9, 0))
    amsterdam = _location(db, "amsterdam", "DUO Amsterdam", 52.3889, 4.8380,
                          "Wibautstraat 3, 1091 GH Amsterdam")
    zwolle = _location(db, "zwolle", "DUO Zwolle", 52.5168, 6.0830,
                       "Burgemeester Roelenweg 13, 8021 EV Zwolle")
    for place in (amsterdam, zwolle):  # two seats per sitting, Tuesdays and Thursdays, no ONA
        plan_calendar(db, place, date(2027, 1, 11), date(2027, 2, 26), {1, 3}, seats=2, examiners=0)
        db.commit()
    provider = make_provider(db, phone="030 123 45 67", email="info@taalschool.example")
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Utrecht",))
    learners = [make_learner(db, provider, first_name=first, last_name="Kandidaat", municipality="Utrecht",
                             postcode="3512AB", street_address=f"Lindelaan {n + 1}", place="De Meern")
                for n, first in enumerate(("Amina", "Bilal", "Chen", "Dawit", "Elif"))]
    for learner in learners:
        make_ready(db, learner, date(2026, 11, 20))  # declared exam-ready by a teacher (issue 12)
    return {"amsterdam": amsterdam, "zwolle": zwolle, "provider": provider, "planner": planner,
            "learners": learners}


def _published_run(db: Session, engine, world: dict):  # type: ignore[no-untyped-def]
    run = start_run(db, world["planner"], ("Utrecht",), 10, PLAN_DATE, kind="exams")
    db.commit()
    assert run_pending(engine) == 1
    db.refresh(run)
    publish(db, run)
    db.commit()
    return run


def _booked(db: Session) -> list[tuple[int, date, str]]:
    return [tuple(r) for r in db.execute(
        sa.select(ExamBooking.learner_id, ExamSession.day, ExamLocation.code)
        .join(ExamSession, ExamSession.id == ExamBooking.session_id)
        .join(ExamLocation, ExamLocation.id == ExamSession.location_id)).all()]


def test_the_run_waits_for_a_seat_at_the_nearest_location_rather_than_travel_further(
    db, engine, world
) -> None:
    _published_run(db, engine, world)
    booked = _booked(db)
    assert len(booked) == 5 * 5  # five learners, five components each
    assert {code for _, _, code in booked} == {"amsterdam"}  # Zwolle is twice as far from Utrecht
    trips = Counter((day, code) for _, day, code in booked)
    assert len({day for _, day, _ in booked}) == 3  # two seats a sitting: 2 + 2 + 1 learners
    assert max(trips.values()) <= 2 * 5
    per_session = Counter(db.execute(sa.select(ExamBooking.session_id)).scalars())
    seats = dict(db.execute(sa.select(ExamSession.id, ExamSession.seats)).all())
    assert all(n <= seats[s] for s, n in per_session.items())


def test_the_learners_availability_and_earliest_date_are_respected(db, engine, world) -> None:
    amina, bilal = world["learners"][:2]
    db.add(PlanningProfile(learner_id=amina.id, availability=["thu:morning", "thu:afternoon", "tue:evening"]))
    db.add(PlanningProfile(learner_id=bilal.id, earliest_start=date(2027, 2, 1)))
    db.commit()
    _published_run(db, engine, world)
    days = {(lid, day) for lid, day, _ in _booked(db)}
    assert {d.weekday() for lid, d in days if lid == amina.id} == {3}  # Thursdays only
    assert all(d >= date(2027, 2, 1) for lid, d in days if lid == bilal.id)


def test_home_is_the_place_of_residence_when_its_coordinates_are_known(db, world) -> None:
    learner = world["learners"][0]
    assert (learner.municipality, learner.place) == ("Utrecht", "De Meern")
    centre = BY_NAME["Utrecht"]
    assert (home_of(learner).lat, home_of(learner).lon) != (centre.lat, centre.lon)  # a place of Utrecht
    assert home_of(learner.model_copy(update={"place": ""})) == Point(centre.lat, centre.lon)
    # a place of another municipality is not where this learner lives: their municipality's centre
    assert home_of(learner.model_copy(update={"place": "Amersfoort"})) == Point(centre.lat, centre.lon)


def test_the_runs_letters_hold_every_learner_address_location_and_contact_in_dutch_and_english(
    client, db, engine, world
) -> None:
    run = _published_run(db, engine, world)
    login(client, world["planner"].email)
    response = client.get(f"/planning/exams/runs/{run.id}/letters.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    words = letters_text(response.data)
    for n, learner in enumerate(world["learners"]):
        assert f"Beste {learner.full_name}," in words and f"Dear {learner.full_name}," in words
        assert f"Lindelaan {n + 1}" in words
    assert words.count("3512 AB DE MEERN") == 2 * 5  # each address on the Dutch and the English page
    for expected in ("Uitnodiging inburgeringsexamen", "Invitation to the civic integration exam",
                     "Wibautstraat 3, 1091 GH Amsterdam", "Wat neemt u mee?", "What to bring",
                     "geldig identiteitsbewijs", "valid identity document", "030 123 45 67",
                     "info@taalschool.example", "Datum: 1 december 2026", "Date: 1 December 2026"):
        assert expected in words, expected


def test_the_zip_holds_all_letters_and_per_location_and_day_the_letters_and_participant_list(
    client, db, engine, world
) -> None:
    run = _published_run(db, engine, world)
    login(client, world["planner"].email)
    response = client.get(f"/planning/exams/runs/{run.id}/letters.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    days = sorted({day for _, day, _ in _booked(db)})
    expected = {f"brieven-run-{run.id}.pdf"} | {
        f"amsterdam-{d}/{kind}-amsterdam-{d}.{ext}" for d in days
        for kind, ext in (("brieven", "pdf"), ("deelnemers", "pdf"), ("deelnemers", "csv"))}
    assert set(archive.namelist()) == expected
    by_day = Counter(day for _, day, _ in {(lid, day, c) for lid, day, c in _booked(db)})  # learners
    for d in days:
        letters = letters_text(archive.read(f"amsterdam-{d}/brieven-amsterdam-{d}.pdf"))
        assert letters.count("Beste ") == by_day[d]  # one letter per learner sitting there that day
        csv_text = archive.read(f"amsterdam-{d}/deelnemers-amsterdam-{d}.csv").decode("utf-8")
        assert csv_text.startswith("Tijd;Onderdeel;Naam") and csv_text.count("Kandidaat") == 5 * by_day[d]
    first, amsterdam = days[0], world["amsterdam"].id
    one_day = client.get(f"/planning/exams/runs/{run.id}/letters/{amsterdam}/{first}.pdf")
    assert one_day.status_code == 200 and letters_text(one_day.data).count("Beste ") == by_day[first]
    listing = client.get(f"/planning/exams/runs/{run.id}/letters/{amsterdam}/{first}.lijst")
    assert listing.status_code == 200 and "Kandidaat" in letters_text(listing.data)
    zwolle = world["zwolle"].id
    assert client.get(f"/planning/exams/runs/{run.id}/letters/{zwolle}/{first}.pdf").status_code == 404
    page = text(client.get(f"/planning/runs/{run.id}"))
    assert 'id="letters-zip"' in page and f"/letters/{amsterdam}/{first}.pdf" in page


def test_letters_wait_for_publication_and_stay_with_the_planners_municipalities(
    app, db, engine, world
) -> None:
    run = start_run(db, world["planner"], ("Utrecht",), 10, PLAN_DATE, kind="exams")
    db.commit()
    assert run_pending(engine) == 1
    client = app.test_client()
    login(client, world["planner"].email)
    response = client.get(f"/planning/exams/runs/{run.id}/letters.zip")
    assert response.status_code == 409 and "Publiceer" in text(response)
    db.refresh(run)
    publish(db, run)
    db.commit()
    other = make_user(db, None, role=Role.PLANNER, municipalities=("Rotterdam",))
    stranger = app.test_client()
    login(stranger, other.email)
    assert stranger.get(f"/planning/exams/runs/{run.id}/letters.pdf").status_code == 404


def test_the_demo_exam_run_spreads_over_days_within_seats(db: Session) -> None:
    today = date(2026, 12, 1)
    for place in DEFAULT_LOCATIONS:  # the five DUO locations the first migration adds (the tests empty it)
        db.add(ExamLocation(code=place.id, name=place.name, lat=place.point.lat, lon=place.point.lon,
                            facilities=sorted(place.facilities)))
    db.commit()
    seed(db, today)
    db.commit()
    planner = db.execute(sa.select(User).where(User.email == "planner.utrecht@gemeente-demo.nl")).scalar_one()
    towns = tuple(db.execute(sa.select(PlannerMunicipality.municipality)
                             .where(PlannerMunicipality.user_id == planner.id)).scalars())
    # Every learner of these towns declared exam-ready (the demo readies only some): the busy case.
    for learner in db.execute(sa.select(Learner).where(Learner.municipality.in_(towns),
                                                       Learner.obligation_met_on.is_(None))).scalars():
        db.execute(sa.delete(ExamReadiness).where(ExamReadiness.learner_id == learner.id))
        make_ready(db, learner, today)
    problem = build_exam_problem(db, towns, today)
    demand = Counter(c for x in problem.learners for c in x.needs)
    solution = solve(problem, time_limit=20, workers=1, seed=0)
    errors, _ = check(problem, [(b.learner, b.component, b.session) for b in solution.bookings])
    assert errors == []
    seats = {s.id: s.seats for s in problem.sessions}
    used = Counter(b.session for b in solution.bookings)
    assert all(n <= seats[s] for s, n in used.items())  # no session over capacity
    assert len(solution.bookings) == sum(demand.values())  # everything booked
    # The seats demand more than one day: the first exam day's reading sittings everywhere are too few.
    first_day = min(s.day for s in problem.sessions if s.day >= min(x.ready for x in problem.learners))
    first_seats = sum(s.seats for s in problem.sessions if s.day == first_day and s.component == "lezen")
    assert demand["lezen"] > first_seats
    assert len({b.day for b in solution.bookings if b.component == "lezen"}) > 1
    # Nearest location first: most learners sit their language components at their nearest location.
    nearest = {x.id: min(problem.locations, key=lambda loc: haversine_km(x.home, loc.point)).id
               for x in problem.learners}
    at_nearest = {b.learner for b in solution.bookings
                  if b.component == "lezen" and b.location == nearest[b.learner]}
    assert len(at_nearest) >= 0.8 * demand["lezen"]
