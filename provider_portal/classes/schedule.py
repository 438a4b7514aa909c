"""Which lessons a weekly schedule yields: every slot's weekday between start and end, except
Dutch public holidays and the provider's closures. Pure logic, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from scheduler.common.calendar import is_public_holiday


@dataclass(frozen=True, order=True)
class PlannedLesson:
    lesson_date: date
    start_time: time
    end_time: time


@dataclass(frozen=True)
class WeeklySlot:
    weekday: int  # 0 = Monday
    start_time: time
    end_time: time


def lesson_plan(
    first: date, last: date, slots: Iterable[WeeklySlot], closed: Iterable[tuple[date, date]]
) -> list[PlannedLesson]:
    """The lessons of a class in date order; closures are inclusive (first_day, last_day) pairs."""
    closures = list(closed)
    planned: list[PlannedLesson] = []
    for slot in slots:
        day = first + timedelta(days=(slot.weekday - first.weekday()) % 7)
        while day <= last:
            if not is_public_holiday(day) and not any(a <= day <= b for a, b in closures):
                planned.append(PlannedLesson(day, slot.start_time, slot.end_time))
            day += timedelta(days=7)
    return sorted(planned)
