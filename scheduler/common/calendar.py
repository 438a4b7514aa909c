"""Calendars: Dutch public holidays, closed dates, time intervals and weekly day parts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _nl_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("NL", years=year).keys())


def is_public_holiday(day: date) -> bool:
    """True on a Dutch public holiday (King's Day moves to 26 April when the 27th is a Sunday)."""
    return day in _nl_holidays(day.year)


def closed_dates(first: date, last: date, extra: Iterable[date] = ()) -> frozenset[date]:
    """Public holidays between `first` and `last` inclusive, plus the caller's own closed dates."""
    days = {d for y in range(first.year, last.year + 1) for d in _nl_holidays(y) if first <= d <= last}
    days.update(d for d in extra if first <= d <= last)
    return frozenset(days)


@dataclass(frozen=True, slots=True)
class Interval:
    """A half-open span of wall-clock time [start, end) in Europe/Amsterdam local time."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"interval ends ({self.end}) before it starts ({self.start})")

    def overlaps(self, other: Interval) -> bool:
        """True when the two spans share any moment (touching ends do not overlap)."""
        return self.start < other.end and other.start < self.end


class DayPart(StrEnum):
    """The day parts (dagdelen) in which learners state their weekly availability."""

    MORNING = "morning"  # 08:00-12:00
    AFTERNOON = "afternoon"  # 12:00-17:00
    EVENING = "evening"  # 17:00-22:00


DAY_PART_BOUNDS: dict[DayPart, tuple[time, time]] = {
    DayPart.MORNING: (time(8, 0), time(12, 0)),
    DayPart.AFTERNOON: (time(12, 0), time(17, 0)),
    DayPart.EVENING: (time(17, 0), time(22, 0)),
}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def day_parts_covering(span: Interval) -> frozenset[tuple[str, DayPart]]:
    """The (weekday, day part) slots a same-day span touches; a learner must be free in all of them."""
    if span.start.date() != span.end.date():
        raise ValueError("a meeting must start and end on the same day")
    weekday = WEEKDAYS[span.start.weekday()]
    start, end = span.start.time(), span.end.time()
    touched = {
        (weekday, part)
        for part, (lo, hi) in DAY_PART_BOUNDS.items()
        if start < hi and lo < end
    }
    if start < DAY_PART_BOUNDS[DayPart.MORNING][0] or end > DAY_PART_BOUNDS[DayPart.EVENING][1]:
        raise ValueError(f"meeting {start}-{end} lies outside the day parts 08:00-22:00")
    return frozenset(touched)
