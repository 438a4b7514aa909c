"""Candidate assignments (arcs) after the pair filters, with their points and couplings.

Every solver (greedy, MIP windows, Lagrangian bound) and the diagnosis work on this index,
so the pair rules are evaluated once per problem.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import numpy as np

from scheduler.common.calendar import Interval, day_parts_covering
from scheduler.common.errors import InfeasibleInputError
from scheduler.sessions import constraints as rules
from scheduler.sessions.domain import MODULES, Problem, Slot

EARTH_RADIUS_KM = 6371.0088


def distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Vectorised great-circle distances (the same formula as scheduler.common.geo)."""
    p1, l1, p2, l2 = np.radians(lat), np.radians(lon), np.radians(lats), np.radians(lons)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


@dataclass
class Index:
    """Arcs (learner-module -> cohort) with points; learner-modules (lms) are (learner, module)."""

    problem: Problem
    lms: list[tuple[int, str]] = field(default_factory=list)
    arc_lm: list[int] = field(default_factory=list)
    arc_cohort: list[int] = field(default_factory=list)
    arc_score: list[int] = field(default_factory=list)
    arc_km: list[float] = field(default_factory=list)
    lm_arcs: list[list[int]] = field(default_factory=list)
    cohort_arcs: list[list[int]] = field(default_factory=list)
    clash_arcs: list[tuple[int, int]] = field(default_factory=list)
    trainer_pairs: list[tuple[int, int]] = field(default_factory=list)
    pinned: list[int] = field(default_factory=list)
    existing_arc: dict[int, int] = field(default_factory=dict)
    cohort_cost: list[int] = field(default_factory=list)
    constant: int = 0
    cohort_slots: list[frozenset[Slot]] = field(default_factory=list)
    cohort_usable: list[bool] = field(default_factory=list)  # clear of public holidays

    @property
    def n_arcs(self) -> int:
        """Number of candidate assignments."""
        return len(self.arc_lm)

    @cached_property
    def neighbours(self) -> list[list[int]]:
        """For each arc, the arcs it clashes with (same learner, overlapping meetings).

        Cached: every Plan needs it, and building it costs 0.3 s at 5,000 learners.
        """
        out: list[list[int]] = [[] for _ in range(self.n_arcs)]
        for a, b in self.clash_arcs:
            out[a].append(b)
            out[b].append(a)
        return out

    @cached_property
    def trainer_partners(self) -> list[list[int]]:
        """For each cohort, the cohorts sharing its trainer at an overlapping time."""
        out: list[list[int]] = [[] for _ in self.problem.cohorts]
        for a, b in self.trainer_pairs:
            out[a].append(b)
            out[b].append(a)
        return out


def _cohort_clashes(problem: Problem) -> dict[int, set[int]]:
    """Pairs of cohorts with overlapping meetings, found per calendar day."""
    by_day: dict[date, list[tuple[int, Interval]]] = defaultdict(list)
    for ci, c in enumerate(problem.cohorts):
        for m in c.meetings:
            by_day[m.start.date()].append((ci, m))
    clashes: dict[int, set[int]] = defaultdict(set)
    for meetings in by_day.values():
        meetings.sort(key=lambda t: t[1].start)
        for i, (ci, mi) in enumerate(meetings):
            for cj, mj in meetings[i + 1:]:
                if mj.start >= mi.end:
                    break
                if ci != cj and rules.meetings_overlap(mi, mj):
                    clashes[ci].add(cj)
                    clashes[cj].add(ci)
    return clashes


def build_index(problem: Problem) -> Index:
    """Evaluate the pair rules and collect arcs, clashes, trainer conflicts and pins."""
    idx = Index(problem)
    w = problem.weights
    idx.cohort_slots = [frozenset().union(*(day_parts_covering(m) for m in c.meetings))
                        for c in problem.cohorts]
    idx.cohort_cost = [rules.cohort_cost(w, c) for c in problem.cohorts]
    idx.cohort_usable = [rules.clear_of_holidays(c) for c in problem.cohorts]
    idx.cohort_arcs = [[] for _ in problem.cohorts]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for ci, c in enumerate(problem.cohorts):
        groups[(c.module, c.language)].append(ci)
    coords = {key: (np.array([problem.cohorts[i].point.lat for i in ids]),
                    np.array([problem.cohorts[i].point.lon for i in ids]))
              for key, ids in groups.items()}
    for li, learner in enumerate(problem.learners):
        for module in MODULES:
            if rules.needs_module(problem, learner, module):
                _add_lm(idx, li, module, groups, coords)
    _add_existing(idx)
    clashes = _cohort_clashes(problem)
    _add_clash_arcs(idx, clashes)
    idx.trainer_pairs = sorted({(min(a, b), max(a, b)) for a, nbrs in clashes.items() for b in nbrs
                                if rules.same_trainer(problem.cohorts[a], problem.cohorts[b])})
    _check_pins(idx)
    return idx


def _add_lm(idx: Index, li: int, module: str, groups: dict, coords: dict) -> None:
    problem = idx.problem
    learner = problem.learners[li]
    lm = len(idx.lms)
    idx.lms.append((li, module))
    idx.lm_arcs.append([])
    reward = rules.placement_reward(problem, learner, module)
    for language in learner.languages:
        ids = groups.get((module, language))
        if not ids:
            continue
        lats, lons = coords[(module, language)]
        kms = distances_km(learner.home.lat, learner.home.lon, lats, lons)
        for pos in np.flatnonzero(rules.within_travel(learner, kms)):
            ci, km = ids[pos], float(kms[pos])
            cohort = problem.cohorts[ci]
            if not (idx.cohort_usable[ci] and rules.speaks_language(learner, cohort)
                    and rules.inside_availability(learner, idx.cohort_slots[ci])
                    and rules.within_dates(learner, cohort) and rules.clear_of_busy(learner, cohort)):
                continue
            score = (reward - rules.travel_penalty(problem.weights, km)
                     - problem.weights.missed_preference
                     * rules.missed_preferences(learner, idx.cohort_slots[ci], cohort.language))
            arc = len(idx.arc_lm)
            idx.arc_lm.append(lm)
            idx.arc_cohort.append(ci)
            idx.arc_score.append(score)
            idx.arc_km.append(km)
            idx.lm_arcs[lm].append(arc)
            idx.cohort_arcs[ci].append(arc)


def _add_clash_arcs(idx: Index, clashes: dict[int, set[int]]) -> None:
    by_learner: dict[int, list[int]] = defaultdict(list)
    for lm, (li, _module) in enumerate(idx.lms):
        by_learner[li].extend(idx.lm_arcs[lm])
    for arcs in by_learner.values():
        by_cohort = {idx.arc_cohort[a]: a for a in arcs}
        for a in arcs:
            for cj in clashes.get(idx.arc_cohort[a], set()) & by_cohort.keys():
                b = by_cohort[cj]
                if a < b and idx.arc_lm[a] != idx.arc_lm[b]:
                    idx.clash_arcs.append((a, b))


def _add_existing(idx: Index) -> None:
    problem = idx.problem
    learner_pos = {x.id: i for i, x in enumerate(problem.learners)}
    cohort_pos = {c.id: i for i, c in enumerate(problem.cohorts)}
    lm_pos = {(li, m): k for k, (li, m) in enumerate(idx.lms)}
    dead: set[int] = set()
    for i, a in enumerate(problem.existing):
        lm = lm_pos.get((learner_pos[a.learner], a.module))
        ci = cohort_pos[a.cohort]
        arc = None if lm is None else next((x for x in idx.lm_arcs[lm] if idx.arc_cohort[x] == ci), None)
        if a.pinned and arc is None:
            raise InfeasibleInputError(f"existing[{i}]: pinned assignment of {a.learner} to {a.cohort} "
                                       f"breaks a hard rule ({_broken(idx, a.learner, ci, lm)})")
        idx.constant -= 0 if a.pinned else rules.change_reward(problem.weights)
        if lm is None or arc is None:  # arc is None whenever lm is; both tested for the type checker
            continue
        if a.pinned:
            idx.pinned.append(arc)
            dead.update(x for x in idx.lm_arcs[lm] if x != arc)  # never usable beside the pin
        else:
            idx.arc_score[arc] += rules.change_reward(problem.weights)
            idx.existing_arc[lm] = arc
    if dead:
        _drop_arcs(idx, dead)


def _broken(idx: Index, learner_id: str, ci: int, lm: int | None) -> str:
    """Which pair rules a pinned learner-cohort pair breaks, in words, for the refusal."""
    problem = idx.problem
    learner = next(x for x in problem.learners if x.id == learner_id)
    cohort = problem.cohorts[ci]
    km = float(distances_km(learner.home.lat, learner.home.lon, np.array([cohort.point.lat]),
                            np.array([cohort.point.lon]))[0])
    broken = [text for ok, text in (
        (lm is not None, f"the learner does not need {cohort.module}"),
        (rules.speaks_language(learner, cohort), f"taught in {cohort.language}"),
        (rules.within_travel(learner, km), f"{km:.1f} km away, more than {learner.max_travel_km:g} km"),
        (rules.inside_availability(learner, idx.cohort_slots[ci]), "outside the availability"),
        (rules.clear_of_busy(learner, cohort), "clashes with busy times"),
        (rules.within_dates(learner, cohort), "outside the earliest start or the deadline"),
        (idx.cohort_usable[ci], "meets on a public holiday: "
         + ", ".join(rules.holiday_meetings(cohort))),
    ) if not ok]
    return "; ".join(broken) or "a hard rule"


def _drop_arcs(idx: Index, dead: set[int]) -> None:
    """Remove arcs and renumber everything that refers to arcs."""
    keep = [a for a in range(idx.n_arcs) if a not in dead]
    new = {a: i for i, a in enumerate(keep)}
    idx.arc_lm = [idx.arc_lm[a] for a in keep]
    idx.arc_cohort = [idx.arc_cohort[a] for a in keep]
    idx.arc_score = [idx.arc_score[a] for a in keep]
    idx.arc_km = [idx.arc_km[a] for a in keep]
    idx.lm_arcs = [[new[a] for a in arcs if a in new] for arcs in idx.lm_arcs]
    idx.cohort_arcs = [[new[a] for a in arcs if a in new] for arcs in idx.cohort_arcs]
    idx.pinned = [new[a] for a in idx.pinned]
    idx.existing_arc = {lm: new[a] for lm, a in idx.existing_arc.items() if a in new}


def _check_pins(idx: Index) -> None:
    """Raise InfeasibleInputError when the pinned assignments alone break a hard rule.

    (A pinned cohort below its minimum is pins.pinned_start's: it tops it up or names the pins.)
    """
    pinned = set(idx.pinned)
    cohorts = idx.problem.cohorts
    for a, b in idx.clash_arcs:
        if a in pinned and b in pinned:
            raise InfeasibleInputError(
                f"pinned cohorts {cohorts[idx.arc_cohort[a]].id} and {cohorts[idx.arc_cohort[b]].id} "
                "of the same learner meet at the same time")
    count: dict[int, int] = defaultdict(int)
    for a in pinned:
        count[idx.arc_cohort[a]] += 1
    for ci, n in count.items():
        if rules.over_maximum(cohorts[ci], n):
            raise InfeasibleInputError(f"cohort {cohorts[ci].id} has {n} pinned learners, "
                                       f"more than its maximum {cohorts[ci].max_size}")
    for a, b in idx.trainer_pairs:
        if a in count and b in count:
            raise InfeasibleInputError(f"cohorts {cohorts[a].id} and {cohorts[b].id} both have pinned "
                                       f"learners but share trainer {cohorts[a].trainer} at the same time")
