"""The schema is Alembic's: the migrations build exactly what the models describe."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

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


def test_h14c_stores_municipalities_by_their_cbs_name(tmp_path) -> None:
    """'Den Haag' and 'Rijswijk' become the CBS names; the downgrade restores them."""
    url = f"sqlite:///{tmp_path / 'names.sqlite3'}"
    migrate.upgrade(url, "a61f2c9d7e10")
    engine = sa.create_engine(url)
    with engine.begin() as db:
        for town in ("Den Haag", "Rijswijk", "Utrecht"):
            db.execute(sa.text("INSERT INTO trainer (municipality, name, email) VALUES (:t, :t, '')"),
                       {"t": town})
    migrate.upgrade(url, "b3c4d5e6f7a8")
    with engine.connect() as db:
        towns = db.execute(sa.text("SELECT municipality FROM trainer ORDER BY id")).scalars().all()
    assert towns == ["'s-Gravenhage", "Rijswijk (ZH.)", "Utrecht"]
    command.downgrade(migrate.alembic_config(url), "a61f2c9d7e10")
    with engine.connect() as db:
        towns = db.execute(sa.text("SELECT municipality FROM trainer ORDER BY id")).scalars().all()
    assert towns == ["Den Haag", "Rijswijk", "Utrecht"]
    engine.dispose()
