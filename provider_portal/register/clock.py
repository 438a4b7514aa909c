"""Wall-clock time in Europe/Amsterdam, where lessons happen. Tests move it with `frozen_now`."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from provider_portal.config import TIMEZONE

AMSTERDAM = ZoneInfo(TIMEZONE)


def now() -> datetime:
    """Now, aware, in Europe/Amsterdam."""
    return datetime.now(AMSTERDAM)


def lesson_start(lesson_date: date, start_time: time) -> datetime:
    """When a lesson starts, as an aware Amsterdam datetime."""
    return datetime.combine(lesson_date, start_time, tzinfo=AMSTERDAM)
