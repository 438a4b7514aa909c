"""The schema is Alembic's: the migrations build exactly what the models describe."""

from __future__ import annotations

import sqlalchemy as sa

from provider_portal import migrate


def test_models_and_migrations_agree(database_url: str) -> None:
    migrate.check(database_url)


def test_apschedulers_former_job_store_table_is_gone(engine) -> None:
    """The jobs process keeps its ticks in memory (scheduled work is derived on every tick)."""
    assert "apscheduler_jobs" not in sa.inspect(engine).get_table_names()


def test_no_code_outside_tests_creates_tables_by_hand() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        str(p)
        for folder in ("provider_portal", "billing", "scheduler")
        for p in (root / folder).rglob("*.py")
        if "create_all(" in p.read_text(encoding="utf-8")
    ]
    assert offenders == []
