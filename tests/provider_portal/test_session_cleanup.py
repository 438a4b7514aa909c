"""Ended log-ins (user_session rows revoked, or expired by age) are deleted once they have been ended
for SESSION_RETENTION_DAYS: by the jobs process's nightly housekeeping and by a `flask` command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from provider_portal.auth.sessions import purge_ended
from provider_portal.config import ConfigError, load_config
from provider_portal.jobs.process import JobSettings, tick
from provider_portal.jobs.queue import run_pending
from provider_portal.models import Job, UserSession
from provider_portal.models.enums import Role
from tests.factories import make_provider, make_user

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
LIFETIME = timedelta(hours=8)


def _arrange(db: Session) -> dict[str, int]:
    """One row of each kind, by name: which must go and which must stay with 30 days' retention."""
    user = make_user(db, make_provider(db), role=Role.PROVIDER_ADMIN)
    rows = {
        "live": (NOW - timedelta(hours=1), None),
        "revoked_long_ago": (NOW - timedelta(days=40), NOW - timedelta(days=31)),
        "revoked_recently": (NOW - timedelta(days=29, hours=1), NOW - timedelta(days=29)),
        # revoked recently, but it had expired by age long before: ended long ago
        "revoked_recently_expired_long_ago": (NOW - timedelta(days=40), NOW - timedelta(days=29)),
        "expired_long_ago": (NOW - timedelta(days=31) - LIFETIME, None),
        "expired_recently": (NOW - timedelta(days=29) - LIFETIME, None),
        "revoked_today_of_an_old_login": (NOW - timedelta(hours=7), NOW - timedelta(hours=2)),
    }
    ids = {}
    for name, (created, revoked) in rows.items():
        row = UserSession(user_id=user.id, token_hash=name.ljust(64, "x")[:64], created_at=created,
                          revoked_at=revoked)
        db.add(row)
        db.commit()
        ids[name] = row.id
    return ids


def _left(db: Session, ids: dict[str, int]) -> set[str]:
    db.expire_all()
    present = set(db.execute(sa.select(UserSession.id)).scalars())
    return {name for name, row_id in ids.items() if row_id in present}


KEPT = {"live", "revoked_recently", "expired_recently", "revoked_today_of_an_old_login"}


def test_only_logins_ended_longer_ago_than_the_retention_are_deleted(db) -> None:
    ids = _arrange(db)
    deleted = purge_ended(db, now=NOW, lifetime=LIFETIME, retention=timedelta(days=30))
    db.commit()
    assert deleted == 3 and _left(db, ids) == KEPT


def test_the_nightly_housekeeping_deletes_ended_logins_with_the_settings_retention(app, db, engine,
                                                                                  frozen_now) -> None:
    ids = _arrange(db)
    frozen_now(NOW)
    settings = JobSettings.from_config({**app.config, "SESSION_RETENTION_DAYS": 30})
    tick(app.config["DATABASE_URL"], housekeeping_params=settings.housekeeping_params())
    assert run_pending(engine, limit=10) >= 1
    job = db.execute(sa.select(Job).where(Job.kind == "housekeeping")).scalar_one()
    assert job.status == "succeeded" and job.result["sessions_deleted"] == 3
    assert job.result["session_retention_days"] == 30
    assert _left(db, ids) == KEPT


def test_a_shorter_retention_setting_deletes_more(app, db, engine, frozen_now) -> None:
    ids = _arrange(db)
    frozen_now(NOW)
    settings = JobSettings.from_config({**app.config, "SESSION_RETENTION_DAYS": 0})
    tick(app.config["DATABASE_URL"], housekeeping_params=settings.housekeeping_params())
    run_pending(engine, limit=10)
    assert _left(db, ids) == {"live"}  # ended is ended: only the live log-in stays


def test_the_flask_command_deletes_ended_logins(app, db, frozen_now) -> None:
    ids = _arrange(db)
    frozen_now(NOW)
    result = app.test_cli_runner().invoke(args=["users", "purge-sessions"])
    assert result.exit_code == 0, result.output
    assert "deleted 3 ended log-in(s) older than 30 day(s)" in result.output
    assert _left(db, ids) == KEPT
    again = app.test_cli_runner().invoke(args=["users", "purge-sessions", "--days", "0"])
    assert "deleted 3 " in again.output and _left(db, ids) == {"live"}
    refused = app.test_cli_runner().invoke(args=["users", "purge-sessions", "--days", "-1"])
    assert refused.exit_code != 0 and "--days" in refused.output


def test_the_retention_is_a_setting_of_thirty_days_by_default() -> None:
    assert load_config({})["SESSION_RETENTION_DAYS"] == 30
    assert load_config({"SESSION_RETENTION_DAYS": "7"})["SESSION_RETENTION_DAYS"] == 7
    with pytest.raises(ConfigError, match="SESSION_RETENTION_DAYS"):
        load_config({"SESSION_RETENTION_DAYS": "a month"})
