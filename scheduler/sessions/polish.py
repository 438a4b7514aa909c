"""Final passes every algorithm ends with: fill free seats, then (for the solver) open cohorts.

A window MIP stopped by its time limit, or a greedy plan, can leave a learner-module unplaced
although a running cohort with a free seat would take it under every rule; `fill_running` adds
those (best-scoring seat first, learners in deadline order). One pass is enough: placing someone
only takes seats and adds clashes, so a learner who fits no seat now never fits one later.
`open_closed` runs a closed cohort when enough unplaced learners fit it to reach its minimum and
running it scores more than it costs. Both only add what raises the objective (with the default
weights every placement does), and neither touches a pin.
"""

from __future__ import annotations

from scheduler.sessions import constraints as rules
from scheduler.sessions.greedy import deadline_order
from scheduler.sessions.plan import Plan


def fill_running(plan: Plan) -> int:
    """Place unplaced learner-modules in running cohorts with room; returns how many were added."""
    idx, added = plan.idx, 0
    for lm in deadline_order(idx):
        if plan.assign[lm] >= 0:
            continue
        best = -1
        for arc in idx.lm_arcs[lm]:
            ci = idx.arc_cohort[arc]
            if (plan.size[ci] > 0 and idx.arc_score[arc] > 0 and plan.fits(arc)
                    and (best < 0 or idx.arc_score[arc] > idx.arc_score[best])):
                best = arc
        if best >= 0:
            plan.place(lm, best)
            added += 1
    return added


def joinable(plan: Plan, ci: int) -> list[int]:
    """Arcs into cohort `ci` of unplaced learner-modules that fit it now (without other joiners)."""
    idx = plan.idx
    return [a for a in idx.cohort_arcs[ci] if plan.assign[idx.arc_lm[a]] < 0 and not plan.clashes(a)]


def _opening(plan: Plan, ci: int) -> tuple[float, list[int]]:
    """The best learners to open `ci` with, and what opening it gains (0 if it cannot open)."""
    idx, cohort = plan.idx, plan.idx.problem.cohorts[ci]
    if plan.size[ci] > 0 or not plan.trainer_free(ci):
        return 0.0, []
    arcs = sorted(joinable(plan, ci), key=lambda a: (-idx.arc_score[a], a))
    if not rules.enough_to_open(cohort, len(arcs)):
        return 0.0, []
    take = arcs[:cohort.min_size] + [a for a in arcs[cohort.min_size:cohort.max_size]
                                     if idx.arc_score[a] > 0]
    return float(sum(idx.arc_score[a] for a in take) - idx.cohort_cost[ci]), take


def open_closed(plan: Plan) -> int:
    """Open closed cohorts that enough unplaced learners fit, best gain first; returns how many."""
    idx, opened = plan.idx, 0
    cohorts, assign, arc_lm = idx.problem.cohorts, plan.assign, idx.arc_lm
    # a cheap first cut (unplaced learners only, clashes ignored); it only shrinks as cohorts open
    candidates = [ci for ci, arcs in enumerate(idx.cohort_arcs) if plan.size[ci] == 0
                  and rules.enough_to_open(cohorts[ci], sum(1 for a in arcs if assign[arc_lm[a]] < 0))]
    while candidates:
        best_gain, best = 0.0, []
        for ci in candidates:
            gain, take = _opening(plan, ci)
            if gain > best_gain:
                best_gain, best = gain, take
        if not best:
            break
        # learners of one cohort are distinct and only its own seats are taken: all still fit
        for arc in best:
            plan.place(idx.arc_lm[arc], arc)
        opened += 1
        candidates = [ci for ci in candidates if plan.size[ci] == 0]
    return opened
