"""Seed a municipality group for the planner's benchmark with Core bulk inserts.

A planner of twelve municipalities around Utrecht, learners at three providers, about one cohort
per 15 learners (200 cohorts for 3,000 learners) sized to the demand, and a quarter of exam days
at DUO's locations. Where the portal has no finer data the figures are plain choices, written here:

- homes: the learner's municipality (`place` = the municipality): the session problem puts every
  learner at the municipality's centre (the portal has no postcode geocoding), the exam problem at
  the `place` where it knows its coordinates, which for these places is the same centre;
- routes B1 60 %, B1 entree 15 %, onderwijs 10 %, Z 15 %; each group module still required with
  probability 0.38 (else done; MAP exempt for 10 %), so about 3,100 learner-modules wait for the
  3,200 seats of 200 cohorts of at most 16;
- languages: a first language from the newcomers' mix, a quarter also Dutch, a tenth a second one;
  cohorts' languages follow the learners', 15 % are in Dutch;
- availability: 60 % of learners have a planning profile with 6 to 12 of the 15 day parts, a
  travel limit of 10 to 30 km and, for a fifth, an earliest start; the rest have the portal's
  default (weekday mornings and afternoons, 25 km);
- every learner is in one class of 25 with two lessons a week over the next half year (their busy
  times); cohorts: KNM 6, PVT 2 and MAP 8 weekly meetings starting in 2 to 10 weeks, 6 to 16
  learners, trainers never in two cohorts at the same weekday and day part;
- exams: 35 % of the learners with exam components are declared ready for each component with
  probability 0.7; the exam calendar is the demo's (Tuesdays and Thursdays for 13 weeks at the
  five DUO locations, `demo.planning.seed_exam_calendar`).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, time, timedelta
from typing import Any

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from provider_portal.classes.schedule import WeeklySlot, lesson_plan
from provider_portal.db import unit_of_work
from provider_portal.demo import elfproef_bsn
from provider_portal.demo.planning import seed_exam_calendar
from provider_portal.models import (
    Cohort,
    CohortMeeting,
    CourseClass,
    Enrolment,
    ExamLocation,
    ExamReadiness,
    Learner,
    LearnerExam,
    LearnerLanguage,
    LearnerModule,
    Lesson,
    PlannerMunicipality,
    PlanningProfile,
    Provider,
    Trainer,
    User,
)
from provider_portal.models.enums import EXAM_COMPONENTS, REQUIRED_MODULES, Route
from provider_portal.models.types import utcnow
from provider_portal.planning.cohorts import weekly_meetings

PASSWORD = "bench-planning-password"
PLANNER_EMAIL = "planner@bench-planning.example"
# municipality: share of the group's learners
GROUP = {
    "Utrecht": 0.40, "Amersfoort": 0.14, "Nieuwegein": 0.07, "Zeist": 0.05, "Veenendaal": 0.05,
    "Stichtse Vecht": 0.05, "Woerden": 0.04, "Houten": 0.04, "IJsselstein": 0.04, "De Bilt": 0.04,
    "Soest": 0.04, "Utrechtse Heuvelrug": 0.04,
}
ROUTES = ((Route.B1, 0.60), (Route.B1_ENTREE, 0.15), (Route.ONDERWIJS, 0.10), (Route.Z, 0.15))
FIRST_LANGUAGES = (("ar", 0.30), ("ti", 0.20), ("uk", 0.15), ("tr", 0.10), ("prs", 0.08), ("so", 0.07),
                   ("fa", 0.05), ("ku", 0.05))
SECOND_LANGUAGES = ("en", "ru", "fa", "ar")
# module: weekly meetings (MAP as 8 weekly meetings, as the demo has it)
FORMATS = {"KNM": 6, "PVT": 2, "MAP": 8}
DAY_PARTS = (("morning", time(9, 30), time(12)), ("afternoon", time(13, 30), time(16)),
             ("evening", time(19), time(21, 30)))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
SLOTS = [f"{d}:{p}" for d in WEEKDAYS for p, _s, _e in DAY_PARTS]
LEARNERS_PER_COHORT, CLASS_SIZE, PROVIDERS = 15, 25, 3
# DUO's five exam locations as the migration seeds them, for a database emptied since (the tests)
DUO_LOCATIONS = (("amsterdam", "DUO Amsterdam", 52.3889, 4.8380),
                 ("rijswijk", "DUO Rijswijk", 52.0362, 4.3250),
                 ("rotterdam", "DUO Rotterdam", 51.9225, 4.4792),
                 ("eindhoven", "DUO Eindhoven", 51.4416, 5.4697),
                 ("zwolle", "DUO Zwolle", 52.5168, 6.0830))
REQUIRED_SHARE, READY_SHARE = 0.38, 0.35


def _pick(rng: random.Random, pairs: tuple[tuple[Any, float], ...]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _insert(conn: sa.Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5_000):
        conn.execute(sa.insert(model.__table__), rows[start : start + 5_000])


def _ids(conn: sa.Connection, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows and return their ids in order (one RETURNING statement per chunk)."""
    table, out = model.__table__, []
    for start in range(0, len(rows), 1_000):
        chunk = rows[start : start + 1_000]
        got = conn.execute(sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk)
        out += [int(r[0]) for r in got]
    return out


def build(engine: sa.Engine, today: date, learners: int = 3_000, seed: int = 17) -> dict[str, Any]:
    """Fill a migrated database; returns the planner's e-mail, the municipalities and the counts."""
    rng, now = random.Random(seed), utcnow()
    digest = generate_password_hash(PASSWORD, method="scrypt")
    with engine.begin() as conn:
        providers = _ids(conn, Provider, [
            dict(name=f"Taalschool Bench {n + 1}", bow_number=f"BOW-9{n:04d}", keurmerk_status="keurmerk",
                 kvk_number=f"3012{n:04d}", iban="NL91ABNA0417164300", created_at=now)
            for n in range(PROVIDERS)])
        planner = _ids(conn, User, [dict(email=PLANNER_EMAIL, name="Planner Bench", role="planner",
                                         active=True, created_at=now, password_hash=digest)])[0]
        _insert(conn, PlannerMunicipality, [dict(user_id=planner, municipality=m) for m in GROUP])
        people = _learners(conn, rng, providers, learners, today, now)
        _classes(conn, rng, providers, people, today, now)
        demand = _cohorts(conn, rng, people, today)
        if not conn.execute(sa.select(sa.func.count()).select_from(ExamLocation)).scalar_one():
            _insert(conn, ExamLocation, [
                dict(code=code, name=name, lat=lat, lon=lon, facilities=["accessible", "extra_time"],
                     closed_dates=[], active=True) for code, name, lat, lon in DUO_LOCATIONS])
    with unit_of_work(engine) as session:  # the calendar's service leaves the commit to its caller
        seed_exam_calendar(session, today)
    return {"planner": PLANNER_EMAIL, "municipalities": tuple(GROUP), "learners": len(people),
            "demand": demand}


def _learners(conn: sa.Connection, rng: random.Random, providers: list[int], count: int, today: date,
              now: Any) -> list[dict[str, Any]]:
    towns = tuple(GROUP.items())
    bsns: set[str] = set()
    while len(bsns) < count:
        bsns.add(elfproef_bsn(rng))
    rows = []
    for i, bsn in enumerate(sorted(bsns)):
        town, start = _pick(rng, towns), today - timedelta(days=rng.randint(60, 900))
        rows.append(dict(
            provider_id=providers[i % len(providers)], bsn=bsn, first_name=f"Cursist{i}",
            last_name=f"Planning{i:05d}", date_of_birth=date(1965 + i % 35, 1 + i % 12, 1 + i % 28),
            migrant_type="asiel", route=str(_pick(rng, ROUTES)), municipality=town, postcode="3511AB",
            place=town, duo_term_start=start, duo_term_end=start + timedelta(days=3 * 365),
            loan_amount_cents=0, created_at=now, updated_at=now))
    ids = _ids(conn, Learner, rows)
    languages, modules, exams, profiles, ready = [], [], [], [], []
    for lid, row in zip(ids, rows, strict=True):
        row["id"] = lid
        first = _pick(rng, FIRST_LANGUAGES)
        spoken = {first} | ({"nl"} if rng.random() < 0.25 else set())
        if rng.random() < 0.1:
            spoken.add(rng.choice(SECOND_LANGUAGES))
        row["languages"] = sorted(spoken)
        languages += [dict(learner_id=lid, language=lang) for lang in sorted(spoken)]
        route = Route(row["route"])
        row["required"] = []
        for module in REQUIRED_MODULES[route]:
            roll = rng.random()
            status = ("exempt" if module == "MAP" and roll < 0.1
                      else "required" if 0.1 <= roll < 0.1 + REQUIRED_SHARE else "done")
            modules.append(dict(learner_id=lid, module=str(module), status=status))
            if status == "required":
                row["required"].append(str(module))
        components = EXAM_COMPONENTS[route]
        exams += [dict(learner_id=lid, component=str(c), status="open", attempts=0) for c in components]
        if components and rng.random() < READY_SHARE:
            ready += [dict(learner_id=lid, component=str(c), level="B1", updated_at=now,
                           ready_on=today - timedelta(days=rng.randint(3, 60)))
                      for c in components if rng.random() < 0.7]
        if rng.random() < 0.6:
            slots = rng.sample(SLOTS, rng.randint(6, 12))
            profiles.append(dict(
                learner_id=lid, availability=sorted(slots),
                preferred=sorted(rng.sample(slots, rng.randint(0, 2))),
                max_travel_km=rng.choice((10, 15, 20, 25, 30)), exam_needs=[],
                earliest_start=today + timedelta(weeks=rng.randint(1, 6)) if rng.random() < 0.2 else None))
    _insert(conn, LearnerLanguage, languages)
    _insert(conn, LearnerModule, modules)
    _insert(conn, LearnerExam, exams)
    _insert(conn, ExamReadiness, ready)
    _insert(conn, PlanningProfile, profiles)
    return rows


def _classes(conn: sa.Connection, rng: random.Random, providers: list[int], people: list[dict[str, Any]],
             today: date, now: Any) -> None:
    """Each learner's language class at their provider: two lessons a week for half a year."""
    first, last = today - timedelta(days=14), today + timedelta(weeks=26)
    for provider in providers:
        mine = [p["id"] for p in people if p["provider_id"] == provider]
        groups = [mine[k : k + CLASS_SIZE] for k in range(0, len(mine), CLASS_SIZE)]
        class_ids = _ids(conn, CourseClass, [
            dict(provider_id=provider, name=f"Klas {provider}-{n:03d}", level="A2", location="Lokaal",
                 start_date=first, end_date=last, max_size=CLASS_SIZE, created_at=now)
            for n in range(len(groups))])
        lessons, enrolments = [], []
        for n, (class_id, group) in enumerate(zip(class_ids, groups, strict=True)):
            _part, start, end = DAY_PARTS[n % len(DAY_PARTS)]
            slots = [WeeklySlot(n % 5, start, end), WeeklySlot((n + 2) % 5, start, end)]
            lessons += [dict(provider_id=provider, class_id=class_id, lesson_date=p.lesson_date,
                             start_time=p.start_time, end_time=p.end_time, status="scheduled", manual=False,
                             note="", version=0) for p in lesson_plan(first, last, slots, [])]
            enrolments += [dict(provider_id=provider, class_id=class_id, learner_id=lid, from_date=first)
                           for lid in group]
        _insert(conn, Lesson, lessons)
        _insert(conn, Enrolment, enrolments)


def _cohorts(conn: sa.Connection, rng: random.Random, people: list[dict[str, Any]], today: date) -> int:
    """About one cohort per 15 waiting learner-modules, per municipality, module and language."""
    total = sum(len(p["required"]) for p in people)
    wanted = max(len(FORMATS), round(len(people) / LEARNERS_PER_COHORT))
    weights: Counter[tuple[str, str, str]] = Counter()
    for p in people:
        for m in p["required"]:
            weights[(p["municipality"], m, "nl" if "nl" in p["languages"] and rng.random() < 0.6
                     else p["languages"][0] if p["languages"][0] != "nl" else p["languages"][-1])] += 1
    # the largest remainders method: each (town, module, language) its share of `wanted` cohorts
    shares = {k: wanted * v / sum(weights.values()) for k, v in weights.items()}
    counts = {k: math.floor(v) for k, v in shares.items()}
    for k in sorted(shares, key=lambda k: counts[k] - shares[k])[: wanted - sum(counts.values())]:
        counts[k] += 1
    plan = [key for key, n in sorted(counts.items()) for _ in range(n)]
    trainers: dict[str, list[int]] = {}
    per_town = Counter(town for town, _m, _l in plan)
    for town, n in sorted(per_town.items()):
        trainers[town] = _ids(conn, Trainer, [
            dict(municipality=town, name=f"Trainer {town} {k + 1}", email=f"trainer{k}@{town.lower()[:6]}.nl",
                 languages=[], availability=[]) for k in range(max(1, math.ceil(n / 8)))])
    rows, meetings, used = [], [], Counter[str]()
    for number, (town, module, language) in enumerate(plan):
        pool = trainers[town]
        which = used[town] % len(pool)
        trainer = pool[which]
        slot = used[town] // len(pool)  # the trainer's k-th cohort (k < 8): its own weekday and day part
        used[town] += 1
        count = FORMATS[module]
        _part, start, end = DAY_PARTS[(slot // 5 + which) % len(DAY_PARTS)]
        weekday = (slot + which) % 5
        first = today + timedelta(weeks=rng.randint(2, 10))
        first += timedelta(days=(weekday - first.weekday()) % 7)
        rows.append(dict(municipality=town, module=module, name=f"{module} {language} {town} {number + 1}",
                         venue=f"Wijkcentrum {town}", language=language, trainer_id=trainer,
                         min_size=6 if len(people) >= 1_000 else 2,  # a tiny test world still runs some
                         max_size=16, cost_cents=rng.choice((90_000, 120_000, 150_000))))
        meetings.append((first, count, start, end))
    cohort_ids = _ids(conn, Cohort, rows)
    _insert(conn, CohortMeeting, [
        dict(cohort_id=cid, meeting_date=day, start_time=start, end_time=end)
        for cid, (first, count, start, end) in zip(cohort_ids, meetings, strict=True)
        for day in weekly_meetings(first, count)])
    return total
