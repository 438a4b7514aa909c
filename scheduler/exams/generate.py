"""Random instances of a quarter of DUO exam days at DUO's five exam locations, in two kinds.

- `field` (the default): what a planner sees. Learners live at their place of residence, a real
  place of their municipality (`reference/places.csv`, through `scheduler.common.places`); every
  exam day at a location follows the portal's day plan (`provider_portal/exams/calendar.py`: the
  four language components and KNM in sequence in one exam room, so each sitting has the room's
  computer seats; ONA interviews at 09:00 with 5 interview slots per examiner on duty that day).
  A location's room is sized to its busiest component's demand, and its examiners each work three
  fixed weekdays, so ONA seats differ by weekday and a day without examiners has no ONA sitting.
- `synthetic`: the first generator, kept unchanged so the older benchmark tables stay reproducible:
  homes at municipality centres, seats per component sized to 90 % of that component's demand.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, time, timedelta

from scheduler.common.calendar import is_public_holiday
from scheduler.common.geo import Point, haversine_km
from scheduler.common.places import residence
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
# The field kind: the portal's day plan (provider_portal/exams/calendar.py DAY_PLAN, ONA_START).
FIELD_TIMETABLE = {"lezen": time(9, 0), "luisteren": time(10, 30), "schrijven": time(11, 30),
                   "spreken": time(13, 30), "knm": time(14, 30), "ona": time(9, 0)}
INTERVIEWS_PER_EXAMINER = 5
EXAMINER_DAYS = 3  # weekdays each examiner works, in a fixed weekly roster
KINDS = ("field", "synthetic")
CBS_NAMES = {"Den Haag": "'s-Gravenhage"}  # the municipalities' CBS names, as places.csv has them
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


def _learner(rng: random.Random, i: int, start: date, end: date, field: bool = False) -> Learner:
    town = rng.choices(MUNICIPALITIES, weights=[m[3] for m in MUNICIPALITIES])[0]
    home = residence(rng, CBS_NAMES.get(town[0], town[0])).point if field else Point(town[1], town[2])
    needs = rng.choices([p[0] for p in NEED_PATTERNS], weights=[p[1] for p in NEED_PATTERNS])[0]
    retake = len(needs) < 5
    monday = start - timedelta(days=start.weekday())
    ready = monday + timedelta(weeks=rng.randrange(0, max(1, (end - start).days // 7 - 1)))
    urgent = rng.random() < 0.15
    deadline = ready + timedelta(days=rng.randrange(21, 90) if urgent else rng.randrange(200, 700))
    days = exam_days(start, end)
    return Learner(
        id=f"L{i:06d}", needs=tuple(needs), ready=ready, deadline=deadline,
        home=home,
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
    demand = _demand(learners, locations)
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


def _demand(learners: list[Learner], locations: tuple[Location, ...]) -> Counter[tuple[str, str]]:
    """Components needed per (nearest location, component)."""
    demand: Counter[tuple[str, str]] = Counter()
    for x in learners:
        nearest = min(locations, key=lambda loc: haversine_km(x.home, loc.point)).id
        for c in x.needs:
            demand[(nearest, c)] += 1
    return demand


def _field_sessions(learners: list[Learner], locations: tuple[Location, ...],
                    days: list[date]) -> list[Session]:
    """The portal's day plan at every location: one room for the sittings, examiners for ONA.

    The room holds ~90 % of the daily demand of the location's busiest component (at least 4
    seats); examiners are enough for ~90 % of its ONA demand, each on `EXAMINER_DAYS` weekdays of
    a roster that starts at a different weekday per examiner.
    """
    demand = _demand(learners, locations)
    minutes = {c.id: c.minutes for c in DEFAULT_COMPONENTS}
    exams = [c for c in FIELD_TIMETABLE if c != "ona"]
    out = []
    for n, loc in enumerate(locations):
        room = max(4, math.ceil(0.9 * max(demand[(loc.id, c)] for c in exams) / len(days)))
        interviews = 0.9 * demand[(loc.id, "ona")]
        per_examiner = INTERVIEWS_PER_EXAMINER * len(days) * EXAMINER_DAYS / 5
        examiners = max(1, math.ceil(interviews / per_examiner))
        on_duty = Counter((n + e + k) % 5 for e in range(examiners) for k in range(EXAMINER_DAYS))
        for d in days:
            for c in exams:
                out.append(Session(f"{loc.id}-{d.isoformat()}-{c}", loc.id, d, c,
                                   FIELD_TIMETABLE[c], minutes[c], room))
            if on_duty[d.weekday()]:
                out.append(Session(f"{loc.id}-{d.isoformat()}-ona", loc.id, d, "ona",
                                   FIELD_TIMETABLE["ona"], minutes["ona"],
                                   on_duty[d.weekday()] * INTERVIEWS_PER_EXAMINER))
    return out


def generate(learners: int, seed: int, start: date = date(2027, 1, 1), kind: str = "field") -> Problem:
    """A reproducible instance over the quarter starting at `start` (same seed, same file)."""
    if kind not in KINDS:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    field = kind == "field"
    rng = random.Random(seed)
    first, last = quarter_of(start)
    locations = tuple(Location(x.id, x.name, x.point, frozenset({"accessible"}) | (
        {"extra_time"} if x.id in ("amsterdam", "rotterdam", "eindhoven") else set()))
        for x in DEFAULT_LOCATIONS)
    people = [_learner(rng, i + 1, first, last, field) for i in range(learners)]
    days = exam_days(first, last)
    sessions = (_field_sessions(people, locations, days) if field
                else _sessions(locations, days, _seats(people, locations, len(days))))
    return Problem(start=first, end=last, components=DEFAULT_COMPONENTS, locations=locations,
                   sessions=tuple(sessions), learners=tuple(people),
                   bookings=tuple(_bookings(rng, people, sessions)))
