"""The schema is Alembic's: the migrations build exactly what the models describe."""

from __future__ import annotations

import sqlalchemy as sa

from provider_portal import migrate
from provider_portal.models.scheduler_store import APSCHEDULER_TABLE


def test_models_and_migrations_agree(database_url: str) -> None:
    migrate.check(database_url)


def test_the_migrations_create_apschedulers_job_store_table(engine) -> None:
    assert APSCHEDULER_TABLE in sa.inspect(engine).get_table_names()


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
