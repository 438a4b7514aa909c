"""Re-solves: the published plan as the first incumbent, and which existing bookings moved and why.

`keep_plan` keeps every unpinned existing booking that may still be kept (the learner's day groups,
seats, one trip a day), in the greedy's learner order; what it cannot keep is now impossible, and
`moves` names the rule that rules each such booking out. The solver starts from this plan topped up
greedily, so a re-solve never scores below keeping what was published minus the impossible.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from scheduler.exams import reasons as why
from scheduler.exams.constraints import has_seat, trip_day_keys
from scheduler.exams.diagnosis import first_blocker
from scheduler.exams.domain import BookedExam, Moved, Problem
from scheduler.exams.greedy import Assignment, learner_order
from scheduler.exams.model import Prepared


def keep_plan(prep: Prepared) -> tuple[Assignment, np.ndarray]:
    """Every existing unpinned booking the day-group model can keep, and nothing else; and the seats
    per session of the other existing bookings (a group split over days: `top_up` restores those).
    """
    sidx = {s.id: i for i, s in enumerate(prep.problem.sessions)}
    wanted = {(b.learner, b.component): sidx[b.session] for b in prep.problem.bookings if not b.pinned}
    state = Assignment(prep.cap.copy())
    reserved = np.zeros(len(prep.cap), dtype=np.int64)
    if not wanted:
        return state, reserved
    starts = np.append(prep.cg_starts, len(prep.opt_cg))
    for learner, ci in learner_order(prep):
        cl = prep.classes[ci]
        for g, group in enumerate(cl.groups):
            want = np.array([wanted.get((learner, c), -2) for c in group]
                            + [-2] * (prep.opt_sess.shape[1] - len(group)), dtype=np.int64)
            if (want < 0).all():
                continue
            cg = cl.first_group + g
            _keep_group(prep, state, learner, g, np.arange(starts[cg], starts[cg + 1]), want)
            trip = state.trips.get(learner, {}).get(g)
            got = {int(prep.opt_sess[trip[0], j]) for j in trip[1]} if trip else set()
            for s in want[want >= 0].tolist():
                if s not in got and has_seat(int(state.remaining[s] - reserved[s])):
                    reserved[s] += 1
    return state, reserved


def _keep_group(prep: Prepared, state: Assignment, learner: str, g: int, options: np.ndarray,
                want: np.ndarray) -> None:
    """Book the option that keeps most of the group's existing bookings (seats and days allowing)."""
    sess = prep.opt_sess[options]
    match = (sess == want[None, :]) & (sess >= 0) & has_seat(state.remaining[np.maximum(sess, 0)])
    free_day = ~np.isin(trip_day_keys(prep, options), list(state.days_of(prep, learner)))
    count = np.where(free_day, match.sum(axis=1), 0)
    if len(options) == 0 or count.max() == 0:
        return
    best = int(np.argmax(count))
    state.book(prep, learner, g, int(options[best]), tuple(np.flatnonzero(match[best]).tolist()))


def moves(problem: Problem, bookings: list[BookedExam], kept: set[tuple[str, str, str]]) -> list[Moved]:
    """Each existing unpinned booking the plan does not keep exactly: where to, and why.

    `kept` holds the bookings the keep-plan could keep: any other one is now impossible, and the
    reason is the first hard rule that rules its session out; the others moved for a better plan.
    """
    sessions = {s.id: s for s in problem.sessions}
    learners = {x.id: x for x in problem.learners}
    now = {(b.learner, b.component): b.session for b in bookings}
    used = Counter(b.session for b in bookings)
    days: dict[str, set] = {}
    for booked in bookings:
        days.setdefault(booked.learner, set()).add(booked.day)
    out = []
    for b in problem.bookings:
        to = now.get((b.learner, b.component))
        if b.pinned or to == b.session:
            continue
        if (b.learner, b.component, b.session) in kept:
            reason = why.moved_for_better_plan(b.component, b.session, to)
        else:
            s = sessions[b.session]
            others = days.get(b.learner, set()) - ({sessions[to].day} if to else set())
            blocker = first_blocker(problem, learners[b.learner], s, used, others)
            reason = why.cannot_keep(b.component, b.session, blocker)
        out.append(Moved(b.learner, b.component, b.session, to, why.move_text(reason), reason))
    return out
