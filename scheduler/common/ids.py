"""Ids in a problem file: each list's ids are unique, so a reference names one record."""

from __future__ import annotations

from collections.abc import Iterable

from scheduler.common.errors import ProblemInputError


def unique_ids(ids: Iterable[str], key: str) -> dict[str, int]:
    """Each id of the list `key` with its position; ProblemInputError at an id's second use."""
    seen: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if ident in seen:
            raise ProblemInputError(f"{key}[{i}].id", f"duplicate id {ident!r} (also {key}[{seen[ident]}])")
        seen[ident] = i
    return seen
