"""Why a learner's component stayed unbooked: the first hard rule that rules out each session."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from scheduler.exams import constraints as rules
from scheduler.exams import reasons as why
from scheduler.exams.domain import BookedExam, Learner, Problem, Session, Unbooked


def _location_reasons(problem: Problem, x: Learner) -> dict[str, why.Blocker | None]:
    """Per location, why the learner cannot use it at all (None when they can)."""
    out: dict[str, why.Blocker | None] = {}
    for loc in problem.locations:
        if not rules.reachable(x, loc):
            out[loc.id] = why.too_far(loc.name, x.max_travel_km)
        elif not rules.needs_respected(x, loc):
            out[loc.id] = why.missing_facilities(loc.name, sorted(x.requirements - loc.facilities))
        else:
            out[loc.id] = None
    return out


def _session_blockers(problem: Problem, x: Learner, sessions: list[Session], used: Counter,
                      own_days: set) -> Counter[why.Blocker]:
    """Count, over the sessions of one component, the first reason each is out of reach."""
    locs = {loc.id: loc for loc in problem.locations}
    per_loc = _location_reasons(problem, x)
    out: Counter[why.Blocker] = Counter()
    for s in sessions:
        at_location = per_loc[s.location]
        if at_location is not None:
            out[at_location] += 1
        elif not rules.within_window(x, s.day):
            out[why.outside_window(x.ready, x.deadline)] += 1
        elif not rules.location_open(problem, locs[s.location], s.day):
            out[why.blocked(why.CLOSED)] += 1
        elif not rules.learner_can_come(x, s.day):
            out[why.blocked(why.LEARNER_UNAVAILABLE)] += 1
        elif not rules.has_seat(s.seats - used[s.id]):
            out[why.blocked(why.SEATS_TAKEN)] += 1
        elif s.day in own_days:
            out[why.blocked(why.OTHER_TRIP)] += 1
        else:
            out[why.blocked(why.NO_FIT)] += 1
    return out


def first_blocker(problem: Problem, x: Learner, session: Session, used: Counter,
                  own_days: set) -> why.Blocker:
    """The first hard rule that rules `session` out for the learner (NO_FIT when none does)."""
    return next(iter(_session_blockers(problem, x, [session], used, own_days)))


def diagnose(problem: Problem, bookings: list[BookedExam]) -> list[Unbooked]:
    """Every needed component without a booking, with the reasons across all its sessions."""
    used = Counter(b.session for b in bookings)
    by_comp: dict[str, list[Session]] = {}
    for s in problem.sessions:
        by_comp.setdefault(s.component, []).append(s)
    memo: dict[tuple, Unbooked] = {}  # worded once per kind of learner
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
                counts = _session_blockers(problem, x, by_comp.get(comp, []), used, days)
                found = [why.sessions_blocked(comp, n, b) for b, n in counts.most_common()]
                memo[key] = Unbooked.explained("", comp, found or [why.no_session(comp)])
            out.append(replace(memo[key], learner=x.id))
    return out
