"""`flask --app provider_portal invoices verify`: recompute every provider's hash chain."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from provider_portal import db as portal_db

invoices_cli = AppGroup("invoices", help="Invoices and credit notes.")


@invoices_cli.command("verify")
def verify() -> None:
    """Report every issued document whose contents or chain link were altered; exit 1 if any."""
    from provider_portal.invoicing.chain import verify as verify_chain

    with portal_db.unit_of_work(portal_db.engine()) as session:
        breaks = verify_chain(session)
    if not breaks:
        click.echo("hash chains intact: no issued invoice or credit note was altered")
        return
    for item in breaks:
        click.echo(f"TAMPERED {item}", err=True)
    raise SystemExit(1)
