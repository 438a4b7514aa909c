"""Databases for the benchmarks: a fresh, empty PostgreSQL database to migrate and fill."""

from __future__ import annotations

import sqlalchemy as sa


def fresh_postgres(admin_url: str, name: str) -> str:
    """Drop and create database `name` on `admin_url`'s server; return its URL."""
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
