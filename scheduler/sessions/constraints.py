"""The planning rules, one function each: pair filters, model rows and objective terms.

Hard rules about one learner and one cohort decide which assignment variables exist at all;
hard rules that tie variables together add rows to the MIP. Soft rules give points
(maximised) and are documented, with their weights, in docs/sessions.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import overload

import numpy as np
from numpy.typing import NDArray

from scheduler.common.calendar import Interval, is_public_holiday
from scheduler.sessions.domain import Cohort, Learner, Problem, Slot, Weights
from scheduler.sessions.linear import INF, LinearModel

# -- Hard rules on one learner-cohort pair (filters) -------------------------------------------


def needs_module(problem: Problem, learner: Learner, module: str) -> bool:
    """Hard: at most one cohort per module, and only for modules the learner still needs."""
    return problem.needs(learner, module)


def speaks_language(learner: Learner, cohort: Cohort) -> bool:
    """Hard: the cohort is taught in a language the learner follows."""
    return cohort.language in learner.languages


@overload
def within_travel(learner: Learner, km: float) -> bool: ...
@overload
def within_travel(learner: Learner, km: NDArray[np.float64]) -> NDArray[np.bool_]: ...


def within_travel(learner: Learner, km: float | NDArray[np.float64]) -> bool | NDArray[np.bool_]:
    """Hard: the venue lies within the learner's maximum travel distance (one km, or an array)."""
    return km <= learner.max_travel_km


def inside_availability(learner: Learner, cohort_slots: frozenset[Slot]) -> bool:
    """Hard: every meeting falls in day parts the learner said they are available."""
    return cohort_slots <= learner.availability


def clear_of_busy(learner: Learner, cohort: Cohort) -> bool:
    """Hard: no meeting overlaps the learner's busy times (their own classes, work)."""
    return not any(m.overlaps(b) for b in learner.busy for m in cohort.meetings)


def within_dates(learner: Learner, cohort: Cohort) -> bool:
    """Hard: the cohort starts on or after the earliest start and ends by the module's deadline."""
    deadline = learner.deadlines.get(cohort.module)
    if cohort.first_day < learner.earliest_start:
        return False
    return deadline is None or cohort.last_day <= deadline


def holiday_meetings(cohort: Cohort) -> list[str]:
    """The dates (ISO) of the cohort's meetings on Dutch public holidays the planner did not allow."""
    return sorted({m.start.date().isoformat() for m in cohort.meetings
                   if is_public_holiday(m.start.date())
                   and m.start.date() not in cohort.allowed_holidays})


def clear_of_holidays(cohort: Cohort) -> bool:
    """Hard: no meeting on a Dutch public holiday, unless the planner allowed that date for the cohort."""
    return not holiday_meetings(cohort)


# -- Hard rules between cohorts and on cohort sizes (predicates the heuristics share) ------------


def meetings_overlap(a: Interval, b: Interval) -> bool:
    """Hard (clash): two meetings overlap, so no learner and no trainer can attend both."""
    return a.overlaps(b)


def same_trainer(a: Cohort, b: Cohort) -> bool:
    """Hard (trainer): two cohorts taught by the same trainer (who must not be in two places)."""
    return a.trainer == b.trainer


def trainer_free(partner_sizes: Iterable[int]) -> bool:
    """Hard (trainer): a closed cohort may open only while no clashing cohort of its trainer runs."""
    return all(n == 0 for n in partner_sizes)


def has_seat(cohort: Cohort, size: int) -> bool:
    """Hard (size max): a cohort with `size` learners can take one more."""
    return size < cohort.max_size


def over_maximum(cohort: Cohort, size: int) -> bool:
    """Hard (size max): `size` learners are more than the cohort may hold."""
    return size > cohort.max_size


def below_minimum(cohort: Cohort, size: int) -> bool:
    """Hard (size min): a cohort with `size` learners runs (size > 0) with too few to run."""
    return 0 < size < cohort.min_size


def enough_to_open(cohort: Cohort, joiners: int) -> bool:
    """Hard (size min): `joiners` learners are enough for a closed cohort to run."""
    return joiners >= cohort.min_size


def size_bounds(cohorts: Sequence[Cohort]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Hard (size min and max) for array code: per cohort, the fewest learners it runs with and the
    most it holds (a cohort that does not run has none)."""
    return (np.array([c.min_size for c in cohorts], dtype=np.int64),
            np.array([c.max_size for c in cohorts], dtype=np.int64))


# -- Hard rules tying variables together (MIP rows) ---------------------------------------------


def one_cohort_per_module(model: LinearModel, xs: Sequence[int]) -> None:
    """Hard: a learner takes at most one cohort of a module."""
    if len(xs) > 1:
        model.add_row(xs, [1] * len(xs), -INF, 1)


def cohort_size_zero_or_within_bounds(model: LinearModel, y: int, xs: Sequence[int], fixed: int,
                                      low: int, high: int) -> None:
    """Hard: a cohort that runs has min..max learners; one that does not run has none."""
    model.add_row([*xs, y], [1] * len(xs) + [-high], -INF, -fixed)
    model.add_row([*xs, y], [1] * len(xs) + [-low], -fixed, INF)
    for x in xs:
        model.add_row([x, y], [1, -1], -INF, 0)  # tightens the LP a lot (see the probe)


def no_clash_between_own_cohorts(model: LinearModel, a: int, b: int) -> None:
    """Hard: a learner's cohorts for different modules never meet at the same time."""
    model.add_row([a, b], [1, 1], -INF, 1)


def pinned_kept(model: LinearModel, x: int) -> None:
    """Hard: a pinned assignment stays as the planner fixed it."""
    model.var_lb[x] = 1.0


def trainer_in_one_place(model: LinearModel, y_a: int, y_b: int) -> None:
    """Hard: a trainer never runs two cohorts whose meetings overlap."""
    model.add_row([y_a, y_b], [1, 1], -INF, 1)


# -- Soft rules (points, maximised) --------------------------------------------------------------


def placement_reward(problem: Problem, learner: Learner, module: str) -> int:
    """Soft: place every learner, closest deadline first (place + urgency x closeness)."""
    w = problem.weights
    deadline = learner.deadlines.get(module)
    if deadline is None:
        return w.place
    days = (deadline - problem.plan_date).days
    closeness = min(1.0, max(0.0, 1.0 - days / w.urgency_horizon_days))
    return w.place + round(w.urgency * closeness)


def travel_penalty(weights: Weights, km: float) -> int:
    """Soft: less travel (points per km, great-circle distance home to venue)."""
    return round(weights.travel_per_km * km)


def missed_preferences(learner: Learner, cohort_slots: frozenset[Slot], language: str) -> int:
    """Soft: fewer missed preferences (not the first language; outside the preferred day parts)."""
    missed = int(language != learner.languages[0])
    if learner.preferred and not cohort_slots <= learner.preferred:
        missed += 1
    return missed


def cohort_cost(weights: Weights, cohort: Cohort) -> int:
    """Soft: fewer cohorts run (points per euro of the cohort's cost to run)."""
    return round(weights.cohort_cost_per_euro * cohort.cost)


def change_reward(weights: Weights) -> int:
    """Soft: fewer changes against the existing plan (points for keeping an existing assignment)."""
    return weights.change
