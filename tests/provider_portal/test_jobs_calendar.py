"""What the ticks find due is a matter of the portal's clock alone, on any calendar day.

The jobs process decides what is due (the previous quarter's drafts from 06:00 on a quarter's first
day, the latest night's housekeeping from 03:15) from `clock.now()` in Europe/Amsterdam; heartbeats
and the reaper compare UTC timestamps from one other clock, never the portal's. These tests stand
the portal's clock at awkward instants (King's Day at 01:30, both DST nights, New Year's Eve at
23:59, each quarter start either side of 06:00, a leap day) and at the same instants given in UTC,
and check that the ticks enqueue exactly the expected work, once, and that the reaper is not moved.

Why not libfaketime (`faketime -f '@2027-04-26 23:30:00' pytest ...`)? Under libfaketime 0.9.10
every timed wait of a Python thread blocks for decades: CPython 3.11 waits on a lock with a timeout
through `sem_clockwait(CLOCK_MONOTONIC, deadline)`, the deadline computed from the faked monotonic
clock (about 1.8e9 s), and libfaketime intercepts `sem_timedwait` but not `sem_clockwait`, so the
kernel waits until the real monotonic clock reaches it (strace: `futex(..., FUTEX_WAIT_BITSET,
{tv_sec=1808782200, ...})`). `Event.wait(t)`, `Thread.join(t)` and `threading.Timer` never return:
the workers' poll, APScheduler's ticks, the solver process's parent watch, and flask-limiter's
memory-storage timer (so even a passing run never exits). `time.sleep` works (clock_nanosleep is
intercepted), and with DONT_FAKE_MONOTONIC=1 it fails with EINVAL instead. Freezing the portal's
clock (`frozen_now`, FAULT_NOW for the fault tests' jobs process) tests the calendar without that.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from billing.quarters import Quarter
from provider_portal import clock
from provider_portal.jobs.process import housekeeping_key, quarter_to_draft, tick
from provider_portal.jobs.queue import claim_next, enqueue, reap_stale
from provider_portal.models import Job
from provider_portal.models.types import utcnow

AMS = clock.AMSTERDAM


def _at(*parts: int, fold: int = 0) -> datetime:
    return datetime(*parts, tzinfo=AMS, fold=fold)  # type: ignore[misc]


# (instant, the housekeeping night it falls in, the quarter whose drafts are due), worked out by hand
INSTANTS = [
    pytest.param(_at(2027, 4, 27, 1, 30), "2027-04-26", Quarter(2027, 1), id="kings-day-01:30"),
    pytest.param(datetime(2027, 4, 26, 23, 30, tzinfo=UTC), "2027-04-26", Quarter(2027, 1),
                 id="kings-day-01:30-given-in-utc"),
    pytest.param(_at(2027, 3, 28, 1, 59), "2027-03-27", Quarter(2026, 4), id="dst-start-01:59-cet"),
    pytest.param(_at(2027, 3, 28, 3, 0), "2027-03-27", Quarter(2026, 4), id="dst-start-03:00-cest"),
    pytest.param(_at(2027, 3, 28, 3, 15), "2027-03-28", Quarter(2026, 4), id="dst-start-03:15"),
    pytest.param(_at(2026, 10, 25, 2, 30), "2026-10-24", Quarter(2026, 3), id="dst-end-02:30-first"),
    pytest.param(_at(2026, 10, 25, 2, 30, fold=1), "2026-10-24", Quarter(2026, 3), id="dst-end-02:30-again"),
    pytest.param(_at(2026, 10, 25, 3, 15), "2026-10-25", Quarter(2026, 3), id="dst-end-03:15"),
    pytest.param(_at(2026, 12, 31, 23, 59), "2026-12-31", Quarter(2026, 3), id="new-years-eve-23:59"),
    pytest.param(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2026-12-31", Quarter(2026, 3),
                 id="new-year-00:30-given-in-utc"),
    pytest.param(_at(2027, 1, 1, 5, 59), "2027-01-01", Quarter(2026, 3), id="q1-start-05:59"),
    pytest.param(_at(2027, 1, 1, 6, 0), "2027-01-01", Quarter(2026, 4), id="q1-start-06:00"),
    pytest.param(_at(2027, 4, 1, 5, 59, 59), "2027-04-01", Quarter(2026, 4), id="q2-start-05:59:59"),
    pytest.param(datetime(2027, 4, 1, 4, 30, tzinfo=UTC), "2027-04-01", Quarter(2027, 1),
                 id="q2-start-06:30-given-in-utc"),
    pytest.param(datetime(2027, 4, 1, 1, 30, tzinfo=UTC), "2027-04-01", Quarter(2026, 4),
                 id="q2-start-03:30-given-in-utc"),
    pytest.param(_at(2027, 7, 1, 6, 0), "2027-07-01", Quarter(2027, 2), id="q3-start-06:00"),
    pytest.param(_at(2027, 10, 1, 3, 14), "2027-09-30", Quarter(2027, 2), id="q4-start-03:14"),
    pytest.param(_at(2027, 10, 1, 6, 0), "2027-10-01", Quarter(2027, 3), id="q4-start-06:00"),
    pytest.param(_at(2028, 2, 29, 3, 14), "2028-02-28", Quarter(2027, 4), id="leap-day-03:14"),
]


@pytest.mark.parametrize(("moment", "night", "quarter"), INSTANTS)
def test_what_is_due_follows_amsterdams_calendar(moment: datetime, night: str, quarter: Quarter) -> None:
    assert housekeeping_key(moment) == f"housekeeping:{night}"
    assert quarter_to_draft(moment) == quarter


@pytest.mark.parametrize(("moment", "night", "quarter"), INSTANTS)
def test_ticks_at_an_awkward_instant_enqueue_exactly_the_due_work_once(
    app, db: Session, frozen_now, moment: datetime, night: str, quarter: Quarter
) -> None:
    frozen_now(moment)
    for _ in range(3):
        tick(app.config["DATABASE_URL"])
    rows = db.execute(sa.select(Job.kind, Job.dedupe_key, Job.params)).all()
    assert sorted((kind, key) for kind, key, _params in rows) == [
        ("housekeeping", f"housekeeping:{night}"),
        ("invoicing.quarter_drafts", f"invoicing.quarter_drafts:{quarter}"),
    ]
    assert {"quarter": str(quarter)} in [params for _kind, _key, params in rows]


@pytest.mark.parametrize("moment", [_at(2027, 4, 27, 1, 30), _at(2026, 10, 25, 2, 30, fold=1),
                                    _at(2026, 12, 31, 23, 59), _at(1999, 1, 1, 0, 0)],
                         ids=["kings-day", "dst-end", "new-years-eve", "long-ago"])
def test_heartbeats_and_the_reaper_ignore_the_portal_clock(db: Session, engine, frozen_now,
                                                           moment: datetime) -> None:
    frozen_now(moment)
    beating, stopped = enqueue(db, "housekeeping"), enqueue(db, "housekeeping")
    db.commit()
    assert {claim_next(engine), claim_next(engine)} == {beating.id, stopped.id}
    long_ago = utcnow() - timedelta(seconds=61)
    db.execute(sa.update(Job).where(Job.id == stopped.id).values(heartbeat_at=long_ago))
    db.commit()
    assert reap_stale(engine, timedelta(seconds=60), max_attempts=3) == (1, 0)
    db.expire_all()
    assert (db.get(Job, beating.id).status, db.get(Job, stopped.id).status) == ("running", "queued")
