"""The primary key of a stored row, typed as the `int` it is once the row is flushed.

A table's `id` is `int | None` because it is None until the INSERT; code that works with stored rows
(foreign keys of new rows, keys of dictionaries) takes the key through `pk`, which refuses a row that
was never flushed instead of writing a NULL foreign key.
"""

from __future__ import annotations

from typing import Protocol


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def pk(row: _Row) -> int:
    """`row.id`; a row without one (not flushed yet) is a programming error, raised at once."""
    key = row.id
    if key is None:
        raise ValueError(f"{type(row).__name__} has no primary key yet: flush it first")
    return key
