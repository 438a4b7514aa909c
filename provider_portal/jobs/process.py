"""The jobs process: APScheduler 3 with its job store in the app's database, never in web workers.

Two APScheduler jobs live in the store: the dispatcher (every few seconds it runs queued `job`
rows) and the nightly housekeeping, which enqueues with a dedupe key so that two processes, or a
restart, never create the same run twice. Later features add their schedules in `SCHEDULES`.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine

from provider_portal import clock
from provider_portal.db import make_engine, session_scope
from provider_portal.jobs import housekeeping
from provider_portal.jobs.queue import enqueue, run_pending
from provider_portal.models.scheduler_store import APSCHEDULER_TABLE

log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _engine(url: str) -> Engine:
    return make_engine(url)


def dispatch(database_url: str) -> None:
    """Run what is queued (APScheduler calls this by reference, so it takes only picklable args)."""
    ran = run_pending(_engine(database_url))
    if ran:
        log.info("ran %d job(s)", ran)


def enqueue_housekeeping(database_url: str) -> None:
    """Queue tonight's housekeeping once, whoever asks first."""
    with session_scope(_engine(database_url)) as session:
        enqueue(session, housekeeping.KIND, dedupe_key=f"{housekeeping.KIND}:{clock.today().isoformat()}")


def enqueue_quarter_drafts(database_url: str) -> None:
    """Queue the previous quarter's draft run for every provider, once per quarter."""
    from provider_portal.invoicing import jobs as invoicing_jobs

    with session_scope(_engine(database_url)) as session:
        invoicing_jobs.enqueue_quarter_drafts(session, invoicing_jobs.previous_quarter(clock.today()))


def build_scheduler(database_url: str, timezone: str, poll_seconds: float,
                    kind: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler whose schedules persist in `apscheduler_jobs` (created by our migrations)."""
    store = SQLAlchemyJobStore(engine=_engine(database_url), tablename=APSCHEDULER_TABLE)
    scheduler = kind(jobstores={"default": store},
                                  executors={"default": ThreadPoolExecutor(1)}, timezone=timezone,
                                  job_defaults={"coalesce": True, "max_instances": 1})
    scheduler.add_job("provider_portal.jobs.process:dispatch", "interval", seconds=poll_seconds,
                      args=[database_url], id="dispatch", replace_existing=True)
    scheduler.add_job("provider_portal.jobs.process:enqueue_housekeeping", "cron", hour=3, minute=15,
                      args=[database_url], id="housekeeping", replace_existing=True)
    scheduler.add_job("provider_portal.jobs.process:enqueue_quarter_drafts", "cron", month="1,4,7,10", day=1,
                      hour=6, minute=0, timezone="Europe/Amsterdam", args=[database_url],
                      id="invoicing.quarter_drafts", replace_existing=True)
    return scheduler
