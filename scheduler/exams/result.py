"""Turn an assignment into named bookings, pinned ones included, each with attempt and fee."""

from __future__ import annotations

from scheduler.exams import constraints as rules
from scheduler.exams.domain import BookedExam
from scheduler.exams.greedy import Assignment
from scheduler.exams.model import Prepared


def booked_exam(prep: Prepared, learner: str, component: str, s: int, pinned: bool) -> BookedExam:
    """One named booking with its attempt number and fee."""
    x, sess, settings = prep.learner[learner], prep.sessions[s], prep.problem.settings
    attempt, fee = rules.fee_for(x, component, settings.free_attempts,
                                 settings.fee_per_component_eur)
    return BookedExam(learner, component, sess.id, sess.location, sess.day, sess.start, attempt,
                      fee, pinned)


def to_solution(prep: Prepared, state: Assignment) -> list[BookedExam]:
    """All bookings sorted by learner, date and start time."""
    out = [booked_exam(prep, lid, comp, s, True) for lid, comp, s in prep.pinned]
    for lid, trips in state.trips.items():
        cl_groups = _groups_of(prep, lid)
        for g, (option, slots) in trips.items():
            for j in slots:
                out.append(booked_exam(prep, lid, cl_groups[g][j], int(prep.opt_sess[option, j]), False))
    return sorted(out, key=lambda b: (b.learner, b.day, b.start))


def _groups_of(prep: Prepared, learner: str) -> list[tuple[str, ...]]:
    return prep.classes[prep.class_of[learner]].groups
