"""The jobs process's settings: solver threads per run (JOBS_SOLVER_THREADS) reach the solver."""

from __future__ import annotations

import threading

import pytest

from provider_portal.config import ConfigError, load_config
from provider_portal.jobs import process
from provider_portal.jobs.process import JobSettings, _work_once
from provider_portal.jobs.queue import claim_next, run_job
from provider_portal.planning import runs
from provider_portal.planning.runs import start_run
from tests.provider_portal.test_planning import PLAN_DATE, world  # noqa: F401  (fixture)


def _config(tmp_path, **env: str) -> dict:
    return load_config({"PORTAL_INSTANCE_PATH": str(tmp_path), **env})


def test_solver_threads_default_to_two_and_follow_the_setting(tmp_path) -> None:
    assert _config(tmp_path)["JOBS_SOLVER_THREADS"] == 2
    config = _config(tmp_path, JOBS_SOLVER_THREADS="6")
    assert JobSettings.from_config(config).solver_threads == 6


@pytest.mark.parametrize("value", ["0", "-1", "two", ""])
def test_solver_threads_must_be_a_whole_number_of_at_least_one(tmp_path, value: str) -> None:
    with pytest.raises(ConfigError, match="JOBS_SOLVER_THREADS"):
        _config(tmp_path, JOBS_SOLVER_THREADS=value)


def _recording_solver(monkeypatch) -> list[int]:
    """Replace the group-session solver's solve by one that records its thread count."""
    seen: list[int] = []
    real = runs._solver("sessions")

    def solve(problem, limit, cancel, progress, threads):  # type: ignore[no-untyped-def]
        seen.append(threads)
        return real.solve(problem, limit, cancel, progress, threads)

    monkeypatch.setitem(runs.SOLVERS, "sessions", runs.SolverKind(real.name, real.build, solve, real.publish))
    return seen


def test_a_run_hands_the_solver_the_configured_thread_count(db, engine, world, monkeypatch) -> None:  # noqa: F811
    seen = _recording_solver(monkeypatch)
    run = start_run(db, world["planner"], ("Utrecht", "Amersfoort"), 5, PLAN_DATE)
    db.commit()
    assert claim_next(engine) == run.job_id
    assert run_job(engine, run.job_id, solver_threads=1) == "succeeded"
    assert seen == [1]


def test_a_worker_passes_its_settings_thread_count_to_each_run(db, engine, world, monkeypatch) -> None:  # noqa: F811
    calls: list[dict] = []
    monkeypatch.setattr(process, "run_job",
                        lambda engine, job_id, **kwargs: calls.append(kwargs) or "succeeded")
    start_run(db, world["planner"], ("Utrecht", "Amersfoort"), 5, PLAN_DATE)
    db.commit()
    assert _work_once(engine, JobSettings(solver_threads=3), threading.Semaphore(1))
    assert calls[0]["solver_threads"] == 3 and calls[0]["isolate"] is True
