"""Paging through a SELECT, the same way on every list page."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import abort
from sqlmodel import Session

from provider_portal.input_guards import MAX_DB_INT

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of results and where it lies among all pages."""

    items: list[T]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def paginate(session: Session, stmt: sa.Select[Any], number: int, size: int) -> Page[Any]:
    """Count, then fetch one page; a page past the end is a 404, not an empty list."""
    total = session.execute(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery()))
    count = int(total.scalar_one())
    page: Page[Any] = Page([], max(1, number), size, count)
    if page.number > page.pages:
        abort(404)
    rows = session.execute(stmt.limit(size).offset((page.number - 1) * size)).scalars().all()
    return Page(list(rows), page.number, size, count)


def get_or_404(session: Session, model: type[T], ident: int) -> T:
    """Load by id through the tenant filter: another tenant's row is simply not found.

    An id the database cannot hold (above 2^31 - 1, e.g. from a query string) is not found either.
    """
    if not 0 < ident <= MAX_DB_INT:
        abort(404)
    row = session.execute(sa.select(model).where(model.id == ident)).scalar_one_or_none()  # type: ignore[attr-defined]
    if row is None:
        abort(404)
    return row
