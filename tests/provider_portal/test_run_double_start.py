"""A double click on "Planningsronde starten" queues one solver run: the second start shows the first run.

The partial unique index on `job.active_key` (queued or running jobs only) decides, so two posts
in quick succession and, on PostgreSQL, starts at the same moment from parallel threads queue
exactly one run; once that run has ended the same start queues a new one.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.jobs.queue import claim_next, request_cancel, run_job
from provider_portal.models import Job, PlanRun
from provider_portal.planning.runs import RunAlreadyActive, start_run
from tests.factories import make_user
from tests.provider_portal.test_planning import PLAN_DATE, world  # noqa: F401  (fixture)
from tests.web import csrf_token, login, text

TOWNS = ("Utrecht", "Amersfoort")
SAID = "staat al in de wachtrij of loopt; u ziet haar hier."


def _counts(db: Session) -> tuple[int, int]:
    db.expire_all()
    runs = db.execute(sa.select(sa.func.count()).select_from(PlanRun)).scalar_one()
    return runs, db.execute(sa.select(sa.func.count()).select_from(Job)).scalar_one()


def _double_click(client, page: str, towns: tuple[str, ...]) -> tuple:
    token = csrf_token(client, page)
    form = {"csrf_token": token, "municipalities": list(towns), "time_limit": "5"}
    return client.post(page, data=form), client.post(page, data=form)


def test_two_posts_of_the_same_run_queue_one_and_the_second_shows_it(
    client, db, world, frozen_now  # noqa: F811
) -> None:
    frozen_now(datetime(2026, 12, 1, 9, 0))
    login(client, world["planner"].email)
    first, second = _double_click(client, "/planning/runs/", TOWNS)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _counts(db) == (1, 1)
    run = db.execute(sa.select(PlanRun)).scalar_one()
    page = text(client.get(second.headers["Location"]))
    assert f"Planningsronde {run.id} voor deze gemeenten {SAID}" in page


def test_the_same_run_may_start_again_once_the_first_has_ended(db, engine, world) -> None:  # noqa: F811
    first = start_run(db, world["planner"], TOWNS, 5, PLAN_DATE)
    db.commit()
    with pytest.raises(RunAlreadyActive) as refused:
        start_run(db, world["planner"], TOWNS[::-1], 30, PLAN_DATE)  # same towns, other order and limit
    db.rollback()  # as the request's unit of work does on a refusal: the refused run is not kept
    assert refused.value.run.id == first.id
    assert claim_next(engine) == first.job_id
    with pytest.raises(RunAlreadyActive):  # running holds the key as queued did
        start_run(db, world["planner"], TOWNS, 5, PLAN_DATE)
    db.rollback()
    assert run_job(engine, first.job_id) == "succeeded"
    again = start_run(db, world["planner"], TOWNS, 5, PLAN_DATE)
    db.commit()
    assert again.id != first.id
    request_cancel(db, db.get(Job, again.job_id))  # a cancelled queued run frees it at once
    db.commit()
    assert start_run(db, world["planner"], TOWNS, 5, PLAN_DATE).id not in (first.id, again.id)
    db.commit()
    assert _counts(db) == (3, 3)


def test_other_municipalities_or_another_planner_are_other_runs(db, world) -> None:  # noqa: F811
    start_run(db, world["planner"], TOWNS, 5, PLAN_DATE)
    db.commit()
    start_run(db, world["planner"], ("Utrecht",), 5, PLAN_DATE)
    db.commit()
    colleague = make_user(db, None, role="planner", municipalities=TOWNS)
    start_run(db, colleague, TOWNS, 5, PLAN_DATE)
    db.commit()
    assert _counts(db) == (3, 3)


def test_on_postgresql_parallel_starts_queue_exactly_one_run(db, engine, world) -> None:  # noqa: F811
    if engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): parallel transactions")
    planner_id, barrier = world["planner"].id, threading.Barrier(6)
    outcomes: list[object] = []

    def start() -> None:
        with Session(engine, expire_on_commit=False) as session:
            planner = session.get(type(world["planner"]), planner_id)
            barrier.wait(10)
            try:
                outcomes.append(start_run(session, planner, TOWNS, 5, PLAN_DATE).id)
                session.commit()
            except RunAlreadyActive as exc:
                outcomes.append(("refused", exc.run.id))
            except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
                outcomes.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert _counts(db) == (1, 1)
    (run_id,) = db.execute(sa.select(PlanRun.id)).scalars()
    assert sorted(outcomes, key=str) == sorted([run_id] + [("refused", run_id)] * 5, key=str), outcomes
