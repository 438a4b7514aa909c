"""Gapless numbers per provider, series and year, taken in the caller's transaction.

The counter row is read `FOR UPDATE` (PostgreSQL; SQLite serialises writers with its database
lock) and bumped with a conditional UPDATE (`... WHERE last_number = :seen`), a compare-and-set
that stays safe should the lock be missing: a concurrent transaction re-reads and retries. The
lock is held until commit, so the `H` counter is also the lock on the head of the hash chain: the
document that takes chain position n reads the hash of n - 1 only after its issuer committed.
Because the number is taken in the same transaction that issues the document, a rollback
returns it: no gaps.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from provider_portal.models import DocumentCounter

INVOICE_SERIES, CREDIT_SERIES, CHAIN_SERIES = "F", "C", "H"
_ATTEMPTS = 50


def next_number(session: Session, provider_id: int, series: str, year: int) -> int:
    """Take the next number of the series; the caller commits (or rolls back) with its document."""
    key = (
        col(DocumentCounter.provider_id) == provider_id,
        col(DocumentCounter.series) == series,
        col(DocumentCounter.year) == year,
    )
    for _ in range(_ATTEMPTS):
        seen = session.execute(
            sa.select(col(DocumentCounter.last_number))
            .where(*key)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if seen is None:
            if _insert_first(session, provider_id, series, year):
                return 1
            continue
        bumped = session.execute(
            sa.update(DocumentCounter)
            .where(*key, col(DocumentCounter.last_number) == seen)
            .values(last_number=seen + 1)
            .execution_options(synchronize_session=False)
        )
        if cast("CursorResult[Any]", bumped).rowcount == 1:
            return seen + 1
    raise RuntimeError(f"could not take a number of series {series} for provider {provider_id}")


def _insert_first(session: Session, provider_id: int, series: str, year: int) -> bool:
    """Create the counter at 1; False when another transaction created it first.

    `INSERT ... ON CONFLICT DO NOTHING` rather than a savepoint: pysqlite commits a savepoint
    opened outside a transaction, which would leave a gap after a rollback.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(DocumentCounter)
        .values(provider_id=provider_id, series=series, year=year, last_number=1)
        .on_conflict_do_nothing()
    )
    return session.execute(stmt.returning(col(DocumentCounter.last_number))).first() is not None


def invoice_number(year: int, number: int) -> str:
    """`2026-00042`."""
    return f"{year}-{number:05d}"


def credit_note_number(year: int, number: int) -> str:
    """`C2026-00007`: credit notes have their own series."""
    return f"C{year}-{number:05d}"
