"""Why a learner-module stayed unplaced, as codes with parameters and their English sentences.

One constructor per code keeps the parameter names in one place; `ENGLISH` words each code exactly
as the diagnosis always has (the CLI prints these sentences and tests read them). The portal words
the same codes in Dutch (`provider_portal/solver_reasons.py`); docs/sessions.md lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scheduler.common.reasons import English, Params, Reason, render

NO_COHORT_FOR_MODULE = "sessions.no_cohort_for_module"
NO_COHORT_IN_LANGUAGE = "sessions.no_cohort_in_language"
NO_COHORT_WITHIN_REACH = "sessions.no_cohort_within_reach"
NO_COHORT_WITHIN_DATES = "sessions.no_cohort_within_dates"
PUBLIC_HOLIDAY = "sessions.public_holiday"
OUTSIDE_AVAILABILITY = "sessions.outside_availability"
BUSY_TIMES = "sessions.busy_times"
ALL_FULL = "sessions.all_full"
REACHABLE_COHORTS = "sessions.reachable_cohorts"

# What became of a reachable cohort (the `outcomes` of REACHABLE_COHORTS), in the order they are told.
OUTCOMES = {
    "full": "full",
    "below_minimum": "not running (too few learners for its minimum)",
    "not_opened": "not running, although enough unplaced learners fit it to reach its minimum",
    "trainer_busy": "not running (its trainer teaches another cohort then)",
    "clash": "at the same time as the learner's other cohorts",
    "room": "running with room (the solver stopped before placing the learner here)",
    "room_costly": "running with room, but placing the learner there would lower the objective",
}


def _where(p: Params) -> str:
    return f"in {' or '.join(p['languages'])} within {p['km']:g} km"


def _span(p: Params) -> str:
    end = f" and ending by {p['deadline']}" if p["deadline"] else ""
    return f"starting on or after {p['start']}{end}"


def _slots(p: Params) -> str:
    return ", ".join(f"{day} {part}" for day, part in p["slots"])


ENGLISH: dict[str, English] = {
    NO_COHORT_FOR_MODULE: lambda p: f"{p['module']}: no {p['module']} cohort in the problem",
    NO_COHORT_IN_LANGUAGE: lambda p: f"{p['module']}: no cohort in {' or '.join(p['languages'])}",
    NO_COHORT_WITHIN_REACH: lambda p: f"{p['module']}: no cohort {_where(p)}",
    NO_COHORT_WITHIN_DATES: lambda p: f"{p['module']}: no cohort {_where(p)} {_span(p)}",
    PUBLIC_HOLIDAY: lambda p: (f"{p['module']}: {p['cohorts']} cohort(s) {_where(p)} {_span(p)}, "
                               f"but all meet on a public holiday ({', '.join(p['dates'])})"),
    OUTSIDE_AVAILABILITY: lambda p: (f"{p['module']}: {p['cohorts']} cohort(s) {_where(p)} {_span(p)}, "
                                     f"but none inside the learner's availability (they meet {_slots(p)})"),
    BUSY_TIMES: lambda p: (f"{p['module']}: {p['cohorts']} cohort(s) {_where(p)} {_span(p)} fit the "
                           "availability, but all clash with the learner's busy times"),
    ALL_FULL: lambda p: f"{p['module']}: all {p['cohorts']} reachable cohorts are full",
    REACHABLE_COHORTS: lambda p: (f"{p['module']}: {p['cohorts']} reachable cohort(s): "
                                  + "; ".join(f"{n} {OUTCOMES[kind]}" for n, kind in p["outcomes"])),
}


def text(reason: Reason) -> str:
    """The reason's English sentence."""
    return render(ENGLISH, reason)


def _reach(languages: Sequence[str], km: float) -> dict[str, object]:
    return {"languages": list(languages), "km": km}


def _dates(start: date, deadline: date | None) -> dict[str, object]:
    return {"start": start.isoformat(), "deadline": deadline.isoformat() if deadline else None}


def no_cohort_for_module(module: str) -> Reason:
    """The problem has no cohort of the module at all."""
    return Reason(NO_COHORT_FOR_MODULE, {"module": module})


def no_cohort_in_language(module: str, languages: Sequence[str]) -> Reason:
    """No cohort of the module is taught in any of the learner's languages."""
    return Reason(NO_COHORT_IN_LANGUAGE, {"module": module, "languages": list(languages)})


def no_cohort_within_reach(module: str, languages: Sequence[str], km: float) -> Reason:
    """Cohorts in the language exist, none within the learner's travel distance."""
    return Reason(NO_COHORT_WITHIN_REACH, {"module": module, **_reach(languages, km)})


def no_cohort_within_dates(module: str, languages: Sequence[str], km: float, start: date,
                           deadline: date | None) -> Reason:
    """Reachable cohorts exist, none between the earliest start and the module's deadline (if any)."""
    return Reason(NO_COHORT_WITHIN_DATES,
                  {"module": module, **_reach(languages, km), **_dates(start, deadline)})


def public_holiday(module: str, cohorts: int, languages: Sequence[str], km: float, start: date,
                   deadline: date | None, dates: Sequence[str]) -> Reason:
    """Cohorts fit language, distance and dates, but all meet on a public holiday (`dates`: ISO)."""
    return Reason(PUBLIC_HOLIDAY, {"module": module, "cohorts": cohorts, **_reach(languages, km),
                                   **_dates(start, deadline), "dates": list(dates)})


def outside_availability(module: str, cohorts: int, languages: Sequence[str], km: float, start: date,
                         deadline: date | None, slots: Sequence[tuple[str, str]]) -> Reason:
    """Cohorts fit language, distance and dates, but meet outside the availability (`slots`: day, part)."""
    return Reason(OUTSIDE_AVAILABILITY, {"module": module, "cohorts": cohorts, **_reach(languages, km),
                                         **_dates(start, deadline), "slots": [list(s) for s in slots]})


def busy_times(module: str, cohorts: int, languages: Sequence[str], km: float, start: date,
               deadline: date | None) -> Reason:
    """Cohorts fit everything up to the availability, but clash with the learner's busy times."""
    return Reason(BUSY_TIMES, {"module": module, "cohorts": cohorts, **_reach(languages, km),
                               **_dates(start, deadline)})


def all_full(module: str, cohorts: int) -> Reason:
    """Every cohort the learner could join is full."""
    return Reason(ALL_FULL, {"module": module, "cohorts": cohorts})


def reachable_cohorts(module: str, cohorts: int, outcomes: Sequence[tuple[int, str]]) -> Reason:
    """What became of the reachable cohorts: (count, kind) pairs, kinds from OUTCOMES, counts > 0."""
    assert all(kind in OUTCOMES for _, kind in outcomes), outcomes
    return Reason(REACHABLE_COHORTS, {"module": module, "cohorts": cohorts,
                                      "outcomes": [[n, kind] for n, kind in outcomes]})
