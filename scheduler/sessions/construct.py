"""A stronger start than greedy: open the cohorts with the most demand first, fill them with
the learners who have the fewest alternatives, then top up running cohorts.

Greedy sends everyone to the nearest cohort and so spreads learners thin, and thin cohorts
must be dropped; building cohort by cohort keeps groups above their minimum.
"""

from __future__ import annotations

import heapq

from scheduler.sessions import constraints as rules
from scheduler.sessions.greedy import greedy_plan
from scheduler.sessions.index import Index
from scheduler.sessions.plan import Plan


def _open_arcs(plan: Plan, ci: int) -> list[int]:
    """Arcs into `ci` that could be taken now (the cohort's own checks once, not per arc)."""
    if not plan.has_room(ci):
        return []
    assign, arc_lm = plan.assign, plan.idx.arc_lm
    return [a for a in plan.idx.cohort_arcs[ci] if assign[arc_lm[a]] < 0 and not plan.clashes(a)]


def _fill(plan: Plan, ci: int, arcs: list[int], options: list[int]) -> None:
    idx, cohort = plan.idx, plan.idx.problem.cohorts[ci]
    ranked = sorted(arcs, key=lambda a: (options[idx.arc_lm[a]], -idx.arc_score[a], a))
    for arc in ranked:
        if not rules.has_seat(cohort, plan.size[ci]):
            break
        if plan.fits(arc):  # fits again: a learner's own clashes change as we place
            plan.place(idx.arc_lm[arc], arc)
    for lm in {idx.arc_lm[a] for a in idx.cohort_arcs[ci]}:
        options[lm] -= 1


def demand_first_plan(idx: Index, start: Plan) -> Plan:
    """Open cohorts by unplaced demand (largest first, only if it reaches the minimum)."""
    plan = start.copy()
    options = [len(arcs) for arcs in idx.lm_arcs]
    heap = [(-len(arcs), ci) for ci, arcs in enumerate(idx.cohort_arcs) if arcs]
    heapq.heapify(heap)
    while heap:
        key, ci = heapq.heappop(heap)
        if plan.size[ci] > 0 or not plan.trainer_free(ci):
            continue
        arcs = _open_arcs(plan, ci)
        if not rules.enough_to_open(idx.problem.cohorts[ci], len(arcs)):
            continue
        if heap and -len(arcs) > heap[0][0]:
            heapq.heappush(heap, (-len(arcs), ci))  # stale: others now have more demand
            continue
        _fill(plan, ci, arcs, options)
    return greedy_plan(idx, plan)  # top up: nearest running cohort with room, drop thin ones
