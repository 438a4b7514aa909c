"""Why a learner's component stayed unbooked: the first hard rule that rules out each session."""

from __future__ import annotations

from collections import Counter

from scheduler.exams import constraints as rules
from scheduler.exams.domain import BookedExam, Learner, Problem, Session, Unbooked


def _location_reasons(problem: Problem, x: Learner) -> dict[str, str | None]:
    """Per location, why the learner cannot use it at all (None when they can)."""
    out: dict[str, str | None] = {}
    for loc in problem.locations:
        if not rules.reachable(x, loc):
            out[loc.id] = f"{loc.name} is beyond {x.max_travel_km:.0f} km"
        elif not rules.needs_respected(x, loc):
            out[loc.id] = f"{loc.name} lacks {', '.join(sorted(x.requirements - loc.facilities))}"
        else:
            out[loc.id] = None
    return out


def _session_blockers(problem: Problem, x: Learner, sessions: list[Session], used: Counter,
                      own_days: set) -> Counter:
    """Count, over the sessions of one component, the first reason each is out of reach."""
    locs = {loc.id: loc for loc in problem.locations}
    per_loc = _location_reasons(problem, x)
    why: Counter[str] = Counter()
    for s in sessions:
        if per_loc[s.location] is not None:
            why[str(per_loc[s.location])] += 1
        elif not rules.within_window(x, s.day):
            why[f"outside {x.ready} .. {x.deadline}"] += 1
        elif not rules.location_open(problem, locs[s.location], s.day):
            why["closed (public holiday or closed date)"] += 1
        elif s.day in x.unavailable:
            why["learner cannot come that day"] += 1
        elif used[s.id] >= s.seats:
            why["all seats taken"] += 1
        elif s.day in own_days:
            why["another trip of the learner is on that day"] += 1
        else:
            why["would not fit this learner's day groups or travel trade-off"] += 1
    return why


def diagnose(problem: Problem, bookings: list[BookedExam]) -> list[Unbooked]:
    """Every needed component without a booking, with the reasons across all its sessions."""
    used = Counter(b.session for b in bookings)
    by_comp: dict[str, list[Session]] = {}
    for s in problem.sessions:
        by_comp.setdefault(s.component, []).append(s)
    memo: dict[tuple, tuple[str, ...]] = {}
    mine: dict[str, dict[str, BookedExam]] = {}
    for b in bookings:
        mine.setdefault(b.learner, {})[b.component] = b
    out = []
    for x in problem.learners:
        booked = mine.get(x.id, {})
        days = {b.day for b in booked.values()}
        for comp in x.needs:
            if comp in booked:
                continue
            key = (comp, x.home, x.max_travel_km, x.requirements, x.ready, x.deadline,
                   x.unavailable, frozenset(days))
            if key not in memo:
                why = _session_blockers(problem, x, by_comp.get(comp, []), used, days)
                memo[key] = tuple(f"{comp}: {n} session(s): {text}" for text, n in why.most_common())
            out.append(Unbooked(x.id, comp, memo[key] or (f"{comp}: no session offered at all",)))
    return out
