"""Homes at the level of the learner's place of residence (issue 14, point 6): `places.csv`, the
lookup, planning's problem, the run page's count and the demo's places."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, time
from pathlib import Path

import pytest
from sqlmodel import Session

from provider_portal.demo.world import demo_place
from provider_portal.models.enums import Role
from provider_portal.planning.cohorts import CohortData, add_trainer, save_cohort
from provider_portal.planning.problem import build_problem
from provider_portal.planning.runs import start_run
from provider_portal.reference import municipalities
from provider_portal.reference.places import HomeLevel, centre_of, fold, home_of, place_in, places_in
from scheduler.common.geo import Point, haversine_km
from tests.factories import make_learner, make_provider, make_user
from tests.pages import read_page
from tests.web import login, text

PLACES = Path(__file__).parents[2] / "provider_portal/reference/places.csv"
PLAN_DATE = date(2026, 12, 1)


def _rows() -> list[dict[str, str]]:
    lines = PLACES.read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def test_the_places_file_has_each_place_once_per_municipality_and_only_cbs_municipalities() -> None:
    rows = _rows()
    assert len(rows) > 1500  # GeoNames' Dutch places of 500+ inhabitants
    twice = [k for k, n in Counter((fold(r["place"]), r["municipality"]) for r in rows).items() if n > 1]
    assert twice == []
    assert {r["municipality"] for r in rows} <= set(municipalities.BY_NAME)
    for r in rows:  # inside the Netherlands' bounding box
        assert 50.7 < float(r["lat"]) < 53.6 and 3.3 < float(r["lon"]) < 7.3, r
    assert f"{len(rows)} rows" in PLACES.read_text(encoding="utf-8").splitlines()[0]


@pytest.mark.parametrize(("place", "municipality"), [
    ("Vreeswijk", "Nieuwegein"), ("Vleuten", "Utrecht"), ("De Meern", "Utrecht"), ("Bennekom", "Ede"),
    ("Hoek van Holland", "Rotterdam"), ("Scheveningen", "'s-Gravenhage"), ("Weesp", "Amsterdam"),
    ("Zeist", "Zeist"), ("Vianen", "Vijfheerenlanden"), ("Sneek", "Súdwest-Fryslân"),
])
def test_known_places_lie_in_their_municipality(place: str, municipality: str) -> None:
    found = place_in(municipality, place)
    assert found is not None and found.municipality == municipality


def test_the_lookup_ignores_case_and_diacritics_and_falls_back_to_the_centre() -> None:
    vreeswijk = home_of("Nieuwegein", "Vreeswijk")
    assert vreeswijk is not None and vreeswijk[1] is HomeLevel.PLACE
    assert home_of("Nieuwegein", "  VREESWIJK ") == vreeswijk == home_of("Nieuwegein", "vreeswijk")
    assert home_of("Súdwest-Fryslân", "IJlst") == home_of("Súdwest-Fryslân", "ijlst")
    assert place_in("Noardeast-Fryslân", "Dokkum") == place_in("Noardeast-Fryslân", "DÓKKUM")
    centre = (centre_of("Nieuwegein"), HomeLevel.MUNICIPALITY)
    assert home_of("Nieuwegein", "") == centre  # no place given
    assert home_of("Nieuwegein", "Atlantis") == centre  # a place nobody knows
    assert home_of("Nieuwegein", "Vleuten") == centre  # a place of another municipality
    assert home_of("Voorne aan Zee", "Atlantis") is None  # neither place nor centre known


def _cohort(db: Session, trainer_id: int, town: str) -> None:
    save_cohort(db, CohortData(
        municipality=town, module="KNM", name=f"KNM {town}", venue=f"Wijkcentrum {town}", language="ar",
        trainer_id=trainer_id, min_size=1, max_size=10, cost_cents=25000, first_day=date(2027, 1, 5),
        meetings=4, start_time=time(10), end_time=time(12)))
    db.commit()


@pytest.fixture()
def nieuwegein(db: Session) -> dict:
    provider = make_provider(db)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Nieuwegein",))
    learners = {
        place: make_learner(db, provider, first_name=place or "Zonder", municipality="Nieuwegein",
                            postcode="3431AA", place=place, route="B1", languages=("ar",),
                            duo_term_start=date(2026, 6, 1))
        for place in ("Vreeswijk", "nieuwegein", "Atlantis", "")
    }
    trainer = add_trainer(db, "Nieuwegein", "Fatima Trainer", "fatima@nieuwegein.nl")
    db.commit()
    _cohort(db, trainer.id, "Nieuwegein")
    return {"planner": planner, "learners": learners}


def test_learners_of_one_municipality_travel_from_their_own_place(db: Session, nieuwegein: dict) -> None:
    problem = build_problem(db, ("Nieuwegein",), PLAN_DATE)
    home = {x.id: x.home for x in problem.learners}
    by_place = {place: home[str(x.id)] for place, x in nieuwegein["learners"].items()}
    venue = problem.cohorts[0].point
    centre = Point(*centre_of("Nieuwegein"))
    assert by_place["Vreeswijk"] != by_place["nieuwegein"]
    travel = {place: haversine_km(point, venue) for place, point in by_place.items()}
    assert travel["Vreeswijk"] > travel["nieuwegein"] + 1  # Vreeswijk lies 2 km south of the centre
    assert by_place["Atlantis"] == by_place[""] == centre  # unknown or no place: the centre


def test_the_run_counts_homes_at_place_level_and_its_page_says_so(
    client, db: Session, nieuwegein: dict
) -> None:
    run = start_run(db, nieuwegein["planner"], ("Nieuwegein",), 5, PLAN_DATE)
    db.commit()
    assert run.homes == {"place": 2, "municipality": 2}
    login(client, nieuwegein["planner"].email)
    page = read_page(text(client.get(f"/planning/runs/{run.id}")))
    assert ("De reisafstand is gemeten vanaf de woonplaats voor 2 inburgeraars en vanaf het centrum "
            "van de gemeente voor 2") in page.visible_text


def test_demo_learners_live_in_real_places_of_their_municipality_spread_over_several() -> None:
    for town in ("Utrecht", "Rotterdam", "Ede", "'s-Gravenhage"):
        chosen = [demo_place(town, 1, n) for n in range(1, 41)]
        assert all(place_in(town, p) is not None for p in chosen), town
        assert len(set(chosen)) >= 3, (town, Counter(chosen))
    assert "Den Haag" in {p.name for p in places_in("'s-Gravenhage")}  # Dutch names, not "The Hague"
    assert demo_place("Voorne aan Zee", 1, 1) in {p.name for p in places_in("Voorne aan Zee")}


def test_the_learner_page_says_when_a_place_is_not_known_in_the_municipality(client, db: Session) -> None:
    provider = make_provider(db)
    admin = make_user(db, provider, role=Role.PROVIDER_ADMIN)
    known = make_learner(db, provider, municipality="Nieuwegein", postcode="3431AA", place="Vreeswijk")
    unknown = make_learner(db, provider, municipality="Nieuwegein", postcode="3431AA", place="Vleuten")
    login(client, admin.email)
    page = text(client.get(f"/learners/{known.id}"))
    assert "Vreeswijk" in page and 'id="place-unknown"' not in page
    page = " ".join(read_page(text(client.get(f"/learners/{unknown.id}"))).visible_text.split())
    assert ("Vleuten (geen bekende woonplaats in Nieuwegein: de planning meet de reisafstand vanaf het "
            "centrum van de gemeente)") in page


def test_a_run_whose_homes_are_all_places_says_so_plainly(client, db: Session) -> None:
    provider = make_provider(db)
    planner = make_user(db, None, role=Role.PLANNER, municipalities=("Nieuwegein",))
    for place in ("Vreeswijk", "Nieuwegein"):
        make_learner(db, provider, municipality="Nieuwegein", postcode="3431AA", place=place, route="B1",
                     duo_term_start=date(2026, 6, 1))
    _cohort(db, add_trainer(db, "Nieuwegein", "Fatima Trainer", "").id, "Nieuwegein")
    db.commit()
    run = start_run(db, planner, ("Nieuwegein",), 5, PLAN_DATE)
    db.commit()
    assert run.homes == {"place": 2, "municipality": 0}
    login(client, planner.email)
    page = " ".join(read_page(text(client.get(f"/planning/runs/{run.id}"))).visible_text.split())
    assert "De reisafstand is gemeten vanaf de woonplaats van alle 2 inburgeraars." in page
    assert "centrum van de gemeente" not in page
