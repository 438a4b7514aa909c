"""The jobs process: a scheduler that only ticks, and N workers that run the queue.

Scheduled work is derived, not remembered: every tick works out what is due by now and not yet
done (the previous quarter's drafts once a quarter has begun, the latest night's housekeeping) and
enqueues it under its unique dedupe key, which makes the enqueue idempotent. So a tick that comes
late, several processes ticking at once, or a week of downtime all end in exactly one run. The
tick also reaps jobs whose heartbeat stopped. APScheduler keeps the ticks in memory (nothing to
share or lose), with a misfire grace of hours and coalescing: a tick missed while the machine
was busy or asleep runs once when it can.

The workers are threads that claim queued jobs; solver jobs run in a child of a fork server
(started with the process, the solvers already imported) under a CPU limit, so a long exam run
never holds up a quarter's drafts. Run more `jobs run` processes, on this machine or others,
against the same PostgreSQL database to add workers.

SIGTERM (a deploy, `systemctl stop`) stops the process gracefully: no worker claims another job,
running jobs may finish within `JOBS_GRACE_SECONDS`, and what still runs then is handed back as
the reaper would (idempotent kinds queued again, solver runs failed with a sentence) before the
process exits, its solver processes with it.
"""

from __future__ import annotations

import logging
import signal
import threading
import time as timer
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from sqlalchemy import Engine

from billing.quarters import Quarter
from provider_portal import clock
from provider_portal.db import make_engine, unit_of_work
from provider_portal.jobs import housekeeping
from provider_portal.jobs.isolated import start_server, stop_children
from provider_portal.jobs.queue import (
    claim_next,
    enqueue,
    isolated_kinds,
    job_kind,
    reap_stale,
    release_running,
    run_job,
)

log = logging.getLogger(__name__)
HOUSEKEEPING_AT = time(3, 15)
DRAFTS_AT = time(6, 0)
MISFIRE_GRACE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class JobSettings:
    """The jobs process's settings (config `JOBS_*`)."""

    workers: int = 2
    solver_workers: int = 1
    poll_seconds: float = 2.0
    tick_seconds: float = 60.0
    heartbeat_seconds: float = 10.0
    stale_seconds: float = 120.0
    max_attempts: int = 3
    solver_cpu_seconds: int = 1500
    session_retention_days: int = 30
    session_lifetime_seconds: int = 8 * 3600
    solver_threads: int = 2
    grace_seconds: float = 60.0

    @classmethod
    def from_config(cls, config: Any) -> JobSettings:
        """Read the settings from the Flask config."""
        workers = max(1, config["JOBS_WORKERS"])
        solver_workers = config.get("JOBS_SOLVER_WORKERS") or max(1, workers - 1)
        return cls(workers=workers, solver_workers=solver_workers, poll_seconds=config["JOBS_POLL_SECONDS"],
                   tick_seconds=config["JOBS_TICK_SECONDS"],
                   heartbeat_seconds=config["JOBS_HEARTBEAT_SECONDS"],
                   stale_seconds=config["JOBS_STALE_SECONDS"], max_attempts=config["JOBS_MAX_ATTEMPTS"],
                   solver_cpu_seconds=config["JOBS_SOLVER_CPU_SECONDS"],
                   session_retention_days=int(config.get("SESSION_RETENTION_DAYS", 30)),
                   session_lifetime_seconds=_seconds(config.get("PERMANENT_SESSION_LIFETIME", 8 * 3600)),
                   solver_threads=config["JOBS_SOLVER_THREADS"], grace_seconds=config["JOBS_GRACE_SECONDS"])

    def housekeeping_params(self) -> dict[str, int]:
        """What the nightly housekeeping needs to know of the settings."""
        return {"session_retention_days": self.session_retention_days,
                "session_lifetime_seconds": self.session_lifetime_seconds}


def _seconds(value: Any) -> int:
    return int(value.total_seconds()) if isinstance(value, timedelta) else int(value)


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return make_engine(url)


def housekeeping_key(now: datetime) -> str:
    """The dedupe key of the latest housekeeping night that has begun (03:15 Amsterdam)."""
    now = now.astimezone(clock.AMSTERDAM)  # the night is Amsterdam's, whatever zone `now` is given in
    night = now.date()
    if now.time() < HOUSEKEEPING_AT:
        night -= timedelta(days=1)
    return f"{housekeeping.KIND}:{night.isoformat()}"


def quarter_to_draft(now: datetime) -> Quarter:
    """The quarter whose drafts are due: the one before the latest quarter start (06:00) passed."""
    now = now.astimezone(clock.AMSTERDAM)  # quarters begin at 06:00 in Amsterdam, not in UTC
    current = Quarter.of(now.date())
    if now.date() == current.first_day and now.time() < DRAFTS_AT:
        current = current.prev()
    return current.prev()


def enqueue_housekeeping(database_url: str, params: dict[str, Any] | None = None) -> None:
    """Queue the latest night's housekeeping once, whoever asks first."""
    with unit_of_work(_engine(database_url)) as session:
        enqueue(session, housekeeping.KIND, params=params, dedupe_key=housekeeping_key(clock.now()))


def enqueue_quarter_drafts(database_url: str) -> None:
    """Queue the draft run of the quarter that ended last, for every provider, once per quarter."""
    from provider_portal.invoicing import jobs as invoicing_jobs

    with unit_of_work(_engine(database_url)) as session:
        invoicing_jobs.enqueue_quarter_drafts(session, quarter_to_draft(clock.now()))


def tick(database_url: str, stale_seconds: float = 120.0, max_attempts: int = 3,
         housekeeping_params: dict[str, Any] | None = None) -> None:
    """Reap jobs whose process died, then enqueue every piece of scheduled work that is due."""
    reap_stale(_engine(database_url), timedelta(seconds=stale_seconds), max_attempts)
    enqueue_quarter_drafts(database_url)
    enqueue_housekeeping(database_url, housekeeping_params)


def build_scheduler(database_url: str, timezone: str, settings: JobSettings | None = None,
                    kind: type[BaseScheduler] = BackgroundScheduler) -> BaseScheduler:
    """The ticks, in memory: every `tick_seconds`, and at the two moments work falls due."""
    settings = settings or JobSettings()
    scheduler = kind(jobstores={"default": MemoryJobStore()}, executors={"default": ThreadPoolExecutor(1)},
                     timezone=timezone, job_defaults={"coalesce": True, "max_instances": 1,
                                                      "misfire_grace_time": MISFIRE_GRACE_SECONDS})
    args = [database_url, settings.stale_seconds, settings.max_attempts, settings.housekeeping_params()]
    # APScheduler keeps real time (the portal's clock decides only what is due): tick at once, then
    # every tick_seconds.
    scheduler.add_job(tick, "interval", seconds=settings.tick_seconds, args=args, id="tick",
                      next_run_time=datetime.now(UTC))  # noqa: TID251 -- the ticks keep real time
    scheduler.add_job(tick, "cron", hour=HOUSEKEEPING_AT.hour, minute=HOUSEKEEPING_AT.minute, args=args,
                      id="housekeeping", timezone=clock.AMSTERDAM)
    scheduler.add_job(tick, "cron", month="1,4,7,10", day=1, hour=DRAFTS_AT.hour, minute=DRAFTS_AT.minute,
                      args=args, id="invoicing.quarter_drafts", timezone=clock.AMSTERDAM)
    return scheduler


def work(engine: Engine, settings: JobSettings, stop: threading.Event,
         solver_slots: threading.Semaphore | None = None, running: set[int] | None = None) -> None:
    """One worker: claim and run jobs until `stop` is set; sleep `poll_seconds` when idle.

    A worker takes a solver run only with a free `solver_slots` place, so with the default
    (one fewer than the workers) one worker always remains for drafts and housekeeping. The ids
    of the jobs it runs are in `running` while they run.
    """
    slots = solver_slots or threading.Semaphore(settings.solver_workers)
    while not stop.is_set():
        try:
            if not _work_once(engine, settings, slots, running, stop):
                stop.wait(settings.poll_seconds)
        except Exception:  # e.g. the database restarting: wait and try again
            log.exception("worker error; retrying in %s s", settings.poll_seconds)
            stop.wait(settings.poll_seconds)


def _work_once(engine: Engine, settings: JobSettings, slots: threading.Semaphore,
               running: set[int] | None = None, stop: threading.Event | None = None) -> bool:
    """Claim and run one job; False when there was none this worker may take (or `stop` is set)."""
    solvers = isolated_kinds()
    running = set() if running is None else running
    job_id: int | None = None
    holding = slots.acquire(blocking=False)
    try:
        if stop is not None and stop.is_set():  # stopping: claim nothing more
            return False
        job_id = claim_next(engine, skip_kinds=() if holding else solvers)
        if job_id is None:
            return False
        running.add(job_id)
        if holding and job_kind(engine, job_id) not in solvers:  # free the place for a solver run
            slots.release()
            holding = False
        run_job(engine, job_id, isolate=True, heartbeat_seconds=settings.heartbeat_seconds,
                cpu_seconds=settings.solver_cpu_seconds, solver_threads=settings.solver_threads)
        return True
    finally:
        if holding:
            slots.release()
        if job_id is not None:
            running.discard(job_id)


def run_process(database_url: str, timezone: str, settings: JobSettings) -> None:
    """The jobs process: ticks plus `settings.workers` workers, until SIGTERM or Ctrl+C.

    Then it claims nothing more, lets running jobs finish for up to `settings.grace_seconds`, and
    hands back those still running (`release_running`) before it returns.
    """
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # no lines per tick
    stop = threading.Event()
    scheduler = build_scheduler(database_url, timezone, settings)
    scheduler.start()
    engine = _engine(database_url)
    start_server()  # the solver processes' fork server imports the solvers now, not at the first run
    slots = threading.Semaphore(settings.solver_workers)
    running: set[int] = set()
    workers = [threading.Thread(target=work, args=(engine, settings, stop, slots, running),
                                name=f"worker-{n}", daemon=True) for n in range(settings.workers)]
    for worker in workers:
        worker.start()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    log.info("jobs process started with %d worker(s)", settings.workers)
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        stop.set()
    scheduler.shutdown(wait=False)
    shut_down(engine, settings, workers, running)


def shut_down(engine: Engine, settings: JobSettings, workers: list[threading.Thread],
              running: set[int]) -> None:
    """Wait up to the grace period for the workers' running jobs, then hand back what still runs."""
    if running:
        log.info("stopping: waiting up to %s s for %d running job(s)", settings.grace_seconds, len(running))
    deadline = timer.monotonic() + settings.grace_seconds
    try:
        for worker in workers:
            worker.join(timeout=max(0.0, deadline - timer.monotonic()))
    except KeyboardInterrupt:  # a second Ctrl+C: stop waiting
        pass
    left = sorted(running)
    if left:
        requeued, failed = release_running(engine, left, settings.max_attempts)
        log.warning("stopped with %d job(s) unfinished: %d queued again, %d failed",
                    len(left), requeued, failed)
    stop_children()
    log.info("jobs process stopped")
