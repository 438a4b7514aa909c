"""Realistic random instances: a quarter of DUO exam days at 5 locations, learners from Dutch towns."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, time, timedelta

from scheduler.common.calendar import is_public_holiday
from scheduler.common.geo import Point, haversine_km
from scheduler.exams.domain import (
    DEFAULT_COMPONENTS,
    DEFAULT_LOCATIONS,
    LANGUAGE_AND_KNM,
    Booking,
    Learner,
    Location,
    Problem,
    Session,
)

# (municipality, lat, lon, weight ~ inhabitants / 10,000)
MUNICIPALITIES = (
    ("Amsterdam", 52.3676, 4.9041, 93), ("Rotterdam", 51.9244, 4.4777, 66),
    ("Den Haag", 52.0705, 4.3007, 56), ("Utrecht", 52.0907, 5.1214, 37),
    ("Eindhoven", 51.4416, 5.4697, 24), ("Groningen", 53.2194, 6.5665, 24),
    ("Tilburg", 51.5555, 5.0913, 23), ("Almere", 52.3508, 5.2647, 22),
    ("Breda", 51.5719, 4.7683, 19), ("Nijmegen", 51.8126, 5.8372, 18),
    ("Apeldoorn", 52.2112, 5.9699, 17), ("Arnhem", 51.9851, 5.8987, 16),
    ("Haarlem", 52.3874, 4.6462, 16), ("Enschede", 52.2215, 6.8937, 16),
    ("Amersfoort", 52.1561, 5.3878, 16), ("Zaanstad", 52.4420, 4.8292, 16),
    ("'s-Hertogenbosch", 51.6978, 5.3037, 16), ("Zwolle", 52.5168, 6.0830, 13),
    ("Leiden", 52.1601, 4.4970, 13), ("Dordrecht", 51.8133, 4.6901, 12),
    ("Zoetermeer", 52.0575, 4.4931, 12), ("Leeuwarden", 53.2012, 5.7999, 12),
    ("Maastricht", 50.8514, 5.6910, 12), ("Ede", 52.0402, 5.6649, 12),
    ("Delft", 52.0116, 4.3571, 10), ("Venlo", 51.3704, 6.1724, 10),
    ("Deventer", 52.2661, 6.1552, 10), ("Helmond", 51.4793, 5.6570, 9),
    ("Emmen", 52.7792, 6.9069, 10), ("Heerlen", 50.8882, 5.9795, 9),
    ("Schiedam", 51.9192, 4.3886, 8), ("Lelystad", 52.5185, 5.4714, 8),
    ("Alkmaar", 52.6324, 4.7534, 11), ("Hilversum", 52.2292, 5.1669, 9),
    ("Gouda", 52.0115, 4.7105, 7), ("Vlaardingen", 51.9125, 4.3419, 7),
    ("Capelle aan den IJssel", 51.9293, 4.5779, 7), ("Assen", 52.9929, 6.5642, 7),
    ("Purmerend", 52.5050, 4.9597, 8), ("Oss", 51.7650, 5.5181, 9),
)
TIMETABLE = {"lezen": time(9, 0), "luisteren": time(10, 30), "schrijven": time(11, 30),
             "spreken": time(13, 15), "knm": time(14, 15), "ona": time(15, 30)}
NEED_PATTERNS = ((LANGUAGE_AND_KNM, 45), (("spreken",), 9), (("schrijven",), 7), (("lezen",), 4),
                 (("knm",), 5), (("luisteren",), 3), (("schrijven", "spreken"), 8),
                 (("lezen", "luisteren", "schrijven", "spreken"), 8), (("ona",), 5),
                 (("spreken", "ona"), 3), (LANGUAGE_AND_KNM + ("ona",), 3))


def quarter_of(day: date) -> tuple[date, date]:
    """First and last day of the calendar quarter holding `day`."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    nxt = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, nxt - timedelta(days=1)


def exam_days(start: date, end: date) -> list[date]:
    """Weekdays that are not Dutch public holidays (about 60 in a quarter)."""
    days = (start + timedelta(days=i) for i in range((end - start).days + 1))
    return [d for d in days if d.weekday() < 5 and not is_public_holiday(d)]


def _learner(rng: random.Random, i: int, start: date, end: date) -> Learner:
    town = rng.choices(MUNICIPALITIES, weights=[m[3] for m in MUNICIPALITIES])[0]
    needs = rng.choices([p[0] for p in NEED_PATTERNS], weights=[p[1] for p in NEED_PATTERNS])[0]
    retake = len(needs) < 5
    monday = start - timedelta(days=start.weekday())
    ready = monday + timedelta(weeks=rng.randrange(0, max(1, (end - start).days // 7 - 1)))
    urgent = rng.random() < 0.15
    deadline = ready + timedelta(days=rng.randrange(21, 90) if urgent else rng.randrange(200, 700))
    days = exam_days(start, end)
    return Learner(
        id=f"L{i:06d}", needs=tuple(needs), ready=ready, deadline=deadline,
        home=Point(town[1], town[2]),
        attempts=tuple((c, rng.choice((1, 1, 2, 3))) for c in needs) if retake else (),
        max_travel_km=100.0 if rng.random() < 0.8 else 60.0,
        unavailable=frozenset(rng.sample(days, rng.randint(1, 3))) if rng.random() < 0.08
        else frozenset(),
        requirements=frozenset(rng.choice((("accessible",), ("extra_time",))))
        if rng.random() < 0.08 else frozenset(),
        max_per_day=rng.choices((5, 3, 2), weights=(85, 10, 5))[0],
    )


def _seats(learners: list[Learner], locations: tuple[Location, ...], n_days: int) -> dict:
    """Seats per (location, component): ~90 % of the demand from learners nearest to each location."""
    demand: Counter[tuple[str, str]] = Counter()
    for x in learners:
        nearest = min(locations, key=lambda loc: haversine_km(x.home, loc.point)).id
        for c in x.needs:
            demand[(nearest, c)] += 1
    return {key: max(2, math.ceil(0.9 * n / n_days)) for key, n in demand.items()}


def _sessions(locations: tuple[Location, ...], days: list[date], seats: dict) -> list[Session]:
    minutes = {c.id: c.minutes for c in DEFAULT_COMPONENTS}
    return [Session(f"{loc.id}-{d.isoformat()}-{c}", loc.id, d, c, TIMETABLE[c], minutes[c],
                    seats.get((loc.id, c), 2 if c != "ona" else 1))
            for loc in locations for d in days for c in TIMETABLE]


def _bookings(rng: random.Random, learners: list[Learner], sessions: list[Session]) -> list[Booking]:
    """About 2 % of learners already hold one booking; a quarter of those are pinned."""
    by_comp: dict[str, list[Session]] = {}
    for s in sessions:
        by_comp.setdefault(s.component, []).append(s)
    out = []
    for x in rng.sample(learners, len(learners) // 50):
        if x.requirements:
            continue
        comp = rng.choice(x.needs)
        fits = [s for s in by_comp[comp] if x.ready <= s.day <= x.deadline
                and s.day not in x.unavailable and s.location in _near(x)]
        if fits:
            out.append(Booking(x.id, comp, rng.choice(fits).id, pinned=rng.random() < 0.25))
    return out


def _near(x: Learner) -> set[str]:
    return {loc.id for loc in DEFAULT_LOCATIONS if haversine_km(x.home, loc.point) <= x.max_travel_km}


def generate(learners: int, seed: int, start: date = date(2027, 1, 1)) -> Problem:
    """A reproducible instance over the quarter starting at `start` (same seed, same file)."""
    rng = random.Random(seed)
    first, last = quarter_of(start)
    locations = tuple(Location(x.id, x.name, x.point, frozenset({"accessible"}) | (
        {"extra_time"} if x.id in ("amsterdam", "rotterdam", "eindhoven") else set()))
        for x in DEFAULT_LOCATIONS)
    people = [_learner(rng, i + 1, first, last) for i in range(learners)]
    days = exam_days(first, last)
    sessions = _sessions(locations, days, _seats(people, locations, len(days)))
    return Problem(start=first, end=last, components=DEFAULT_COMPONENTS, locations=locations,
                   sessions=tuple(sessions), learners=tuple(people),
                   bookings=tuple(_bookings(rng, people, sessions)))
