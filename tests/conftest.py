"""Fixtures shared by every test: one migrated database per run, wiped before each test.

The database is SQLite in a temporary folder unless TEST_DATABASE_URL names another (CI runs the
suite a second time against a fresh PostgreSQL database). The schema comes from the Alembic
migrations, so every run also proves that the migrations build what the models describe.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine
from sqlmodel import Session

from provider_portal import create_app, migrate
from provider_portal.config import normalise_database_url
from tests.db_reset import wipe
from tests.web import Client


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = normalise_database_url(url)
    migrate.upgrade(url)
    return url


@pytest.fixture()
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "RATELIMIT_STORAGE_URI": "memory://",
            "PAGE_SIZE": 10,
        }
    )
    app.test_client_class = Client  # closes the request bodies it spools to temporary files
    engine: Engine = app.extensions["db_engine"]
    wipe(engine)
    yield app
    _wait_for_checked_in(engine)
    engine.dispose()


def _wait_for_checked_in(engine: Engine, timeout: float = 10.0) -> None:
    """Let threads a test started hand their connections back before the pool is disposed.

    A connection checked in after `dispose()` goes to the discarded pool and is dropped unclosed
    later, in whichever test the garbage collector happens to run (a ResourceWarning, an error).
    """
    import time

    checked_out = getattr(engine.pool, "checkedout", lambda: 0)
    deadline = time.monotonic() + timeout
    while checked_out() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not checked_out(), f"{checked_out()} database connection(s) still in use after the test"


@pytest.fixture()
def engine(app: Flask) -> Engine:
    return app.extensions["db_engine"]


@pytest.fixture()
def db(engine: Engine) -> Iterator[Session]:
    """A plain session (no tenant filter) for arranging and asserting."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def frozen_now(monkeypatch: pytest.MonkeyPatch):
    """Pin the portal's Amsterdam clock: `frozen_now(datetime)` sets it, returning the aware value."""
    from datetime import datetime

    from provider_portal import clock

    def freeze(moment: datetime) -> datetime:
        aware = moment.replace(tzinfo=clock.AMSTERDAM) if moment.tzinfo is None else moment
        monkeypatch.setattr(clock, "now", lambda: aware)
        return aware

    return freeze


@pytest.fixture()
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A real SMTP server on a free local port (aiosmtpd), the portal and the jobs code pointed at it;
    yields its inbox (tests/mail_server.py)."""
    from tests.mail_server import serve

    yield from serve(app, monkeypatch)
