"""Calendar quarters ("2026-Q3") and whole-month date arithmetic for DUO's deadlines."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from billing.errors import BillingInputError

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """A calendar quarter; ordered, hashable and printed as `2026-Q3`, the form used in files."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise BillingInputError("quarter", f"quarter number {self.number} is not 1-4")
        if not 1 <= self.year <= 9999:
            raise BillingInputError("quarter", f"year {self.year} is out of range")

    @classmethod
    def parse(cls, text: str, where: str = "quarter") -> Quarter:
        """Parse `YYYY-Qn`; anything else is a BillingInputError naming `where`."""
        match = _QUARTER.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise BillingInputError(where, f"{text!r} is not a quarter such as \"2026-Q3\"")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a date falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        """1 January, 1 April, 1 July or 1 October."""
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        """31 March, 30 June, 30 September or 31 December."""
        month = 3 * self.number
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def next(self) -> Quarter:
        """The following quarter."""
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def prev(self) -> Quarter:
        """The preceding quarter."""
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the month's end (31 Oct + 4 months = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
