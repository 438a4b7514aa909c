"""A mutable plan over the index: who sits where, cohort sizes, and its objective."""

from __future__ import annotations

from scheduler.sessions import constraints as rules
from scheduler.sessions.domain import Assignment
from scheduler.sessions.index import Index


class Plan:
    """Assignment of learner-modules to arcs (-1: unplaced) with cohort sizes kept in step."""

    def __init__(self, idx: Index, assign: list[int] | None = None) -> None:
        self.idx = idx
        self.assign = [-1] * len(idx.lms) if assign is None else list(assign)
        self.size = [0] * len(idx.problem.cohorts)
        for arc in self.assign:
            if arc >= 0:
                self.size[idx.arc_cohort[arc]] += 1

    def copy(self) -> Plan:
        """An independent copy sharing the index."""
        return Plan(self.idx, self.assign)

    def place(self, lm: int, arc: int) -> None:
        """Put a learner-module on an arc (or -1 to unplace it)."""
        old = self.assign[lm]
        if old >= 0:
            self.size[self.idx.arc_cohort[old]] -= 1
        self.assign[lm] = arc
        if arc >= 0:
            self.size[self.idx.arc_cohort[arc]] += 1

    def clashes(self, arc: int) -> bool:
        """True when the arc's learner already sits in a cohort meeting at the same time."""
        return any(self.assign[self.idx.arc_lm[b]] == b for b in self.idx.neighbours[arc])

    def trainer_free(self, cohort: int) -> bool:
        """True when no running cohort of the same trainer overlaps this one."""
        return rules.trainer_free(self.size[d] for d in self.idx.trainer_partners[cohort])

    def has_room(self, ci: int) -> bool:
        """True when the cohort can take one more learner (size, and its trainer if it is closed)."""
        if not rules.has_seat(self.idx.problem.cohorts[ci], self.size[ci]):
            return False
        return self.size[ci] > 0 or self.trainer_free(ci)

    def fits(self, arc: int) -> bool:
        """True when the arc can be taken without breaking size, clash or trainer rules."""
        return self.has_room(self.idx.arc_cohort[arc]) and not self.clashes(arc)

    def objective(self) -> float:
        """Constant + points of the arcs taken - cost of the cohorts that run."""
        idx = self.idx
        total = idx.constant + sum(idx.arc_score[a] for a in self.assign if a >= 0)
        return float(total - sum(c for c, n in zip(idx.cohort_cost, self.size, strict=True) if n))

    def placed(self) -> int:
        """Number of learner-modules placed."""
        return sum(1 for a in self.assign if a >= 0)

    def assignments(self) -> tuple[Assignment, ...]:
        """The plan as domain assignments, in learner then module order."""
        idx, pinned = self.idx, set(self.idx.pinned)
        out = []
        for lm, arc in enumerate(self.assign):
            if arc >= 0:
                li, module = idx.lms[lm]
                out.append(Assignment(idx.problem.learners[li].id, module,
                                      idx.problem.cohorts[idx.arc_cohort[arc]].id, arc in pinned))
        return tuple(out)
