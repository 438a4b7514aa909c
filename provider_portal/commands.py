"""`flask --app provider_portal ...` commands: database, demo data, jobs process, accounts."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from provider_portal import db as portal_db
from provider_portal import migrate

db_cli = AppGroup("db", help="Database schema (Alembic).")
demo_cli = AppGroup("demo", help="Demo data.")
jobs_cli = AppGroup("jobs", help="The background jobs process.")
users_cli = AppGroup("users", help="Accounts.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration not yet applied."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database is up to date")


@db_cli.command("check")
def db_check() -> None:
    """Fail when the models have changes without a migration."""
    migrate.check(current_app.config["DATABASE_URL"])
    click.echo("models and migrations agree")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create the demo providers, staff and learners once; print the demo logins."""
    from provider_portal.demo import DEMO_PASSWORD, seed

    with portal_db.unit_of_work(portal_db.engine()) as session:
        created, logins = seed(session)
    click.echo("demo data created" if created else "demo data already present (nothing changed)")
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for email, role in logins:
        click.echo(f"  {role:<15} {email}")


@jobs_cli.command("run")
@click.option("--once", is_flag=True, help="Run what is queued now and exit (no scheduler).")
def jobs_run(once: bool) -> None:
    """Start the jobs process (ticks and workers); run it beside, never inside, the web workers."""
    import logging

    from provider_portal.jobs.process import JobSettings, run_process
    from provider_portal.jobs.queue import run_pending

    config = current_app.config
    if once:
        threads = config["JOBS_SOLVER_THREADS"]
        click.echo(f"ran {run_pending(portal_db.engine(), limit=1000, solver_threads=threads)} job(s)")
        return
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("provider_portal").setLevel(logging.INFO)  # one line per job start and end
    settings = JobSettings.from_config(config)
    click.echo(f"jobs process started with {settings.workers} worker(s); Ctrl+C stops it")
    run_process(config["DATABASE_URL"], config["TIMEZONE"], settings)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["provider_admin", "teacher", "finance",
                                                          "planner", "platform_admin"]))
@click.option("--provider-bow", help="BOW number of the provider (provider staff only).")
@click.option("--municipality", "municipalities", multiple=True, help="For planners; repeatable.")
@click.password_option()
def users_create(email: str, name: str, role: str, provider_bow: str | None,
                 municipalities: tuple[str, ...], password: str) -> None:
    """Create an account (e.g. the first provider admin, or a planner with municipalities)."""
    from flask_babel import force_locale

    from provider_portal.users.service import UserError, create_account

    # The service's messages are translatable; without a request there is no language to pick.
    with force_locale("en"), portal_db.unit_of_work(portal_db.engine()) as session:
        try:
            user = create_account(session, email=email, name=name, role=role, password=password,
                                  provider_bow=provider_bow, municipalities=municipalities)
        except UserError as exc:
            raise click.UsageError(f"{exc.field}: {exc.message}") from exc
        click.echo(f"created {user.role} {user.email}")


@users_cli.command("purge-sessions")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Delete log-ins that ended more than this many days ago (default SESSION_RETENTION_DAYS).")
def users_purge_sessions(days: int | None) -> None:
    """Delete ended log-ins (logged out, revoked or expired) from user_session; live ones stay."""
    from datetime import timedelta

    from provider_portal import clock
    from provider_portal.auth.sessions import purge_ended

    config = current_app.config
    days = config["SESSION_RETENTION_DAYS"] if days is None else days
    lifetime = config["PERMANENT_SESSION_LIFETIME"]
    lifetime = lifetime if isinstance(lifetime, timedelta) else timedelta(seconds=int(lifetime))
    with portal_db.unit_of_work(portal_db.engine()) as session:
        deleted = purge_ended(session, now=clock.now(), lifetime=lifetime, retention=timedelta(days=days))
    click.echo(f"deleted {deleted} ended log-in(s) older than {days} day(s)")


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    from provider_portal.invoicing.commands import invoices_cli

    for group in (db_cli, demo_cli, jobs_cli, users_cli, invoices_cli):
        app.cli.add_command(group)
