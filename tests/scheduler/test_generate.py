"""The generators' field instances look like the field: real places, weekly modules, DUO's days.

And the synthetic kind (the older benchmark tables) is still the first generator, unchanged.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from provider_portal.exams.calendar import DAY_PLAN, INTERVIEWS_PER_EXAMINER, ONA_START
from scheduler.common.calendar import is_public_holiday
from scheduler.common.geo import Point, haversine_km
from scheduler.common.places import MAIN_PLACE, PLACES_CSV, main_place, places_in
from scheduler.exams import generate as exams_gen
from scheduler.exams.domain import DEFAULT_LOCATIONS
from scheduler.exams.io import problem_from_json as exams_from_json
from scheduler.exams.io import problem_to_json as exams_to_json
from scheduler.sessions import generate as sessions_gen
from scheduler.sessions.domain import Status
from scheduler.sessions.io import problem_from_json as sessions_from_json
from scheduler.sessions.io import problem_to_json as sessions_to_json
from scheduler.sessions.places import REGIONS


def _csv_places() -> dict[tuple[float, float], set[str]]:
    """The municipalities of every point in places.csv, read here on its own (not through the core)."""
    with PLACES_CSV.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        out: dict[tuple[float, float], set[str]] = defaultdict(set)
        for row in rows:
            out[(float(row["lat"]), float(row["lon"]))].add(row["municipality"])
    return out


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


@pytest.fixture(scope="module")
def sessions_field():
    return sessions_gen.generate(3000, 7)


@pytest.fixture(scope="module")
def exams_field():
    return exams_gen.generate(3000, 7)


# --- shared: the places -------------------------------------------------------------------------

def test_every_municipality_the_generators_draw_from_has_real_places():
    municipalities = {sessions_gen.CBS_NAMES.get(p[0], p[0]) for _, region in REGIONS for p in region}
    municipalities |= {exams_gen.CBS_NAMES.get(m[0], m[0]) for m in exams_gen.MUNICIPALITIES}
    for name in sorted(municipalities):
        assert places_in(name), name
    for municipality, place in MAIN_PLACE.items():
        assert main_place(municipality).name == place


def test_an_unknown_municipality_is_named():
    with pytest.raises(KeyError, match="Atlantis"):
        places_in("Atlantis")


# --- group sessions -----------------------------------------------------------------------------

def test_sessions_the_same_seed_gives_the_same_instance_and_another_seed_another():
    assert sessions_to_json(sessions_gen.generate(200, 3)) == sessions_to_json(sessions_gen.generate(200, 3))
    assert sessions_to_json(sessions_gen.generate(200, 3)) != sessions_to_json(sessions_gen.generate(200, 4))


@pytest.mark.parametrize("kind", sessions_gen.KINDS)
def test_sessions_instance_validates(kind):
    data = sessions_to_json(sessions_gen.generate(400, 2, kind))
    assert sessions_to_json(sessions_from_json(data)) == data


def test_sessions_learners_live_at_real_places_and_cohorts_meet_in_towns_of_their_demand(sessions_field):
    real = _csv_places()
    regions = {sessions_gen.CBS_NAMES.get(p[0], p[0]) for _, region in REGIONS for p in region}
    homes = Counter()
    for x in sessions_field.learners:
        key = (x.home.lat, x.home.lon)
        assert real.get(key, set()) & regions, f"{x.id} lives at {x.home}, no place of the regions"
        homes[key] += 1
    assert len(homes) > 20  # spread over many places, not one centre per municipality
    needing = defaultdict(set)
    for x in sessions_field.learners:
        for module, status in x.statuses.items():
            if status is Status.REQUIRED:
                needing[module].add((x.home.lat, x.home.lon))
    for c in sessions_field.cohorts:
        key = (c.point.lat, c.point.lon)
        assert key in real, f"{c.id} meets at {c.point}, not a real place"
        assert key in needing[c.module], f"{c.id} meets in {c.location}, where nobody needs {c.module}"


def test_sessions_modules_meet_weekly_and_map_has_8_meetings_of_2_hours(sessions_field):
    shapes = {"KNM": (8, 3.0), "PVT": (2, 3.0), "MAP": (8, 2.0)}
    seen = Counter()
    for c in sessions_field.cohorts:
        count, hours = shapes[c.module]
        assert len(c.meetings) == count, c.id
        starts = [m.start for m in c.meetings]
        assert {s.weekday() for s in starts} == {starts[0].weekday()}
        assert {s.time() for s in starts} == {starts[0].time()}
        assert all((b - a) % timedelta(weeks=1) == timedelta(0) and b - a <= timedelta(weeks=2)
                   for a, b in zip(starts, starts[1:], strict=False))
        assert all(m.end - m.start == timedelta(hours=hours) for m in c.meetings)
        assert not any(is_public_holiday(s.date()) for s in starts)
        seen[c.module] += 1
    assert set(seen) == {"KNM", "PVT", "MAP"}
    assert {c.max_size for c in sessions_field.cohorts if c.module == "MAP"} == {25}


def test_sessions_synthetic_kind_is_the_first_generator_unchanged():
    # The first generator's instance (commit b00aebc, before the field kind existed): the older
    # tables in docs/benchmarks.md stay reproducible with --kind synthetic.
    assert _digest(sessions_to_json(sessions_gen.generate(60, 4, "synthetic"))) == SESSIONS_60_4


def test_sessions_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        sessions_gen.generate(10, 1, "fantasy")


# --- exams --------------------------------------------------------------------------------------

def test_exams_the_same_seed_gives_the_same_instance_and_another_seed_another():
    assert exams_to_json(exams_gen.generate(300, 3)) == exams_to_json(exams_gen.generate(300, 3))
    assert exams_to_json(exams_gen.generate(300, 3)) != exams_to_json(exams_gen.generate(300, 4))


@pytest.mark.parametrize("kind", exams_gen.KINDS)
def test_exams_instance_validates(kind):
    data = exams_to_json(exams_gen.generate(500, 2, kind=kind))
    assert exams_to_json(exams_from_json(data)) == data  # problem_from_json runs validate_problem


def test_exams_learners_live_at_real_places_and_sit_at_duos_locations(exams_field):
    real = _csv_places()
    towns = {exams_gen.CBS_NAMES.get(m[0], m[0]) for m in exams_gen.MUNICIPALITIES}
    for x in exams_field.learners:
        assert real.get((x.home.lat, x.home.lon), set()) & towns, f"{x.id} lives at {x.home}"
    assert len({x.home for x in exams_field.learners}) > 100
    assert [(loc.id, loc.point) for loc in exams_field.locations] == \
        [(loc.id, loc.point) for loc in DEFAULT_LOCATIONS]
    assert {s.location for s in exams_field.sessions} == {loc.id for loc in DEFAULT_LOCATIONS}


def test_exams_days_follow_the_portals_day_plan(exams_field):
    plan = {c.lower(): (start, minutes) for c, start, minutes in DAY_PLAN} | {"ona": (ONA_START, 30)}
    for s in exams_field.sessions:
        assert (s.start, s.minutes) == plan[s.component], s.id
        assert s.day.weekday() < 5 and not is_public_holiday(s.day)


def test_exams_seats_per_component_are_a_room_and_ona_seats_are_examiners(exams_field):
    rooms = defaultdict(set)
    ona = defaultdict(lambda: defaultdict(set))
    for s in exams_field.sessions:
        if s.component == "ona":
            ona[s.location][s.day.weekday()].add(s.seats)
        else:
            rooms[s.location].add(s.seats)
    for location, seats in rooms.items():
        assert len(seats) == 1 and min(seats) >= 4, location  # one room for every sitting
    for location, by_weekday in ona.items():
        per_day = {w: seats.pop() for w, seats in by_weekday.items() if len(seats) == 1}
        assert len(per_day) == len(by_weekday), f"{location}: ONA seats differ within a weekday"
        assert all(v % INTERVIEWS_PER_EXAMINER == 0 for v in per_day.values())
        duties = sum(per_day.values()) // INTERVIEWS_PER_EXAMINER
        assert duties % exams_gen.EXAMINER_DAYS == 0, f"{location}: examiners work 3 weekdays each"
    # the room grows with the demand: the busiest location has the most seats
    busiest = Counter(min(exams_field.locations, key=lambda loc: _km(x.home, loc.point)).id
                      for x in exams_field.learners).most_common(1)[0][0]
    assert max(rooms, key=lambda loc: min(rooms[loc])) == busiest


def _km(a: Point, b: Point) -> float:
    return haversine_km(a, b)


def test_exams_a_day_without_examiners_has_no_ona_sitting():
    problem = exams_gen.generate(400, 5)  # one examiner per location: ONA on 3 weekdays of 5
    for loc in problem.locations:
        weekdays = {s.day.weekday() for s in problem.sessions
                    if s.location == loc.id and s.component == "ona"}
        assert len(weekdays) == exams_gen.EXAMINER_DAYS, loc.id
        days = {s.day for s in problem.sessions if s.location == loc.id}
        assert any(d.weekday() not in weekdays for d in days)


def test_exams_synthetic_kind_is_the_first_generator_unchanged():
    assert _digest(exams_to_json(exams_gen.generate(60, 4, kind="synthetic"))) == EXAMS_60_4


def test_exams_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        exams_gen.generate(10, 1, kind="fantasy")


def test_the_cli_writes_either_kind(tmp_path):
    from scheduler.exams.cli import main as exams_cli
    from scheduler.sessions.cli import main as sessions_cli
    for kind in ("field", "synthetic"):
        out = tmp_path / f"s-{kind}.json"
        assert sessions_cli(["generate", "--learners", "50", "--seed", "2", "--kind", kind,
                             "--out", str(out)]) == 0
        assert json.loads(out.read_text()) == json.loads(json.dumps(
            sessions_to_json(sessions_gen.generate(50, 2, kind)), default=str))
        out = tmp_path / f"e-{kind}.json"
        assert exams_cli(["generate", "--learners", "50", "--seed", "2", "--kind", kind,
                          "--out", str(out)]) == 0
        assert json.loads(out.read_text()) == json.loads(json.dumps(
            exams_to_json(exams_gen.generate(50, 2, kind=kind)), default=str))


# sha256 of the first generator's JSON (commit b00aebc) for 60 learners, seed 4.
SESSIONS_60_4 = "44715800321bb0cb2bbd9c4b266cd5b7827ec2310fb04d4b5e4f87f3843a2b72"
EXAMS_60_4 = "d6f7ff0a0d674f660341323f8fb664d2c49fadabbd7d3ddb317f580fce09d7e4"
