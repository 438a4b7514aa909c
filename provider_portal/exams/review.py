"""An exam run in the planner's terms: rosters per location and day, invitations per learner,
unbooked components with reasons, and extra attempts flagged with their fee."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import ExamLocation, Learner, PlanRun
from provider_portal.solver_reasons import reason_texts
from scheduler.exams.io import unbooked_from_solution_json


@dataclass
class ExamReview:
    summary: dict[str, object]
    rosters: dict[tuple[str, str], list[tuple[str, str, str]]]  # (location, day) -> (start, component, name)
    invitations: dict[str, list[dict[str, object]]]  # name -> bookings
    unbooked: list[tuple[str, str, list[str]]]  # (name, component, reasons in the reader's language)
    fees_eur: int
    location_codes: dict[str, str] | None = None  # location name -> code
    location_ids: dict[str, int] | None = None  # location name -> id, for the documents' links

    @property
    def location_names(self) -> dict[str, str]:
        return {code: name for name, code in (self.location_codes or {}).items()}


def build_exam_review(session: Session, run: PlanRun) -> ExamReview:
    """Group the run's bookings for reading; learner names come through the tenant filter."""
    solution = run.solution or {}
    ids = {int(x["id"]) for x in run.problem["learners"]}
    names = {
        str(k): v
        for k, v in session.execute(
            sa.select(col(Learner.id),
                col(Learner.first_name) + " " + col(Learner.last_name)).where(col(Learner.id).in_(ids))
        ).all()
    }
    locations = {x["id"]: x["name"] for x in run.problem["locations"]}
    rosters: dict[tuple[str, str], list[tuple[str, str, str]]] = defaultdict(list)
    invitations: dict[str, list[dict[str, object]]] = defaultdict(list)
    for b in solution.get("bookings", []):
        name = names.get(b["learner"], f"#{b['learner']}")
        rosters[(locations.get(b["location"], b["location"]), b["date"])].append(
            (b["start"], b["component"], name)
        )
        invitations[name].append({**b, "location": locations.get(b["location"], b["location"])})
    unbooked = sorted(
        (names.get(u.learner, u.learner), u.component, list(reason_texts(u.reasons, u.reason_codes)))
        for u in unbooked_from_solution_json(solution)
    )
    return ExamReview(
        summary={k: solution.get(k) for k in ("status", "objective", "bound", "gap", "seconds")},
        rosters={k: sorted(v) for k, v in sorted(rosters.items(), key=lambda kv: (kv[0][1], kv[0][0]))},
        invitations=dict(sorted(invitations.items())),
        unbooked=unbooked,
        fees_eur=solution.get("fees_eur", 0),
        location_codes={x["name"]: x["id"] for x in run.problem["locations"]},
        location_ids={name: int(i)
                      for name, i in session.execute(sa.select(col(ExamLocation.name),
                          col(ExamLocation.id)))},
    )
