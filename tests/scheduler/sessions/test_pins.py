"""Pins that cannot all hold: repaired when learners may legally be added, else refused by name.

Issue 18.2 / 17.4a: a learner removed from a pinned cohort left it under its minimum, and the solve
returned that plan with exit 0 although its own `check` rejected it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from scheduler.common.errors import InfeasibleInputError
from scheduler.common.geo import Point
from scheduler.sessions.check import check
from scheduler.sessions.domain import Assignment, Status
from scheduler.sessions.io import problem_to_json
from scheduler.sessions.solver import greedy, solve

ROOT = Path(__file__).resolve().parents[3]
NEAR = Point(52.091, 5.122)
EAST = Point(52.091, 5.222)  # about 7 km from NEAR


def _pinned_short(make, extra_learners):
    """KNM cohort FAR (3..5) with two pinned learners (the third was removed); NEAR is closer."""
    far = make.cohort("FAR", point=EAST, min_size=3, max_size=5, trainer="T1")
    near = make.cohort("NEAR", min_size=2, max_size=5, trainer="T2")
    learners = [make.learner("P1"), make.learner("P2"), *extra_learners]
    pins = (Assignment("P1", "KNM", "FAR", pinned=True), Assignment("P2", "KNM", "FAR", pinned=True))
    return make.problem(learners, [far, near], existing=pins)


def test_a_pinned_cohort_under_its_minimum_is_topped_up_with_a_learner_who_may_join(make):
    problem = _pinned_short(make, [make.learner("A1"), make.learner("A2"), make.learner("A3")])
    for solution in (solve(problem, time_limit=5, workers=1, seed=0), greedy(problem)):
        assert check(problem, solution.assignments).violations == ()
        placed = make.placed(solution)
        assert placed[("P1", "KNM")] == placed[("P2", "KNM")] == "FAR"
        assert sum(1 for cohort in placed.values() if cohort == "FAR") >= 3
        assert len(solution.assignments) == 5  # and nobody is left out for it


def test_pins_that_cannot_reach_the_minimum_are_refused_naming_cohort_and_learners(make):
    # A1 could join FAR, but A1's pinned PVT cohort meets at the same time
    both = make.learner("A1", statuses={"KNM": Status.REQUIRED, "PVT": Status.REQUIRED})
    problem = _pinned_short(make, [both])
    pvt = make.cohort("PVT1", module="PVT", trainer="T3", min_size=1)
    problem = make.problem(list(problem.learners), [*problem.cohorts, pvt],
                           existing=(*problem.existing, Assignment("A1", "PVT", "PVT1", pinned=True)))
    for run in (lambda: solve(problem, time_limit=5, workers=1), lambda: greedy(problem)):
        with pytest.raises(InfeasibleInputError) as refused:
            run()
        message = str(refused.value)
        assert "pinned cohort FAR has 2 pinned learners (P1, P2), below its minimum 3" in message
        assert "only 0 other learners may join it" in message


def test_two_pinned_cohorts_competing_for_one_learner_are_refused_together(make):
    a = make.cohort("A", min_size=3, max_size=5, trainer="T1")
    b = make.cohort("B", min_size=3, max_size=5, trainer="T2", meetings=make.weekly(date(2027, 1, 12)))
    learners = [make.learner(f"L{i}") for i in range(5)]
    pins = tuple(Assignment(f"L{i}", "KNM", c, pinned=True) for i, c in enumerate("AABB"))
    problem = make.problem(learners, [a, b], existing=pins)
    with pytest.raises(InfeasibleInputError, match=r"pinned cohorts A, B are below their minimum and "
                                                   r"cannot all be topped up at once"):
        solve(problem, time_limit=5, workers=2)


def test_the_cli_exits_2_with_infeasible_naming_the_pins(make, tmp_path):
    far = make.cohort("FAR", min_size=3, max_size=5)
    problem = make.problem([make.learner("P1"), make.learner("P2"), make.learner("X", languages=("Dari",))],
                           [far], existing=(Assignment("P1", "KNM", "FAR", pinned=True),
                                            Assignment("P2", "KNM", "FAR", pinned=True)))
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem_to_json(problem)))
    out = tmp_path / "solution.json"
    done = subprocess.run([sys.executable, "-m", "scheduler", "sessions", "solve", str(path), "--out",
                           str(out), "--time-limit", "5"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 2, done.stdout
    assert done.stderr.startswith("error: infeasible: ")
    assert "FAR" in done.stderr and "P1, P2" in done.stderr
    assert not out.exists() and "Traceback" not in done.stderr


def test_a_plan_the_checker_rejects_is_refused_loudly_never_returned(make, monkeypatch, tmp_path, capsys):
    from scheduler.common.errors import PlanRejectedError
    from scheduler.sessions import cli, solver

    def overfill(plan):  # a bug: seats a learner in a full cohort
        idx = plan.idx
        lm = next(lm for lm, arc in enumerate(plan.assign) if arc < 0)
        plan.place(lm, idx.lm_arcs[lm][0])
        return 1

    monkeypatch.setattr(solver, "fill_running", overfill)
    problem = make.problem([make.learner(f"L{i}") for i in range(3)], [make.cohort(max_size=2)])
    with pytest.raises(PlanRejectedError, match=r"failed the independent check, a bug in the solver: "
                                                r"C1: 3 learners, allowed 0 or 1\.\.2"):
        solve(problem, time_limit=5, workers=1)
    with pytest.raises(PlanRejectedError):
        greedy(problem)
    path, out = tmp_path / "problem.json", tmp_path / "solution.json"
    path.write_text(json.dumps(problem_to_json(problem)))
    assert cli.main(["solve", str(path), "--out", str(out), "--time-limit", "5", "--workers", "1"]) == 3
    assert "internal error: " in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_removing_pinned_learners_gives_a_valid_plan_with_every_pin_or_a_refusal(seed):
    import random
    from dataclasses import replace

    from scheduler.sessions.generate import generate

    problem = generate(150, seed)
    rng = random.Random(seed)
    pins = [Assignment(a.learner, a.module, a.cohort, pinned=rng.random() < 0.7)
            for a in greedy(problem).assignments]
    gone = set(rng.sample(sorted({a.learner for a in pins if a.pinned}), 12))
    changed = replace(problem, learners=tuple(x for x in problem.learners if x.id not in gone),
                      existing=tuple(a for a in pins if a.learner not in gone))
    try:
        solution = solve(changed, time_limit=3, workers=1, seed=0)
    except InfeasibleInputError as refused:
        assert "pinned cohort" in str(refused)
        return
    assert check(changed, solution.assignments).violations == ()
    kept = {(a.learner, a.module, a.cohort) for a in solution.assignments}
    assert all((a.learner, a.module, a.cohort) in kept for a in changed.existing if a.pinned)
