"""An independent verifier: re-derives every hard rule and the objective from the raw problem.

It deliberately shares no rule code with the model (not constraints.py, index.py or plan.py),
so a bug in the model cannot hide itself here. The holiday rule asks the `holidays` package
directly (Dutch public holidays), not scheduler.common.calendar.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import holidays

from scheduler.sessions.domain import Assignment, Cohort, Learner, Problem

PART_HOURS = {"morning": (8, 12), "afternoon": (12, 17), "evening": (17, 22)}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class CheckReport:
    """Broken hard rules (empty when the plan is valid) and the recomputed objective."""

    violations: tuple[str, ...]
    objective: float | None  # None when the plan names learners or cohorts the problem lacks
    placed: int


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


@lru_cache(maxsize=1 << 16)  # a cohort's meetings recur for each of its learners
def _parts(start: datetime, end: datetime) -> frozenset[str]:
    day = DAYS[start.weekday()]
    s, e = start.hour + start.minute / 60, end.hour + end.minute / 60
    return frozenset(f"{day}:{name}" for name, (lo, hi) in PART_HOURS.items() if s < hi and lo < e)


@lru_cache(maxsize=1 << 16)
def _slots(learner_slots: frozenset) -> frozenset[str]:
    return frozenset(f"{d}:{p.value}" for d, p in learner_slots)


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _pair_violations(problem: Problem, a: Assignment, x: Learner, c: Cohort) -> list[str]:
    who = f"{a.learner} in {a.cohort}"
    out = []
    mod = next((m for m in problem.modules if m.code == a.module), None)
    if mod is None or x.route not in mod.routes or x.statuses.get(a.module, "required") != "required":
        out.append(f"{who}: learner does not need {a.module}")
    if c.module != a.module:
        out.append(f"{who}: cohort teaches {c.module}, not {a.module}")
    if c.language not in x.languages:
        out.append(f"{who}: taught in {c.language}, learner follows {', '.join(x.languages)}")
    km = _km(x.home.lat, x.home.lon, c.point.lat, c.point.lon)
    if km > x.max_travel_km:
        out.append(f"{who}: {km:.1f} km away, more than {x.max_travel_km:g} km")
    return out + _time_violations(who, a.module, x, c)


def _time_violations(who: str, module: str, x: Learner, c: Cohort) -> list[str]:
    out, free = [], _slots(x.availability)
    for m in c.meetings:
        if not _parts(m.start, m.end) <= free:
            out.append(f"{who}: meeting {m.start:%Y-%m-%d %H:%M} outside availability")
        out += [f"{who}: meeting {m.start:%Y-%m-%d %H:%M} clashes with a busy time"
                for b in x.busy if _overlap(m.start, m.end, b.start, b.end)]
    first, last = min(m.start for m in c.meetings).date(), max(m.end for m in c.meetings).date()
    if first < x.earliest_start:
        out.append(f"{who}: starts {first} before the earliest start {x.earliest_start}")
    due = x.deadlines.get(module)
    if due is not None and last > due:
        out.append(f"{who}: ends {last} after the deadline {due}")
    return out


def _holiday_violations(running: list[Cohort]) -> list[str]:
    years = {m.start.year for c in running for m in c.meetings}
    dutch = holidays.country_holidays("NL", years=sorted(years), language="en_US") if years else {}
    out = []
    for c in running:
        days = sorted({m.start.date() for m in c.meetings} - set(c.allowed_holidays))
        out += [f"{c.id}: meets on {d} ({dutch.get(d)}), a public holiday" for d in days if d in dutch]
    return out


def _cohorts_overlap(a: Cohort, b: Cohort) -> bool:
    return any(_overlap(m.start, m.end, n.start, n.end) for m in a.meetings for n in b.meetings)


def _group_violations(problem: Problem, plan: tuple[Assignment, ...],
                      cohorts: dict[str, Cohort]) -> list[str]:
    out = []
    per_lm = Counter((a.learner, a.module) for a in plan)
    out += [f"{x} has {n} {m} cohorts" for (x, m), n in sorted(per_lm.items()) if n > 1]
    size = Counter(a.cohort for a in plan)
    for cid, n in sorted(size.items()):
        c = cohorts[cid]
        if not c.min_size <= n <= c.max_size:
            out.append(f"{cid}: {n} learners, allowed 0 or {c.min_size}..{c.max_size}")
    by_learner: dict[str, list[Cohort]] = defaultdict(list)
    for a in plan:
        by_learner[a.learner].append(cohorts[a.cohort])
    for who, mine in sorted(by_learner.items()):
        for i, c in enumerate(mine):
            out += [f"{who}: {c.id} and {d.id} meet at the same time" for d in mine[i + 1:]
                    if _cohorts_overlap(c, d)]
    placed = {(a.learner, a.module, a.cohort) for a in plan}
    out += [f"pinned {p.learner} in {p.cohort} ({p.module}) was not kept"
            for p in problem.existing if p.pinned and (p.learner, p.module, p.cohort) not in placed]
    running = [cohorts[cid] for cid in size]
    return out + _trainer_violations(running) + _holiday_violations(running)


def _trainer_violations(running: list[Cohort]) -> list[str]:
    out = []
    running = sorted(running, key=lambda c: (c.trainer, c.id))
    for i, a in enumerate(running):
        for b in running[i + 1:]:
            if b.trainer != a.trainer:
                break
            if _cohorts_overlap(a, b):
                out.append(f"trainer {a.trainer} teaches {a.id} and {b.id} at the same time")
    return out


def _objective(problem: Problem, plan: tuple[Assignment, ...], learners: dict[str, Learner],
               cohorts: dict[str, Cohort]) -> float:
    w, total = problem.weights, 0.0
    for a in plan:
        x, c = learners[a.learner], cohorts[a.cohort]
        due = x.deadlines.get(a.module)
        urgency = 0 if due is None else round(
            w.urgency * min(1.0, max(0.0, 1 - (due - problem.plan_date).days / w.urgency_horizon_days)))
        slots = set().union(*(_parts(m.start, m.end) for m in c.meetings))
        missed = int(c.language != x.languages[0])
        missed += int(bool(x.preferred) and not slots <= _slots(x.preferred))
        km = _km(x.home.lat, x.home.lon, c.point.lat, c.point.lon)
        total += w.place + urgency - round(w.travel_per_km * km) - w.missed_preference * missed
    total -= sum(round(w.cohort_cost_per_euro * cohorts[cid].cost) for cid in {a.cohort for a in plan})
    placed = {(a.learner, a.module, a.cohort) for a in plan}
    changed = sum(1 for e in problem.existing if (e.learner, e.module, e.cohort) not in placed)
    return total - w.change * changed


def check(problem: Problem, plan: tuple[Assignment, ...]) -> CheckReport:
    """Every broken hard rule of the plan, and its objective recomputed from scratch."""
    learners = {x.id: x for x in problem.learners}
    cohorts = {c.id: c for c in problem.cohorts}
    out = [f"unknown learner {a.learner}" for a in plan if a.learner not in learners]
    out += [f"unknown cohort {a.cohort}" for a in plan if a.cohort not in cohorts]
    if out:
        return CheckReport(tuple(out), None, len(plan))
    for a in plan:
        out += _pair_violations(problem, a, learners[a.learner], cohorts[a.cohort])
    out += _group_violations(problem, plan, cohorts)
    return CheckReport(tuple(out), _objective(problem, plan, learners, cohorts), len(plan))
