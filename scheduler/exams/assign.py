"""From class counts back to named learners (and back), and the objective of an assignment."""

from __future__ import annotations

from collections import defaultdict

from scheduler.exams import constraints as rules
from scheduler.exams.greedy import Assignment
from scheduler.exams.model import Prepared

Counts = tuple[dict[int, int], dict[tuple[int, int], int]]
Vertex = tuple[str, int]  # ("g", group) or ("d", day) in the bipartite multigraph


def counts(prep: Prepared, state: Assignment) -> Counts:
    """Trips per option (z) and bookings per option slot (u), summed over each class."""
    z: dict[int, int] = defaultdict(int)
    u: dict[tuple[int, int], int] = defaultdict(int)
    for trips in state.trips.values():
        for option, slots in trips.values():
            z[option] += 1
            for j in slots:
                u[(option, j)] += 1
    return dict(z), dict(u)


def _edge_colouring(n: int, edges: list[tuple[int, int]]) -> list[int]:
    """Colour a bipartite multigraph (group, day) with n colours (learners); König says it fits."""
    at: dict[Vertex, dict[int, int]] = defaultdict(dict)
    colour = [-1] * len(edges)
    ends = [(("g", g), ("d", d)) for g, d in edges]
    for e, (gv, dv) in enumerate(ends):
        a = next(c for c in range(n) if c not in at[gv])
        if a in at[dv]:
            b = next(c for c in range(n) if c not in at[dv])
            _swap_path(at, ends, colour, dv, a, b)
        colour[e] = a
        at[gv][a] = at[dv][a] = e
    return colour


def _swap_path(at: dict[Vertex, dict[int, int]], ends: list[tuple[Vertex, Vertex]],
               colour: list[int], start: Vertex, a: int, b: int) -> None:
    """Swap colours a and b along the alternating path that leaves `start` by colour a."""
    path: list[int] = []
    v, c = start, a
    while c in at[v]:
        e = at[v][c]
        path.append(e)
        v = ends[e][1] if ends[e][0] == v else ends[e][0]
        c = b if c == a else a
    for e in path:
        for end in ends[e]:
            del at[end][colour[e]]
    for e in path:
        colour[e] = b if colour[e] == a else a
        for end in ends[e]:
            at[end][colour[e]] = e


def disaggregate(prep: Prepared, z: dict[int, int], u: dict[tuple[int, int], int]) -> Assignment:
    """Hand each class's trips to its members: one trip per group and per day for each learner."""
    state = Assignment(prep.cap.copy())
    by_class: dict[int, list[int]] = defaultdict(list)
    for option in sorted(o for o, k in z.items() if k > 0):
        by_class[int(prep.cg_class[prep.opt_cg[option]])].append(option)
    for ci, options in by_class.items():
        cl = prep.classes[ci]
        edges, owner = [], []
        for o in options:
            g = int(prep.opt_cg[o]) - cl.first_group
            edges += [(g, int(prep.opt_day[o]))] * z[o]
            owner += [o] * z[o]
        colours = _edge_colouring(len(cl.members), edges)
        given: dict[int, int] = defaultdict(int)
        for o, colour in zip(owner, colours, strict=True):
            rank = given[o]
            given[o] += 1
            slots = tuple(j for j in range(prep.opt_sess.shape[1]) if rank < u.get((o, j), 0))
            if slots:
                state.book(prep, cl.members[colour], int(prep.opt_cg[o]) - cl.first_group, o, slots)
    return state


def objective(prep: Prepared, state: Assignment) -> int:
    """The objective in points: bookings and kept bookings, minus travel and crowding."""
    total = prep.const
    for trips in state.trips.values():
        for option, slots in trips.values():
            total += int(prep.opt_val[option, list(slots)].sum()) - int(prep.opt_travel[option])
    crowding = rules.crowding_cost(prep.problem.weights, prep.cap - state.remaining, prep.comfort)
    return int(total - int(crowding.sum()))


def booked_count(state: Assignment) -> int:
    """Components booked by the optimiser (pinned bookings not included)."""
    return sum(len(slots) for trips in state.trips.values() for _, slots in trips.values())
