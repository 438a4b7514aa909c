"""The hand-planner's baseline: deadline order, nearest cohort with room, then drop thin cohorts."""

from __future__ import annotations

from datetime import date

from scheduler.sessions import constraints as rules
from scheduler.sessions.index import Index
from scheduler.sessions.plan import Plan

FAR = date(9999, 12, 31)


def deadline_order(idx: Index) -> list[int]:
    """Learner-modules by deadline (none: last), then learner id and module."""
    learners = idx.problem.learners

    def key(lm: int) -> tuple[date, str, str]:
        li, module = idx.lms[lm]
        return (learners[li].deadlines.get(module, FAR), learners[li].id, module)

    return sorted(range(len(idx.lms)), key=key)


def _nearest_fitting(plan: Plan, lm: int, only_running: bool) -> int:
    idx = plan.idx
    for arc in sorted(plan.idx.lm_arcs[lm], key=lambda a: (idx.arc_km[a], a)):
        running = plan.size[idx.arc_cohort[arc]] > 0
        if plan.fits(arc) and (running or not only_running):
            return arc
    return -1


def _close_thin_cohorts(plan: Plan) -> list[int]:
    """Unplace everyone in cohorts below their minimum (unless pinned); return who was released."""
    idx, pinned = plan.idx, set(plan.idx.pinned)
    released = []
    for ci, cohort in enumerate(idx.problem.cohorts):
        if rules.below_minimum(cohort, plan.size[ci]) and not any(a in pinned for a in idx.cohort_arcs[ci]
                                                           if plan.assign[idx.arc_lm[a]] == a):
            for arc in idx.cohort_arcs[ci]:
                lm = idx.arc_lm[arc]
                if plan.assign[lm] == arc:
                    plan.place(lm, -1)
                    released.append(lm)
    return released


def greedy_plan(idx: Index, start: Plan | None = None) -> Plan:
    """First come, first served by deadline, each into the nearest cohort that still has room."""
    plan = start.copy() if start is not None else Plan(idx)
    for arc in idx.pinned:
        if plan.assign[idx.arc_lm[arc]] != arc:
            plan.place(idx.arc_lm[arc], arc)
    for lm in deadline_order(idx):
        if plan.assign[lm] < 0:
            plan.place(lm, _nearest_fitting(plan, lm, only_running=False))
    for lm in _close_thin_cohorts(plan):
        plan.place(lm, _nearest_fitting(plan, lm, only_running=True))
    return plan


def repair_existing(idx: Index, start: Plan) -> Plan:
    """Keep every existing assignment that is still allowed, then fill up greedily.

    `start` holds the pins (and whoever tops pinned cohorts up to their minimum).
    """
    plan = start.copy()
    for lm, arc in sorted(idx.existing_arc.items()):
        if plan.assign[lm] < 0 and plan.fits(arc):
            plan.place(lm, arc)
    return greedy_plan(idx, plan)
