"""Exam seats are shared by every municipality's planners (issue 16): a run only sees the seats
others do not hold, and publishing re-counts them under a lock, so a session is never overbooked."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session

from provider_portal.exams.problem import build_exam_problem
from provider_portal.jobs.queue import run_pending
from provider_portal.models import ExamBooking, ExamLocation, ExamSession, LearnerExam, PlanRun
from provider_portal.models.enums import Role
from provider_portal.planning.runs import RunError, publish, start_run
from tests.factories import make_learner, make_provider, make_ready, make_user

PLAN_DATE = date(2026, 12, 1)  # learners are ready from 12 January 2027


@pytest.fixture()
def seats(db: Session) -> dict:
    """One lezen sitting of 2 seats; two learners each in Utrecht and Amersfoort who need only lezen."""
    place = ExamLocation(code="utrecht", name="DUO Utrecht", lat=52.09, lon=5.12, facilities=[])
    db.add(place)
    db.flush()
    sitting = ExamSession(location_id=place.id, day=date(2027, 1, 19), component="lezen",
                          start_time=time(9, 0), minutes=90, seats=2)
    db.add(sitting)
    provider = make_provider(db)
    world: dict = {"session": sitting}
    for town in ("Utrecht", "Amersfoort"):
        world[town] = make_user(db, None, role=Role.PLANNER, municipalities=(town,))
        for _ in range(2):
            learner = make_learner(db, provider, municipality=town)
            db.execute(
                sa.update(LearnerExam)
                .where(LearnerExam.learner_id == learner.id, LearnerExam.component != "lezen")
                .values(status="passed")
            )
            make_ready(db, learner, date(2026, 11, 2), ("lezen",))
    db.commit()
    return world


def _run(db: Session, engine: Engine, seats: dict, town: str) -> PlanRun:
    run = start_run(db, seats[town], (town,), 5, PLAN_DATE, kind="exams")
    db.commit()
    assert run_pending(engine) == 1
    db.refresh(run)
    return run


def _booked(db: Session, seats: dict) -> int:
    return db.execute(
        sa.select(sa.func.count())
        .select_from(ExamBooking)
        .where(ExamBooking.session_id == seats["session"].id)
    ).scalar_one()


def test_a_run_sees_only_the_seats_other_municipalities_do_not_hold(app, db, engine, seats) -> None:
    assert publish(db, _run(db, engine, seats, "Utrecht")) == 2
    db.commit()
    problem = build_exam_problem(db, ("Amersfoort",), PLAN_DATE)
    assert [s.seats for s in problem.sessions] == [0]
    assert build_exam_problem(db, ("Utrecht",), PLAN_DATE).sessions[0].seats == 2  # its own seats


def test_publishing_a_run_whose_seats_were_taken_meanwhile_publishes_nothing(app, db, engine, seats) -> None:
    first, second = _run(db, engine, seats, "Utrecht"), _run(db, engine, seats, "Amersfoort")
    assert publish(db, first) == 2
    db.commit()
    with app.app_context(), pytest.raises(RunError) as refused:
        publish(db, second)
    db.rollback()  # as the caller's unit of work does on a refusal: nothing of the run is kept
    with app.app_context():
        message = str(refused.value.message)
    assert "Nothing was published" in message and "DUO Utrecht 2027-01-19 09:00 lezen (4/2)" in message
    assert _booked(db, seats) == 2
    planned = sa.select(sa.func.count()).select_from(LearnerExam).where(LearnerExam.status == "planned")
    assert db.execute(planned).scalar_one() == 2
    assert db.get(PlanRun, second.id).published_at is None


def test_two_planners_publishing_at_once_never_overbook_a_session(
    app, db, engine, seats, database_url
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (set TEST_DATABASE_URL): parallel transactions wait on its row locks")
    runs = [_run(db, engine, seats, "Utrecht").id, _run(db, engine, seats, "Amersfoort").id]
    barrier, outcome = threading.Barrier(2), []

    def publish_in_thread(run_id: int) -> None:
        with app.app_context(), Session(engine, expire_on_commit=False) as mine:
            run = mine.get(PlanRun, run_id)
            barrier.wait()
            try:
                outcome.append(publish(mine, run))
                mine.commit()
            except RunError:
                outcome.append("refused")

    threads = [threading.Thread(target=publish_in_thread, args=(run_id,)) for run_id in runs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcome, key=str) == [2, "refused"]
    assert _booked(db, seats) == 2
