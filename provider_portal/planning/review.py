"""What a planner reviews after a run: cohorts with their groups, travel, unplaced learners with
the diagnosis's reasons, and what changes against the published plan."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, col

from provider_portal.charts import Series, bar_chart
from provider_portal.models import Learner, Placement, PlanRun
from provider_portal.solver_reasons import reason_texts, spelled_out
from scheduler.common.geo import haversine_km
from scheduler.sessions import domain as sd
from scheduler.sessions.io import review_parts, solution_from_json


@dataclass
class CohortGroup:
    cohort: sd.Cohort
    members: list[tuple[str, float]] = field(default_factory=list)  # (name, km)

    @property
    def runs(self) -> bool:
        return bool(self.members)


@dataclass
class Review:
    solution: sd.Solution
    groups: list[CohortGroup]
    unplaced: list[tuple[str, str, tuple[str, ...]]]  # (name, module, reasons in the reader's language)
    changes: dict[str, int]
    moves: list[tuple[str, str, str, str]]  # (name, module, from cohort, to cohort)
    travel_km: float
    kinds: list[tuple[str, ...]] = field(default_factory=list)  # reason codes per unplaced row

    @property
    def reason_counts(self) -> list[tuple[str, int]]:
        """Each kind of reason for not placing, with how many learner-modules it holds back (most
        first); one with two kinds of reason counts under both. The detailed sentences are in
        `unplaced`."""
        counts: Counter[str] = Counter()
        for codes in self.kinds:
            counts.update({str(REASON_KIND.get(c, OTHER_REASON)) for c in codes} or {str(UNEXPLAINED)})
        return sorted(counts.items(), key=lambda rc: (-rc[1], rc[0]))

    @property
    def travel_bands(self) -> list[tuple[str, int]]:
        """How many placements fall in each travel-distance band (km, one way)."""
        kms = [km for g in self.groups for _name, km in g.members]
        return [(label, sum(1 for km in kms if low <= km < high)) for label, low, high in TRAVEL_BANDS]


# The kind of each sessions reason code, as a short headline for the counts
REASON_KIND = {
    "sessions.no_cohort_for_module": _l("No cohort for the module in this run"),
    "sessions.no_cohort_in_language": _l("No cohort in the learner's language"),
    "sessions.no_cohort_within_reach": _l("No cohort within travel distance"),
    "sessions.no_cohort_within_dates": _l("No cohort within the learner's dates"),
    "sessions.outside_availability": _l("No cohort inside the learner's availability"),
    "sessions.busy_times": _l("Cohorts clash with the learner's lessons"),
    "sessions.public_holiday": _l("Cohorts meet on a public holiday"),
    "sessions.all_full": _l("All reachable cohorts are full"),
    "sessions.reachable_cohorts": _l("Reachable cohorts do not run or clash with other cohorts"),
}
OTHER_REASON = _l("Other reason (see the list)")
UNEXPLAINED = _l("No single blocking reason (seats, cost or the plan as a whole)")

# (label, from km inclusive, to km exclusive)
TRAVEL_BANDS = (("0–5", 0.0, 5.0), ("5–10", 5.0, 10.0), ("10–15", 10.0, 15.0), ("15–25", 15.0, 25.0),
                ("25+", 25.0, float("inf")))


def travel_chart(review: Review) -> str:
    """The travel-distance distribution of the placed learners, as a chart with its table."""
    bands = review.travel_bands
    if not any(n for _label, n in bands):
        return ""
    return bar_chart([label for label, _n in bands],
                     [Series(_("Placements"), "hours", [float(n) for _label, n in bands])],
                     title=_("Travel distance of the placed learners"), unit=_("placements"),
                     value=lambda v: str(round(v)), category_head=_("Distance (km)"), chart_id="travel-chart")


def build_review(session: Session, run: PlanRun) -> Review:
    """The run's result in the planner's terms (learner names through the tenant filter)."""
    (cohorts, homes), solution = review_parts(run.problem), solution_from_json(run.solution)
    names = dict(
        session.execute(
            sa.select(col(Learner.id), col(Learner.first_name) + " " + col(Learner.last_name)).where(
                col(Learner.id).in_([int(i) for i in homes])
            )
        ).all()
    )
    name = {key: names.get(int(key), f"#{key}") for key in homes}
    groups = {c.id: CohortGroup(c) for c in cohorts}
    travel = 0.0
    for a in solution.assignments:
        km = haversine_km(homes[a.learner], groups[a.cohort].cohort.point)
        groups[a.cohort].members.append((name[a.learner], km))
        travel += km
    for group in groups.values():
        group.members.sort()
    rows = sorted(
        ((name[u.learner], u.module, reason_texts(u.reasons, u.reason_codes, spelled_out)),
         tuple(r.code for r in u.reason_codes))
        for u in solution.unplaced
    )
    unplaced, kinds = [row for row, _codes in rows], [codes for _row, codes in rows]
    changes, moves = _changes(session, solution, name, {c.id: c.location for c in cohorts})
    ordered = sorted(groups.values(), key=lambda g: (g.cohort.module, g.cohort.first_day, g.cohort.id))
    return Review(solution, ordered, unplaced, changes, moves, travel, kinds)


def _changes(
    session: Session, solution: sd.Solution, name: dict[str, str], venues: dict[str, str]
) -> tuple[dict[str, int], list[tuple[str, str, str, str]]]:
    published = {  # plain columns: thousands of ORM instances cost seconds
        (str(learner), module): str(cohort)
        for learner, module, cohort in session.execute(
            sa.select(col(Placement.learner_id), col(Placement.module), col(Placement.cohort_id)).where(
                col(Placement.learner_id).in_([int(k) for k in name]))
        )
    }
    planned = {(a.learner, a.module): a.cohort for a in solution.assignments}
    counts = {"new": 0, "kept": 0, "moved": 0, "dropped": 0}
    moves = []
    for key, cohort in planned.items():
        before = published.get(key)
        if before is None:
            counts["new"] += 1
        elif before == cohort:
            counts["kept"] += 1
        else:
            counts["moved"] += 1
            moves.append((name[key[0]], key[1], venues.get(before, before), venues.get(cohort, cohort)))
    counts["dropped"] = sum(1 for key in published if key not in planned)
    return counts, sorted(moves)
