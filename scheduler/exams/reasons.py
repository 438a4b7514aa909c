"""Why a component stayed unbooked, as codes with parameters and their English sentences.

A reason counts the sessions of a component that one rule rules out ("lezen: 12 session(s): all
seats taken"); the rule is the code, its details (location, km, dates) the parameters. `ENGLISH`
words each code exactly as the diagnosis always has (the CLI prints these sentences). The portal
words the same codes in Dutch (`provider_portal/solver_reasons.py`); docs/exams.md lists them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from scheduler.common.reasons import English, Reason, render

TOO_FAR = "exams.too_far"
MISSING_FACILITIES = "exams.missing_facilities"
OUTSIDE_WINDOW = "exams.outside_window"
CLOSED = "exams.closed"
LEARNER_UNAVAILABLE = "exams.learner_unavailable"
SEATS_TAKEN = "exams.seats_taken"
OTHER_TRIP = "exams.other_trip"
NO_FIT = "exams.no_fit"
NO_SESSION = "exams.no_session"

# What rules a session out, said after "{component}: {sessions} session(s): ".
_BLOCKED: dict[str, English] = {
    TOO_FAR: lambda p: f"{p['location']} is beyond {p['km']:.0f} km",
    MISSING_FACILITIES: lambda p: f"{p['location']} lacks {', '.join(p['missing'])}",
    OUTSIDE_WINDOW: lambda p: f"outside {p['ready']} .. {p['deadline']}",
    CLOSED: lambda p: "closed (public holiday or closed date)",
    LEARNER_UNAVAILABLE: lambda p: "learner cannot come that day",
    SEATS_TAKEN: lambda p: "all seats taken",
    OTHER_TRIP: lambda p: "another trip of the learner is on that day",
    NO_FIT: lambda p: "would not fit this learner's day groups or travel trade-off",
}


def _counted(blocked: English) -> English:
    return lambda p: f"{p['component']}: {p['sessions']} session(s): {blocked(p)}"


ENGLISH: dict[str, English] = {
    **{code: _counted(blocked) for code, blocked in _BLOCKED.items()},
    NO_SESSION: lambda p: f"{p['component']}: no session offered at all",
}
BLOCKERS = tuple(_BLOCKED)


def text(reason: Reason) -> str:
    """The reason's English sentence."""
    return render(ENGLISH, reason)


Blocker = tuple[str, tuple[tuple[str, object], ...]]  # (code, parameters) of one ruled-out session


def too_far(location: str, km: float) -> Blocker:
    """The location is beyond the learner's travel distance."""
    return TOO_FAR, (("location", location), ("km", km))


def missing_facilities(location: str, missing: Sequence[str]) -> Blocker:
    """The location lacks facilities the learner needs (sorted names)."""
    return MISSING_FACILITIES, (("location", location), ("missing", tuple(missing)))


def outside_window(ready: date, deadline: date) -> Blocker:
    """The session's day is outside the learner's [ready, deadline]."""
    return OUTSIDE_WINDOW, (("ready", ready.isoformat()), ("deadline", deadline.isoformat()))


def blocked(code: str) -> Blocker:
    """A rule without details: CLOSED, LEARNER_UNAVAILABLE, SEATS_TAKEN, OTHER_TRIP or NO_FIT."""
    assert code in _BLOCKED, code
    return code, ()


def sessions_blocked(component: str, sessions: int, blocker: Blocker) -> Reason:
    """`sessions` sessions of the component are ruled out by `blocker`."""
    code, params = blocker
    return Reason(code, {"component": component, "sessions": sessions, **dict(params)})


def no_session(component: str) -> Reason:
    """The problem offers no session of the component at all."""
    return Reason(NO_SESSION, {"component": component})


# Why an existing (published, unpinned) booking was not kept: a re-solve's report of what moved.
CANNOT_KEEP = "exams.cannot_keep"
MOVED_FOR_BETTER_PLAN = "exams.moved_for_better_plan"


def cannot_keep(component: str, session: str, blocker: Blocker) -> Reason:
    """The booking is now impossible: `blocker` (its code and details) rules its session out."""
    code, params = blocker
    return Reason(CANNOT_KEEP, {"component": component, "session": session, "rule": code,
                                **dict(params)})


def moved_for_better_plan(component: str, session: str, to: str | None) -> Reason:
    """The booking could have been kept; the optimiser moved (or dropped) it for a better plan."""
    return Reason(MOVED_FOR_BETTER_PLAN, {"component": component, "session": session, "to": to})


def move_text(reason: Reason) -> str:
    """A move's English sentence."""
    p = reason.params
    if reason.code == CANNOT_KEEP:
        return f"{p['component']} in {p['session']}: can no longer be kept: {_BLOCKED[p['rule']](p)}"
    where = f"moved to {p['to']}" if p["to"] else "dropped"
    return f"{p['component']} in {p['session']}: {where} for a better plan (seats or travel)"
