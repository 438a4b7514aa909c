"""Why a learner-module stayed unplaced, in words a planner can act on."""

from __future__ import annotations

from scheduler.common.geo import haversine_km
from scheduler.sessions import constraints as rules
from scheduler.sessions.domain import Cohort, Learner, Unplaced
from scheduler.sessions.index import Index
from scheduler.sessions.plan import Plan


def _filtered(idx: Index, learner: Learner, module: str) -> list[str]:
    """Apply the pair rules one after another and name the first that leaves nothing."""
    cohorts = [(ci, c) for ci, c in enumerate(idx.problem.cohorts) if c.module == module]
    if not cohorts:
        return [f"{module}: no {module} cohort in the problem"]
    langs = " or ".join(learner.languages)
    cohorts = [(ci, c) for ci, c in cohorts if rules.speaks_language(learner, c)]
    if not cohorts:
        return [f"{module}: no cohort in {langs}"]
    where = f"in {langs} within {learner.max_travel_km:g} km"
    cohorts = [(ci, c) for ci, c in cohorts
               if rules.within_travel(learner, haversine_km(learner.home, c.point))]
    if not cohorts:
        return [f"{module}: no cohort {where}"]
    deadline = learner.deadlines.get(module)
    span = f"starting on or after {learner.earliest_start.isoformat()}" + (
        f" and ending by {deadline.isoformat()}" if deadline else "")
    cohorts = [(ci, c) for ci, c in cohorts if rules.within_dates(learner, c)]
    if not cohorts:
        return [f"{module}: no cohort {where} {span}"]
    return _time_reasons(idx, learner, module, f"{where} {span}", cohorts)


def _time_reasons(idx: Index, learner: Learner, module: str, where: str,
                  cohorts: list[tuple[int, Cohort]]) -> list[str]:
    n = len(cohorts)
    fitting = [(ci, c) for ci, c in cohorts if rules.inside_availability(learner, idx.cohort_slots[ci])]
    if not fitting:
        slots = ", ".join(sorted(f"{d} {p.value}" for ci, _ in cohorts
                                 for d, p in idx.cohort_slots[ci] - learner.availability))
        return [f"{module}: {n} cohort(s) {where}, but none inside the learner's availability "
                f"(they meet {slots})"]
    return [f"{module}: {len(fitting)} cohort(s) {where} fit the availability, "
            "but all clash with the learner's busy times"]


def _capacity_reasons(plan: Plan, lm: int) -> list[str]:
    """For a learner with reachable cohorts: are they full, not running, or clashing?"""
    idx, module = plan.idx, plan.idx.lms[lm][1]
    arcs = idx.lm_arcs[lm]
    full = closed = clash = trainer = room = 0
    for arc in arcs:
        ci = idx.arc_cohort[arc]
        if plan.clashes(arc):
            clash += 1
        elif plan.size[ci] >= idx.problem.cohorts[ci].max_size:
            full += 1
        elif plan.size[ci] == 0 and not plan.trainer_free(ci):
            trainer += 1
        elif plan.size[ci] == 0:
            closed += 1
        else:
            room += 1
    if full == len(arcs):
        return [f"{module}: all {len(arcs)} reachable cohorts are full"]
    parts = [(full, "full"), (closed, "not running (too few learners for its minimum)"),
             (trainer, "not running (its trainer teaches another cohort then)"),
             (clash, "at the same time as the learner's other cohorts"),
             (room, "running with room (the solver stopped before placing the learner here)")]
    return [f"{module}: {len(arcs)} reachable cohort(s): "
            + "; ".join(f"{k} {what}" for k, what in parts if k)]


def diagnose(idx: Index, plan: Plan) -> tuple[Unplaced, ...]:
    """Reasons for every learner-module the plan leaves without a cohort."""
    out = []
    for lm, arc in enumerate(plan.assign):
        if arc >= 0:
            continue
        li, module = idx.lms[lm]
        learner = idx.problem.learners[li]
        reasons = _capacity_reasons(plan, lm) if idx.lm_arcs[lm] else _filtered(idx, learner, module)
        out.append(Unplaced(learner.id, module, tuple(reasons)))
    return tuple(out)
