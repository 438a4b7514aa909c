"""Empty every table between tests: a fresh database without re-running the migrations."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

import provider_portal.models  # noqa: F401  (registers every table)


def wipe(engine: sa.Engine) -> None:
    """Delete all rows (PostgreSQL: TRUNCATE ... RESTART IDENTITY) keeping the schema."""
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
