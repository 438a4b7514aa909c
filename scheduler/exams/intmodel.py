"""The integer model over a set of trip options, solved by CP-SAT with integer class counts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from scheduler.exams import constraints as rules
from scheduler.exams.model import Prepared


@dataclass(slots=True)
class IntModel:
    """CP-SAT variables: trips z per option, bookings u per option slot."""

    prep: Prepared
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    z: dict = field(default_factory=dict)
    u: dict = field(default_factory=dict)
    terms: list = field(default_factory=list)


def trips_and_bookings(im: IntModel, options: np.ndarray) -> None:
    """Hard: a component is booked only on a trip the learner makes (u <= z)."""
    p = im.prep
    for o in options.tolist():
        n = len(p.classes[p.cg_class[p.opt_cg[o]]].members)
        z = im.z[o] = im.model.new_int_var(0, n, f"trips_o{o}")
        im.terms.append((z, -int(p.opt_travel[o])))
        for j, s in enumerate(p.opt_sess[o].tolist()):
            if s >= 0:
                u = im.u[(o, j)] = im.model.new_int_var(0, n, f"booked_o{o}_{j}")
                im.model.add(u <= z)
                im.terms.append((u, int(p.opt_val[o, j])))


def each_group_once(im: IntModel) -> None:
    """Hard: each learner makes at most one trip per group, so books each component at most once."""
    rows: dict[int, list] = defaultdict(list)
    for o, z in im.z.items():
        rows[int(im.prep.opt_cg[o])].append(z)
    size = im.prep.cg_size
    for cg, zs in rows.items():
        im.model.add(sum(zs) <= int(size[cg]))


def one_trip_per_day(im: IntModel) -> None:
    """Hard: one trip a day per learner (`constraints.trip_day_keys`): a row per (class, day)."""
    p, rows = im.prep, defaultdict(list)
    options = np.array(list(im.z), dtype=np.int64)
    for o, key in zip(options.tolist(), rules.trip_day_keys(p, options).tolist(), strict=True):
        if key >= 0:
            rows[key].append(im.z[o])
    keys = [key for key, zs in rows.items() if len(zs) > 1]
    for key, most in zip(keys, rules.trips_a_day(p, np.array(keys, dtype=np.int64)).tolist(), strict=True):
        im.model.add(sum(rows[key]) <= most)


def seats_and_crowding(im: IntModel) -> None:
    """Hard: seats per session. Soft: seats beyond the comfortable fill cost `crowding` each.

    Right-hand sides from `constraints.seats_left` (prep.cap, prep.comfort).
    """
    p, rows = im.prep, defaultdict(list)
    for (o, j), u in im.u.items():
        rows[int(p.opt_sess[o, j])].append(u)
    crowd = p.problem.weights.crowding
    for s, us in rows.items():
        im.model.add(sum(us) <= int(p.cap[s]))
        if crowd and len(us) > int(p.comfort[s]):
            over = im.model.new_int_var(0, max(0, int(p.cap[s] - p.comfort[s])), f"crowded_s{s}")
            im.model.add(over >= sum(us) - int(p.comfort[s]))
            im.terms.append((over, -crowd))


def build(prep: Prepared, options: np.ndarray) -> IntModel:
    """The integer model restricted to `options`, maximising the documented objective."""
    im = IntModel(prep)
    trips_and_bookings(im, options)
    each_group_once(im)
    one_trip_per_day(im)
    seats_and_crowding(im)
    im.model.maximize(sum(c * v for v, c in im.terms))
    return im


def add_hint(im: IntModel, z: dict[int, int], u: dict[tuple[int, int], int]) -> None:
    """Start CP-SAT from a known plan (greedy or the rounded LP)."""
    for o, var in im.z.items():
        im.model.add_hint(var, z.get(o, 0))
    for key, var in im.u.items():
        im.model.add_hint(var, u.get(key, 0))


def constant_crowding(prep: Prepared, options: np.ndarray) -> int:
    """Crowding the model cannot avoid: sessions whose pinned bookings alone exceed comfort."""
    touched = prep.opt_sess[options][prep.opt_sess[options] >= 0]
    fixed = np.setdiff1d(np.arange(len(prep.cap)), touched)
    none = np.zeros(len(fixed), dtype=np.int64)  # beyond the pinned bookings (in prep.comfort)
    return int(rules.crowding_cost(prep.problem.weights, none, prep.comfort[fixed]).sum())
