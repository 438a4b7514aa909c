"""The portal's one clock: wall-clock time and today's date in Europe/Amsterdam.

Every "now" and "today" of the portal comes from here (never `date.today()`, which follows the
server's time zone), so tests move it with the `frozen_now` fixture and no page depends on the day
the suite runs.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from provider_portal.config import TIMEZONE

AMSTERDAM = ZoneInfo(TIMEZONE)


def now() -> datetime:
    """Now, aware, in Europe/Amsterdam."""
    return datetime.now(AMSTERDAM)


def today() -> date:
    """Today's date in Europe/Amsterdam (follows `now`, so freezing `now` freezes it too)."""
    return now().date()


def lesson_start(lesson_date: date, start_time: time) -> datetime:
    """When a lesson starts, as an aware Amsterdam datetime."""
    return datetime.combine(lesson_date, start_time, tzinfo=AMSTERDAM)
