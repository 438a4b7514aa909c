"""The dated cap setting: a platform admin adds e.g. EUR 2000 from a later quarter, without code."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session, col
from werkzeug.wrappers import Response

from billing.quarters import Quarter
from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.invoicing.errors import InvoicingError
from provider_portal.invoicing.forms import CapForm
from provider_portal.models import CapSetting
from provider_portal.models.enums import Role
from provider_portal.models.types import to_cents

bp = Blueprint("invoice_caps", __name__, url_prefix="/admin/invoice-caps")


def add_cap_setting(
    session: Session, amount_cents: int, effective_from: Quarter, created_by_id: int | None = None
) -> CapSetting:
    """Store a new dated cap; one setting per starting quarter, so history stays readable."""
    if amount_cents <= 0:
        raise InvoicingError(_("The cap must be above zero."), "amount")
    exists = session.execute(
        sa.select(col(CapSetting.id)).where(col(CapSetting.effective_from) == str(effective_from))
    ).scalar_one_or_none()
    if exists is not None:
        raise InvoicingError(_("A cap setting already starts in %(quarter)s.", quarter=str(effective_from)),
                             "effective_from")
    setting = CapSetting(
        amount_cents=amount_cents, effective_from=str(effective_from), created_by_id=created_by_id
    )
    session.add(setting)
    session.flush()
    return setting


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.PLATFORM_ADMIN)
def index() -> str | Response:
    form = CapForm()
    if form.validate_on_submit():
        show_refusals_on(form, lambda: _page(form))
        with unit_of_work() as session:
            add_cap_setting(
                session, to_cents(form.amount.data or Decimal(0)), Quarter.parse(form.effective_from.data),
                current_user.id
            )
        flash(_("Cap setting added."), "success")
        return redirect(url_for("invoice_caps.index"))
    return _page(form)


def _page(form: CapForm) -> str:
    return render_template("invoicing/caps.html", form=form, settings=cap_settings(get_session()))


def cap_settings(session: Session) -> list[CapSetting]:
    """Every dated cap setting, the earliest first."""
    return list(session.execute(sa.select(CapSetting).order_by(col(CapSetting.effective_from))).scalars())
