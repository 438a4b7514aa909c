"""Publishing in bulk (planning/bulk.py): the tenancy guard for bulk writes, and what a publish
that drops a placement does to the module's status."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from provider_portal.models import CapSetting, Cohort, ExamBooking, LearnerExam, LearnerModule, Placement
from provider_portal.planning.runs import publish
from provider_portal.tenancy import TenantScope, TenantViolation, bind_scope, check_bulk_write
from tests.provider_portal.test_planning import _solve, world  # noqa: F401  (fixture)


def test_only_a_planner_may_bulk_write_and_only_rows_without_a_per_row_rule(db) -> None:
    bind_scope(db, TenantScope(user_id=1, municipalities=("Utrecht",)))
    for model in (Placement, ExamBooking, LearnerModule, LearnerExam):
        check_bulk_write(db, model)
    for model in (Cohort, CapSetting):  # municipal rows need the flush's per-row check
        with pytest.raises(TenantViolation):
            check_bulk_write(db, model)
    for scope in (TenantScope(user_id=1, provider_id=3), TenantScope(user_id=1, provider_id=3, learner_id=7)):
        bind_scope(db, scope)
        with pytest.raises(TenantViolation):
            check_bulk_write(db, Placement)
    bind_scope(db, None)
    check_bulk_write(db, Cohort)  # no scope (the jobs process, the command line): unrestricted


def test_a_publish_without_a_learners_placement_makes_the_module_required_again_and_keeps_pins(
    db, engine, world  # noqa: F811
) -> None:
    amina = world["amina"].id
    assert publish(db, _solve(db, engine, world)) == 3
    pinned = db.execute(sa.select(Placement).where(Placement.learner_id == amina,
                                                   Placement.module == "PVT")).scalar_one()
    pinned.pinned = True
    db.commit()
    run = _solve(db, engine, world)
    dropped = (str(amina), "KNM")
    kept = [a for a in run.solution["assignments"] if (a["learner"], a["module"]) != dropped]
    run.solution = {**run.solution, "assignments": kept}
    db.commit()
    publish(db, run)
    rows = dict(db.execute(sa.select(LearnerModule.module, LearnerModule.status)
                           .where(LearnerModule.learner_id == amina)).all())
    assert rows == {"KNM": "required", "PVT": "planned", "MAP": "planned"}
    placements = {m: (r, p) for m, r, p in db.execute(
        sa.select(Placement.module, Placement.run_id, Placement.pinned).where(Placement.learner_id == amina))}
    assert set(placements) == {"PVT", "MAP"}
    pvt_run, pvt_pinned = placements["PVT"]
    assert pvt_pinned and pvt_run is not None and pvt_run != run.id  # the pinned one, as it was
    assert placements["MAP"] == (run.id, False)
