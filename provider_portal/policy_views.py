"""The platform admin's page of dated policy figures (lead time, attempts, fee, exemption)."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.validators import InputRequired

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.db import get_session
from provider_portal.errors import show_refusals_on
from provider_portal.exam_path.forms import DecimalCommaField
from provider_portal.forms_common import DateField, choices
from provider_portal.models.enums import Role
from provider_portal.models.types import to_cents
from provider_portal.policy import POLICIES, UNITS, add_setting, figures_on, history
from provider_portal.service_errors import DomainError

bp = Blueprint("policy", __name__, url_prefix="/admin/policy")


class PolicyForm(FlaskForm):
    key = SelectField(_l("Figure"), choices=choices((k, p.label) for k, p in POLICIES.items()))
    value = DecimalCommaField(_l("New value (weeks, times, hours or euros)"), validators=[InputRequired()])
    effective_from = DateField(_l("Applies from"), validators=[InputRequired()])


def stored_value(key: str, value: Decimal) -> int:
    """The form's number as stored: euros become cents, the other figures must be whole."""
    if POLICIES[key].unit == "cents":
        return to_cents(value)
    if value != value.to_integral_value():
        raise DomainError("value", _l("Value: enter a whole number."))
    return int(value)


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.PLATFORM_ADMIN)
def index() -> str | Response:
    session, form = get_session(), PolicyForm()

    def page() -> str:
        return render_template("policy/index.html", form=form, policies=POLICIES, units=UNITS,
                               history=history(session), now=figures_on(session, clock.today()))

    if form.validate_on_submit():
        key = form.key.data or ""
        show_refusals_on(form, page)
        add_setting(session, key, stored_value(key, form.value.data), form.effective_from.data,
                    current_user.id)
        flash(_("Setting added."), "success")
        return redirect(url_for("policy.index"))
    return page()
