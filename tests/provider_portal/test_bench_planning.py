"""The planner's end-to-end benchmark (bench/planning) at a tiny size, so it cannot rot unnoticed.

It seeds 60 learners into the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL), clicks a
session run and an exam run through the pages with a jobs worker running them (solving in the
test's own process, to stay fast), reviews and publishes them.
"""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlmodel import Session

from bench.planning.run import bench, print_replans, print_run
from provider_portal.jobs.process import JobSettings
from provider_portal.models import ExamBooking, Placement, PlanRun


@pytest.mark.slow
def test_the_planning_bench_times_every_phase_of_both_runs(app: Flask, frozen_now, capsys) -> None:
    today = frozen_now(datetime(2027, 1, 11, 9, 0)).date()
    settings = JobSettings(workers=1, solver_workers=1, poll_seconds=0.2, solver_threads=1)
    out = bench(app, today, learners=60, limit=5, resolve_limit=None, settings=settings, quiet=True,
                isolate=False)  # the solver in this process: starting its interpreter costs seconds
    assert [t.kind for t, _published in out["runs"]] == ["sessions", "exams"]
    for timed, published in out["runs"]:
        names = [name for name, _seconds, _cpu in timed.phases]
        assert names[0] == "click: build the problem from the database" and "review page (first GET)" in names
        assert all(seconds >= 0 for _name, seconds, _cpu in timed.phases), timed.phases
        assert 0 < timed.solver < timed.total and timed.all_but_solver > 0 and published > 0
        assert timed.summary["status"] in ("optimal", "feasible") and timed.summary["placed"] > 0
        assert timed.statements < 40  # the review page's queries do not grow with the learners
        print_run(timed, published)
    engine = app.extensions["db_engine"]
    with Session(engine) as session:  # both runs were published: the plan is in the portal
        assert session.execute(sa.select(sa.func.count()).select_from(Placement)).scalar_one() > 0
        assert session.execute(sa.select(sa.func.count()).select_from(ExamBooking)).scalar_one() > 0
        assert session.execute(sa.select(sa.func.count()).select_from(PlanRun)).scalar_one() == 2
    printed = capsys.readouterr().out
    assert "| **click to reviewable** |" in printed and "| **all but the solver** |" in printed
    print_replans([], 5)
