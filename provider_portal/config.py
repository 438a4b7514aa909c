"""All settings come from the environment, read in this one module.

Demo mode (the default) generates a secret key into `instance/` and uses SQLite there, so a
newcomer needs nothing installed. Production mode (`PORTAL_ENV=production`) refuses to start
without an explicit `SECRET_KEY` and `DATABASE_URL`, and marks cookies Secure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from limits import parse_many

from provider_portal.mail.smtp import SmtpConfigError, SmtpSettings, smtp_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
TIMEZONE = "Europe/Amsterdam"
LANGUAGES = ("nl", "en")


class ConfigError(RuntimeError):
    """A required setting is missing or unsafe; the message says which and how to set it."""


def _instance_secret(instance: Path) -> str:
    """Read or create the demo secret key in the instance folder (never used in production)."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain `postgres://` / `postgresql://` URLs as hosting platforms hand them out."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _rate_limit(env: Mapping[str, str], name: str, default: str) -> str:
    """A Flask-Limiter rate such as `10 per minute;30 per hour`, checked at start, not at the first log-in."""
    value = env.get(name, default)
    try:
        parse_many(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a rate such as '10 per minute' or '10 per minute;30 per hour', "
                          f"not {value!r}") from exc
    return value


def _count(env: Mapping[str, str], name: str, default: int = 0) -> int:
    """A whole number of 0 or more, or a ConfigError naming the setting."""
    value = env.get(name, str(default)).strip()
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


STAFF_ROLES = ("provider_admin", "teacher", "finance", "planner", "platform_admin")


def _roles(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of staff roles (learners never use two-factor log-in)."""
    roles = tuple(part.strip() for part in env.get(name, "").split(",") if part.strip())
    unknown = [role for role in roles if role not in STAFF_ROLES]
    if unknown:
        raise ConfigError(f"{name} takes a comma-separated list of {', '.join(STAFF_ROLES)}; "
                          f"not {', '.join(unknown)}")
    return roles
def _at_least_one(env: Mapping[str, str], name: str, default: int) -> int:
    """A whole number of 1 or more, or a ConfigError naming the setting."""
    value = _count(env, name, default)
    if value < 1:
        raise ConfigError(f"{name} must be at least 1, not {value}")
    return value


def _upload_limit(env: Mapping[str, str]) -> int:
    """MAX_UPLOAD_MB (default 10) in bytes: Flask answers 413 to a larger request body."""
    megabytes = _count(env, "MAX_UPLOAD_MB", 10)
    if megabytes < 1:
        raise ConfigError("MAX_UPLOAD_MB must be at least 1 (megabytes per request)")
    return megabytes * 1024 * 1024


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    """SMTP_* (None without SMTP_HOST: e-mail is not set up), checked at start."""
    try:
        return smtp_settings(env)
    except SmtpConfigError as exc:
        raise ConfigError(str(exc)) from exc


def load_config(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask config mapping from the environment."""
    env = os.environ if env is None else env
    production = env.get("PORTAL_ENV", "demo") == "production"
    instance = Path(env.get("PORTAL_INSTANCE_PATH", str(DEFAULT_INSTANCE)))
    secret = env.get("SECRET_KEY", "")
    if production and len(secret) < 32:
        raise ConfigError("PORTAL_ENV=production needs SECRET_KEY set to at least 32 random "
                          "characters, e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'")
    if production and not env.get("DATABASE_URL"):
        raise ConfigError("PORTAL_ENV=production needs DATABASE_URL (postgresql://user@host/db)")
    duo_oin = env.get("DUO_OIN", "")
    if duo_oin and not (len(duo_oin) == 20 and duo_oin.isdigit()):
        raise ConfigError(f"DUO_OIN must be DUO's OIN: exactly 20 digits, leading zeros included "
                          f"(Logius's OIN register), not {duo_oin!r}")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance / 'portal.sqlite3'}"
    return {
        "PORTAL_ENV": "production" if production else "demo",
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": secret or _instance_secret(instance),
        "DATABASE_URL": normalise_database_url(database_url),
        "DUO_OIN": duo_oin,
        "SMTP": _smtp(env),  # the jobs process reads the same variables when it sends (mail.runs)
        "TIMEZONE": TIMEZONE,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": TIMEZONE,
        "LANGUAGES": LANGUAGES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "LOGIN_RATE_LIMIT": _rate_limit(env, "LOGIN_RATE_LIMIT", "60 per minute"),
        "LOGIN_ACCOUNT_RATE_LIMIT": _rate_limit(env, "LOGIN_ACCOUNT_RATE_LIMIT", "10 per minute;30 per hour"),
        "PRESENCE_RATE_LIMIT": _rate_limit(env, "PRESENCE_RATE_LIMIT", "10 per minute;60 per hour"),
        "TRUSTED_PROXIES": _count(env, "TRUSTED_PROXIES"),
        "TWO_FACTOR_REQUIRED_ROLES": _roles(env, "TWO_FACTOR_REQUIRED_ROLES"),
        # revoked or expired user_session rows older than this are deleted by the nightly housekeeping
        "SESSION_RETENTION_DAYS": _count(env, "SESSION_RETENTION_DAYS", 30),
        # the largest request body (uploads): 10 MB holds an import's 5,000 rows many times over
        "MAX_CONTENT_LENGTH": _upload_limit(env),
        "PAGE_SIZE": int(env.get("PAGE_SIZE", "25")),
        "JOBS_POLL_SECONDS": float(env.get("JOBS_POLL_SECONDS", "2")),
        "JOBS_WORKERS": int(env.get("JOBS_WORKERS", "2")),
        "JOBS_SOLVER_WORKERS": int(env.get("JOBS_SOLVER_WORKERS", "0")),  # 0: one fewer than JOBS_WORKERS
        "JOBS_TICK_SECONDS": float(env.get("JOBS_TICK_SECONDS", "60")),
        "JOBS_HEARTBEAT_SECONDS": float(env.get("JOBS_HEARTBEAT_SECONDS", "10")),
        "JOBS_STALE_SECONDS": float(env.get("JOBS_STALE_SECONDS", "120")),
        "JOBS_MAX_ATTEMPTS": int(env.get("JOBS_MAX_ATTEMPTS", "3")),
        "JOBS_SOLVER_CPU_SECONDS": int(env.get("JOBS_SOLVER_CPU_SECONDS", "1500")),
        "JOBS_SOLVER_THREADS": _at_least_one(env, "JOBS_SOLVER_THREADS", 2),
        "JOBS_GRACE_SECONDS": float(env.get("JOBS_GRACE_SECONDS", "60")),
        "JOBS_IMPORT_ROWS": _count(env, "JOBS_IMPORT_ROWS", 500),
        "ATTENDANCE_ALERT_THRESHOLD": float(env.get("ATTENDANCE_ALERT_THRESHOLD", "0.8")),
        "ATTENDANCE_ALERT_WEEKS": int(env.get("ATTENDANCE_ALERT_WEEKS", "4")),
    }
