"""Random instances of the group-session problem, in two kinds.

- `field` (the default): what a planner sees. Learners live at their place of residence, a real
  place of their municipality (`reference/places.csv`, through `scheduler.common.places`), drawn by
  the municipality's weight; cohorts meet in the real towns where the learners needing the module
  live; every module meets weekly as the portal plans it (KNM 8 x 3 h, the 24-hour training; PVT 2
  dagdelen of 3 h; MAP 8 weekly 2-hour meetings of up to 25 people).
- `synthetic`: the first generator, kept unchanged so the older benchmark tables stay reproducible:
  homes and venues scattered around town centres (Gaussian, 3 km and 1 km), KNM 8 x 2.5 h, PVT 3 x 3 h.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from scheduler.common.calendar import WEEKDAYS, DayPart, Interval, is_public_holiday
from scheduler.common.geo import Point
from scheduler.common.places import Residence, residence
from scheduler.sessions.domain import (
    MODULES,
    Cohort,
    Learner,
    Module,
    Problem,
    Status,
    Trainer,
)
from scheduler.sessions.places import LANGUAGES, REGIONS, ROUTE_MODULES, ROUTES, Place

PLAN_DATE = date(2027, 1, 4)  # a Monday
LEARNERS_PER_REGION = 2000
# Languages many speakers of the first also follow (Dari/Farsi are close; Kurdish speakers often
# learned Arabic or Turkish at school).
SECOND = {"Dari": ("Farsi",), "Farsi": ("Dari",), "Kurdish": ("Arabic",), "Somali": ("Arabic",),
          "Ukrainian": ("Russian",), "Spanish": ("English",), "Polish": ("English",)}
LEARNERS_PER_COHORT = 15
# module: (meetings, hours per meeting, min size, max size, cost in euros)
FORMATS = {"KNM": (8, 2.5, 8, 20, 1800.0), "PVT": (3, 3.0, 8, 20, 600.0),
           "MAP": (8, 2.0, 8, 20, 2000.0)}
# The field kind: the modules as docs/domain describe them and the portal plans them (weekly).
FIELD_FORMATS = {"KNM": (8, 3.0, 8, 20, 1800.0), "PVT": (2, 3.0, 8, 20, 600.0),
                 "MAP": (8, 2.0, 8, 25, 2000.0)}
KINDS = ("field", "synthetic")
# The regions' municipalities under their CBS names (`places.csv` knows them by these).
CBS_NAMES = {"Den Haag": "'s-Gravenhage", "Rijswijk": "Rijswijk (ZH.)", "Hengelo": "Hengelo (O.)"}
STARTS = {DayPart.MORNING: time(9, 0), DayPart.AFTERNOON: time(13, 0), DayPart.EVENING: time(19, 0)}
SLOTS = [(d, p) for d in WEEKDAYS[:5] for p in DayPart]


def _pick(rng: random.Random, pairs: tuple[tuple[str, float], ...] | list) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _near(rng: random.Random, place: Place, sigma_km: float) -> Point:
    _name, lat, lon, _w = place
    dlat = rng.gauss(0, sigma_km) / 111.0
    dlon = rng.gauss(0, sigma_km) / (111.0 * math.cos(math.radians(lat)))
    return Point(round(lat + dlat, 5), round(lon + dlon, 5))


def _statuses(rng: random.Random, route: str) -> dict[str, Status]:
    out = {}
    for module in MODULES:
        if route not in ROUTE_MODULES[module]:
            continue
        roll = rng.random()
        if module == "MAP" and roll < 0.1:
            out[module] = Status.EXEMPT
        else:
            out[module] = Status.DONE if roll > 0.85 else Status.REQUIRED
    return out


def _learner(rng: random.Random, number: int, place: Place,
             spoken: tuple[tuple[str, float], ...], home: Point | None = None) -> Learner:
    route = _pick(rng, ROUTES)
    native = _pick(rng, spoken)
    languages = (native, *SECOND.get(native, ()))
    if route != "z" and rng.random() < 0.6:
        languages = (*languages, "Dutch")
    if rng.random() < 0.1:
        languages = ("Dutch", native) if route in ("b1", "onderwijs") else languages
    availability = frozenset(s for s in SLOTS if rng.random() < (0.35 if s[1] is DayPart.EVENING
                                                                  else 0.8))
    wants = rng.random() < 0.3  # draw slots in list order: sets iterate by hash, not by seed
    preferred = frozenset(s for s in SLOTS if wants and s in availability and rng.random() < 0.6)
    settled = PLAN_DATE - timedelta(days=rng.randint(0, 300))
    term_end = PLAN_DATE + timedelta(days=rng.randint(180, 900))
    deadlines = {m: term_end for m in MODULES}
    deadlines["PVT"] = min(term_end, settled + timedelta(days=365))
    busy = []
    for _ in range(rng.randint(0, 3)):
        day = PLAN_DATE + timedelta(days=rng.randint(0, 364))
        start = datetime.combine(day, time(rng.choice([9, 10, 13, 14, 19])))
        busy.append(Interval(start, start + timedelta(hours=rng.choice([1, 2, 3]))))
    return Learner(
        id=f"L{number:06d}", route=route, statuses=_statuses(rng, route), languages=languages,
        home=_near(rng, place, 3.0) if home is None else home,
        max_travel_km=float(rng.choice([15, 20, 25, 25, 30, 40])),
        availability=availability, preferred=preferred, busy=tuple(busy),
        earliest_start=PLAN_DATE + timedelta(days=7 * rng.randint(0, 8)),
        deadlines={m: d for m, d in deadlines.items() if m in ROUTE_MODULES and d})


def _meetings(rng: random.Random, module: str, formats: dict | None = None) -> tuple[Interval, ...]:
    """Weekly meetings at one weekday and day part, public holidays skipped (a week later instead)."""
    count, hours, *_ = (formats or FORMATS)[module]
    weekday, part = rng.choice(SLOTS)
    week = rng.randint(0, 52 - count - 3)
    day = PLAN_DATE + timedelta(weeks=week, days=WEEKDAYS.index(weekday))
    meetings: list[Interval] = []
    while len(meetings) < count:
        if not is_public_holiday(day):
            start = datetime.combine(day, STARTS[part])
            meetings.append(Interval(start, start + timedelta(hours=hours)))
        day += timedelta(weeks=1)
    return tuple(meetings)


def _cohort_languages(learners: list[Learner], module: str) -> dict[str, float]:
    """Learners needing `module` per language; one with several languages counts a share in each."""
    demand: dict[str, float] = defaultdict(float)
    for x in learners:
        if x.statuses.get(module) is Status.REQUIRED:
            for lang in x.languages:
                demand[lang] += 1.0 / len(x.languages)
    return demand


def _region_cohorts(rng: random.Random, region: int, places: tuple[Place, ...],
                    learners: list[Learner], start: int) -> tuple[list[Cohort], list[Trainer]]:
    cohorts: list[Cohort] = []
    trainers: list[Trainer] = []
    for module in MODULES:
        demand = _cohort_languages(learners, module)
        n = max(1, round(sum(demand.values()) / LEARNERS_PER_COHORT))
        staff = [Trainer(f"T{region:02d}{module}{k:02d}", f"Trainer {module} {region}-{k}")
                 for k in range(max(1, n // 5))]
        trainers.extend(staff)
        _, _, low, high, cost = FORMATS[module]
        for _ in range(n):
            place = rng.choices(places, weights=[p[3] for p in places])[0]
            language = _pick(rng, sorted(demand.items())) if demand else "Dutch"
            cohorts.append(Cohort(
                id=f"{module}-{start + len(cohorts):05d}", module=module, location=place[0],
                point=_near(rng, place, 1.0), language=language, trainer=rng.choice(staff).id,
                meetings=_meetings(rng, module), min_size=low, max_size=high, cost=cost))
    return cohorts, trainers


def _places(places: tuple[Place, ...], count: int) -> tuple[Place, ...]:
    """The biggest towns of a region, enough of them to keep venues as dense as in a full region."""
    ranked = sorted(places, key=lambda p: -p[3])
    total, share, chosen = sum(p[3] for p in places), min(1.0, count / LEARNERS_PER_REGION), []
    for place in ranked:
        chosen.append(place)
        if sum(p[3] for p in chosen) >= share * total:
            break
    return tuple(chosen)


def _per_region(learners: int) -> list[int]:
    """How many learners each region gets: about LEARNERS_PER_REGION each, as evenly as they divide."""
    n_regions = max(1, min(len(REGIONS), round(learners / LEARNERS_PER_REGION)))
    return [learners // n_regions + (1 if r < learners % n_regions else 0) for r in range(n_regions)]


def _spoken(count: int) -> tuple[tuple[str, float], ...]:
    """The first languages of a region of `count` learners: a smaller community speaks fewer."""
    return LANGUAGES[:max(3, min(len(LANGUAGES), round(14 * count / LEARNERS_PER_REGION) - 4))]


def generate(learners: int, seed: int, kind: str = "field") -> Problem:
    """A reproducible instance with about one cohort per 15 learners of its module (see KINDS)."""
    if kind == "field":
        return _field(learners, seed)
    if kind != "synthetic":
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    rng = random.Random(seed)
    per_region = _per_region(learners)
    all_learners: list[Learner] = []
    cohorts: list[Cohort] = []
    trainers: list[Trainer] = []
    for r, count in enumerate(per_region):
        places = _places(REGIONS[r][1], count)
        spoken = _spoken(count)
        region_learners = [
            _learner(rng, len(all_learners) + k + 1,
                     rng.choices(places, weights=[p[3] for p in places])[0], spoken)
            for k in range(count)]
        new_cohorts, new_trainers = _region_cohorts(rng, r, places, region_learners, len(cohorts))
        all_learners.extend(region_learners)
        cohorts.extend(new_cohorts)
        trainers.extend(new_trainers)
    modules = tuple(Module(m, frozenset(ROUTE_MODULES[m])) for m in MODULES)
    return Problem(plan_date=PLAN_DATE, modules=modules, cohorts=tuple(cohorts),
                   learners=tuple(all_learners), trainers=tuple(trainers))


def _field_cohorts(rng: random.Random, region: int, homes: list[tuple[Learner, Residence]],
                   start: int) -> tuple[list[Cohort], list[Trainer]]:
    """Cohorts in the towns where the learners needing the module live, weighted by that demand."""
    cohorts: list[Cohort] = []
    trainers: list[Trainer] = []
    learners = [x for x, _ in homes]
    for module in MODULES:
        demand = _cohort_languages(learners, module)
        n = max(1, round(sum(demand.values()) / LEARNERS_PER_COHORT))
        staff = [Trainer(f"T{region:02d}{module}{k:02d}", f"Trainer {module} {region}-{k}")
                 for k in range(max(1, n // 5))]
        trainers.extend(staff)
        where: dict[Residence, int] = defaultdict(int)
        for x, home in homes:
            if x.statuses.get(module) is Status.REQUIRED:
                where[home] += 1
        towns = sorted(where, key=lambda p: (p.municipality, p.name)) or sorted(
            {h for _, h in homes}, key=lambda p: (p.municipality, p.name))
        weights = [where.get(t, 1) for t in towns]
        _, _, low, high, cost = FIELD_FORMATS[module]
        for _ in range(n):
            town = rng.choices(towns, weights=weights)[0]
            language = _pick(rng, sorted(demand.items())) if demand else "Dutch"
            cohorts.append(Cohort(
                id=f"{module}-{start + len(cohorts):05d}", module=module, location=town.name,
                point=town.point, language=language, trainer=rng.choice(staff).id,
                meetings=_meetings(rng, module, FIELD_FORMATS), min_size=low, max_size=high,
                cost=cost))
    return cohorts, trainers


def _field(learners: int, seed: int) -> Problem:
    """The field kind: homes at real places of residence, cohorts in the towns of the demand."""
    rng = random.Random(seed)
    per_region = _per_region(learners)
    all_learners: list[Learner] = []
    cohorts: list[Cohort] = []
    trainers: list[Trainer] = []
    for r, count in enumerate(per_region):
        towns = _places(REGIONS[r][1], count)
        spoken = _spoken(count)
        homes: list[tuple[Learner, Residence]] = []
        for k in range(count):
            municipality = rng.choices(towns, weights=[p[3] for p in towns])[0]
            home = residence(rng, CBS_NAMES.get(municipality[0], municipality[0]))
            learner = _learner(rng, len(all_learners) + k + 1, municipality, spoken, home.point)
            homes.append((learner, home))
        new_cohorts, new_trainers = _field_cohorts(rng, r, homes, len(cohorts))
        all_learners.extend(x for x, _ in homes)
        cohorts.extend(new_cohorts)
        trainers.extend(new_trainers)
    modules = tuple(Module(m, frozenset(ROUTE_MODULES[m])) for m in MODULES)
    return Problem(plan_date=PLAN_DATE, modules=modules, cohorts=tuple(cohorts),
                   learners=tuple(all_learners), trainers=tuple(trainers))
