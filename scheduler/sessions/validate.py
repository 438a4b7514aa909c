"""Cross-reference checks of a parsed problem: unique ids and references that resolve."""

from __future__ import annotations

from scheduler.common.errors import ProblemInputError
from scheduler.common.ids import unique_ids
from scheduler.sessions.domain import Problem


def check_references(problem: Problem) -> None:
    """Raise ProblemInputError when an id is duplicated or a reference points nowhere."""
    trainers = unique_ids((t.id for t in problem.trainers), "trainers")
    cohorts = unique_ids((c.id for c in problem.cohorts), "cohorts")
    learners = unique_ids((x.id for x in problem.learners), "learners")
    unique_ids((m.code for m in problem.modules), "modules")
    for i, c in enumerate(problem.cohorts):
        if c.trainer not in trainers:
            raise ProblemInputError(f"cohorts[{i}].trainer", f"unknown trainer {c.trainer!r}")
    seen: set[tuple[str, str]] = set()
    for i, a in enumerate(problem.existing):
        where = f"existing[{i}]"
        if a.learner not in learners:
            raise ProblemInputError(f"{where}.learner", f"unknown learner {a.learner!r}")
        if a.cohort not in cohorts:
            raise ProblemInputError(f"{where}.cohort", f"unknown cohort {a.cohort!r}")
        if problem.cohorts[cohorts[a.cohort]].module != a.module:
            raise ProblemInputError(f"{where}.module", f"cohort {a.cohort!r} is not a {a.module} cohort")
        if (a.learner, a.module) in seen:
            raise ProblemInputError(where, f"learner {a.learner!r} has two {a.module} assignments")
        seen.add((a.learner, a.module))
