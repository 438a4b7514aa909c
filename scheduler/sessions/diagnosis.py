"""Why a learner-module stayed unplaced, in words a planner can act on (and as codes to translate)."""

from __future__ import annotations

from scheduler.common.geo import haversine_km
from scheduler.common.reasons import Reason
from scheduler.sessions import constraints as rules
from scheduler.sessions import reasons as why
from scheduler.sessions.domain import Cohort, Learner, Unplaced
from scheduler.sessions.index import Index
from scheduler.sessions.plan import Plan
from scheduler.sessions.polish import joinable


def _filtered(idx: Index, learner: Learner, module: str) -> list[Reason]:
    """Apply the pair rules one after another and name the first that leaves nothing."""
    cohorts = [(ci, c) for ci, c in enumerate(idx.problem.cohorts) if c.module == module]
    if not cohorts:
        return [why.no_cohort_for_module(module)]
    langs, km = learner.languages, learner.max_travel_km
    cohorts = [(ci, c) for ci, c in cohorts if rules.speaks_language(learner, c)]
    if not cohorts:
        return [why.no_cohort_in_language(module, langs)]
    cohorts = [(ci, c) for ci, c in cohorts
               if rules.within_travel(learner, haversine_km(learner.home, c.point))]
    if not cohorts:
        return [why.no_cohort_within_reach(module, langs, km)]
    deadline = learner.deadlines.get(module)
    cohorts = [(ci, c) for ci, c in cohorts if rules.within_dates(learner, c)]
    if not cohorts:
        return [why.no_cohort_within_dates(module, langs, km, learner.earliest_start, deadline)]
    usable = [(ci, c) for ci, c in cohorts if idx.cohort_usable[ci]]
    if not usable:
        dates = sorted({d for _, c in cohorts for d in rules.holiday_meetings(c)})
        return [why.public_holiday(module, len(cohorts), langs, km, learner.earliest_start, deadline,
                                   dates)]
    return _time_reasons(idx, learner, module, usable)


def _time_reasons(idx: Index, learner: Learner, module: str,
                  cohorts: list[tuple[int, Cohort]]) -> list[Reason]:
    where = (learner.languages, learner.max_travel_km, learner.earliest_start, learner.deadlines.get(module))
    fitting = [(ci, c) for ci, c in cohorts if rules.inside_availability(learner, idx.cohort_slots[ci])]
    if not fitting:
        slots = sorted((d, p.value) for ci, _ in cohorts
                       for d, p in idx.cohort_slots[ci] - learner.availability)
        return [why.outside_availability(module, len(cohorts), *where, slots)]
    return [why.busy_times(module, len(fitting), *where)]


def _capacity_reasons(plan: Plan, lm: int, joiners: dict[int, int]) -> list[Reason]:
    """For a learner with reachable cohorts: are they full, not running, or clashing?

    A closed cohort is "too few learners for its minimum" only when the unplaced learner-modules
    that fit it now (this one included) are fewer than its minimum; else it was not opened.
    """
    idx, module = plan.idx, plan.idx.lms[lm][1]
    arcs = idx.lm_arcs[lm]
    full = closed = unopened = clash = trainer = room = costly = 0
    for arc in arcs:
        ci = idx.arc_cohort[arc]
        if plan.clashes(arc):
            clash += 1
        elif not rules.has_seat(idx.problem.cohorts[ci], plan.size[ci]):
            full += 1
        elif plan.size[ci] == 0 and not plan.trainer_free(ci):
            trainer += 1
        elif plan.size[ci] == 0:
            if ci not in joiners:
                joiners[ci] = len(joinable(plan, ci))
            if rules.enough_to_open(idx.problem.cohorts[ci], joiners[ci]):
                unopened += 1
            else:
                closed += 1
        else:
            if idx.arc_score[arc] > 0:
                room += 1  # only in a plan the final fill pass has not seen
            else:
                costly += 1
    if full == len(arcs):
        return [why.all_full(module, len(arcs))]
    parts = [(full, "full"), (closed, "below_minimum"), (unopened, "not_opened"),
             (trainer, "trainer_busy"), (clash, "clash"), (room, "room"), (costly, "room_costly")]
    return [why.reachable_cohorts(module, len(arcs), [(k, kind) for k, kind in parts if k])]


def diagnose(idx: Index, plan: Plan) -> tuple[Unplaced, ...]:
    """Reasons for every learner-module the plan leaves without a cohort."""
    out = []
    joiners: dict[int, int] = {}  # closed cohort -> unplaced learner-modules that fit it
    for lm, arc in enumerate(plan.assign):
        if arc >= 0:
            continue
        li, module = idx.lms[lm]
        learner = idx.problem.learners[li]
        reasons = (_capacity_reasons(plan, lm, joiners) if idx.lm_arcs[lm]
                   else _filtered(idx, learner, module))
        out.append(Unplaced.explained(learner.id, module, reasons))
    return tuple(out)
