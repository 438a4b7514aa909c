"""Trip options per learner class: (group, location, day) with the sessions and points involved."""

from __future__ import annotations

import itertools
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from scheduler.common.geo import haversine_km
from scheduler.exams import constraints as rules
from scheduler.exams.domain import Learner, Problem

if TYPE_CHECKING:  # model imports this module inside prepare(); at run time only _assemble needs it
    from scheduler.exams.model import Extra, LearnerClass, Prepared

CHANGE_KEY = tuple[tuple[str, str], int]
Timetables = dict[str, tuple[np.ndarray, np.ndarray]]
# (location index in the class key, day ordinals, travel points, session matrix, value matrix)
ClassOption = tuple[int, np.ndarray, int, np.ndarray, np.ndarray]
# (class-group pair, location index in the problem, day ordinals, travel, sessions, values)
OptionPart = tuple[int, int, np.ndarray, int, np.ndarray, np.ndarray]
# per day of a learner's pinned bookings: (location, is interview) of each
PinnedTrips = dict[date, list[tuple[str, bool]]]


def reachable_locations(problem: Problem, x: Learner) -> tuple[tuple[str, int], ...]:
    """(location, travel points) for every location the learner may use."""
    return tuple((loc.id, rules.travel_cost(problem.weights, haversine_km(x.home, loc.point)))
                 for loc in problem.locations
                 if rules.reachable(x, loc) and rules.needs_respected(x, loc))


def last_day(problem: Problem) -> date:
    """The last day any session is offered (sessions past the horizon's end still count)."""
    return max((s.day for s in problem.sessions), default=problem.end)


def class_key(problem: Problem, x: Learner, groups: list, pinned_days: frozenset[date],
              existing: dict[tuple[str, str], int], last: date) -> tuple:
    """Everything that makes two learners interchangeable; a learner with bookings stays alone."""
    hi = min(x.deadline, last)
    blocked = frozenset(d for d in x.unavailable if x.ready <= d <= hi)
    own = x.id if pinned_days or any((x.id, c) in existing for g in groups for c in g) else None
    return (tuple(groups), x.ready, hi, rules.booking_value(problem.weights, x, problem.start, x.ready),
            reachable_locations(problem, x), blocked, own)


def _timetables(problem: Problem, cap: np.ndarray) -> Timetables:
    """Per location: open day ordinals and a day x component matrix of usable session indices."""
    comp = {c.id: j for j, c in enumerate(problem.components)}
    locs = {loc.id: loc for loc in problem.locations}
    cells: dict[str, dict[int, dict[int, int]]] = {loc: {} for loc in locs}
    for i, s in enumerate(problem.sessions):
        if rules.has_seat(int(cap[i])) and rules.location_open(problem, locs[s.location], s.day):
            cells[s.location].setdefault(s.day.toordinal(), {})[comp[s.component]] = i
    out = {}
    for loc, days in cells.items():
        ords = np.array(sorted(days), dtype=np.int64)
        grid = np.full((len(ords), len(comp)), -1, dtype=np.int64)
        for r, d in enumerate(ords):
            for j, i in days[int(d)].items():
                grid[r, j] = i
        out[loc] = (ords, grid)
    return out


def _values(problem: Problem, x: Learner, group: tuple[str, ...], key: tuple, sub: np.ndarray,
            days: np.ndarray, existing: dict[tuple[str, str], int]) -> np.ndarray:
    """Points per option slot: booking value after waiting, plus `change` for a kept booking."""
    vals = np.where(sub >= 0, rules.booking_value(problem.weights, x, problem.start, days)[:, None], 0)
    if key[6] is not None:
        for j, c in enumerate(group):
            booked = existing.get((x.id, c), -2)
            vals[:, j] += np.where(sub[:, j] == booked, rules.change_cost(problem.weights), 0)
    return vals


def _pinned_day_rows(problem: Problem, x: Learner, group: tuple[str, ...], key: tuple,
                     tables: Timetables, cols: list[int], pinned: PinnedTrips,
                     existing: dict[tuple[str, str], int]) -> list[ClassOption]:
    """Trips on days the learner already travels for pinned bookings: at that location, no travel."""
    rows: list[ClassOption] = []
    interview = {c.id for c in problem.components if c.interview}
    where = {loc: li for li, (loc, _) in enumerate(key[4])}
    for day, booked in sorted(pinned.items()):
        room = rules.pinned_day_room(x, booked, group[0] in interview)
        if room is None or room[0] not in where or not rules.within_window(x, day) \
                or not rules.learner_can_come(x, day):
            continue
        ords, grid = tables[room[0]]
        at = np.flatnonzero(ords == day.toordinal())
        if len(at) == 0:
            continue
        full, days = grid[at][:, cols], ords[at]
        present = [j for j in range(len(group)) if full[0, j] >= 0]
        # room for fewer than offered: one option per choice of components, so any may be chosen
        for chosen in itertools.combinations(present, min(room[1], len(present))):
            sub = np.where(np.isin(np.arange(len(group)), chosen), full, -1)
            rows.append((where[room[0]], days, 0, sub, _values(problem, x, group, key, sub, days,
                                                                existing)))
    return rows


def _class_options(problem: Problem, x: Learner, group: tuple[str, ...], key: tuple,
                   tables: Timetables, comp: dict[str, int], existing: dict[tuple[str, str], int],
                   pinned: PinnedTrips) -> list[ClassOption]:
    """Options of one (class, group): rows of (loc, day, travel, sessions, values)."""
    rows: list[ClassOption] = []
    pinned_days = np.array(sorted(d.toordinal() for d in pinned), dtype=np.int64)
    cols = [comp[c] for c in group]
    for li, (loc, travel) in enumerate(key[4]):
        ords, grid = tables[loc]
        # a day with pinned bookings takes only trips that join them (`_pinned_day_rows`)
        mask = rules.within_window(x, ords) & rules.learner_can_come(x, ords) \
            & ~np.isin(ords, pinned_days)
        sub, days = grid[mask][:, cols], ords[mask]
        keep = (sub >= 0).any(axis=1)
        sub, days = sub[keep], days[keep]
        rows.append((li, days, travel, sub, _values(problem, x, group, key, sub, days, existing)))
    return rows + _pinned_day_rows(problem, x, group, key, tables, cols, pinned, existing)


def build_options(problem: Problem, classes: list[LearnerClass], learners: dict[str, Learner],
                  pinned: dict[str, PinnedTrips], existing: dict[tuple[str, str], int],
                  extra: Extra) -> Prepared:
    """Fill a Prepared with every option of every (class, group), as flat numpy arrays."""
    tables, last = _timetables(problem, extra["cap"]), last_day(problem)
    comp = {c.id: j for j, c in enumerate(problem.components)}
    loc_index = {loc.id: i for i, loc in enumerate(problem.locations)}
    width = max((len(g) for cl in classes for g in cl.groups), default=1)
    cg_class: list[int] = []
    parts: list[OptionPart] = []
    for ci, cl in enumerate(classes):
        x = learners[cl.members[0]]
        mine = pinned.get(x.id, {})
        key = class_key(problem, x, cl.groups, frozenset(mine), existing, last)
        cl.first_group = len(cg_class)
        for group in cl.groups:
            cg = len(cg_class)
            cg_class.append(ci)
            for li, days, travel, sub, vals in _class_options(problem, x, group, key, tables,
                                                              comp, existing, mine):
                pad = width - sub.shape[1]
                parts.append((cg, loc_index[key[4][li][0]], days, travel,
                              np.pad(sub, ((0, 0), (0, pad)), constant_values=-1),
                              np.pad(vals, ((0, 0), (0, pad)))))
    return _assemble(problem, classes, cg_class, parts, width, learners, extra)


def _assemble(problem: Problem, classes: list[LearnerClass], cg_class: list[int],
              parts: list[OptionPart], width: int, learners: dict[str, Learner],
              extra: Extra) -> Prepared:
    from scheduler.exams.model import Prepared

    def cat(index: int, dtype: npt.DTypeLike = np.int64) -> np.ndarray:
        return np.concatenate([np.full(len(p[2]), p[index]) if np.ndim(p[index]) == 0
                               else p[index] for p in parts]).astype(dtype) if parts else \
            np.zeros(0, dtype=dtype)

    sess = np.concatenate([p[4] for p in parts]) if parts else np.zeros((0, width), np.int64)
    vals = np.concatenate([p[5] for p in parts]) if parts else np.zeros((0, width), np.int64)
    return Prepared(problem=problem, sessions=list(problem.sessions), cap=extra["cap"],
                    comfort=extra["comfort"], classes=classes,
                    cg_class=np.array(cg_class, dtype=np.int64), opt_cg=cat(0), opt_day=cat(2),
                    opt_loc=cat(1), opt_travel=cat(3), opt_sess=sess.astype(np.int64),
                    opt_val=vals.astype(np.int64), const=extra["const"], pinned=extra["pinned"],
                    learner=learners)
