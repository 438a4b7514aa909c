"""The platform admin's page of dated policy figures (lead time, attempts, fee, exemption)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.validators import InputRequired

from provider_portal import clock
from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.exam_path.forms import DecimalCommaField
from provider_portal.forms_common import DateField, choices
from provider_portal.models import PolicySetting
from provider_portal.models.enums import Role
from provider_portal.models.types import to_cents
from provider_portal.pagination import get_or_404
from provider_portal.policy import (
    LAW_START,
    POLICIES,
    UNITS,
    add_setting,
    correct_setting,
    correctable,
    figures_on,
    history,
    stored,
)
from provider_portal.service_errors import DomainError

bp = Blueprint("policy", __name__, url_prefix="/admin/policy")


class PolicyForm(FlaskForm):
    key = SelectField(_l("Figure"), choices=choices((k, p.label) for k, p in POLICIES.items()))
    value = DecimalCommaField(_l("New value (weeks, times, hours or euros)"), validators=[InputRequired()])
    effective_from = DateField(_l("Applies from"), validators=[InputRequired()])


class FigureField(DecimalCommaField):
    """A figure as the reader writes it: 3 weeks or times, 52,50 euros (not 3.00)."""

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        whole = self.data == self.data.to_integral_value()
        return str(int(self.data)) if whole else f"{self.data:.2f}".replace(".", ",")


class CorrectionForm(FlaskForm):
    value = FigureField(_l("Value (weeks, times, hours or euros)"), validators=[InputRequired()])
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
        today = clock.today()
        rows = {key: {row.effective_from: row for row in items} for key, items in stored(session).items()}
        return render_template("policy/index.html", form=form, policies=POLICIES, units=UNITS,
                               history=history(session), now=figures_on(session, today), rows=rows,
                               law_start=LAW_START, correctable=lambda row: correctable(row, today))

    if form.validate_on_submit():
        key = form.key.data or ""
        show_refusals_on(form, page)
        with unit_of_work():
            add_setting(session, key, stored_value(key, cast(Decimal, form.value.data)),
                        cast(date, form.effective_from.data), current_user.id)
        flash(_("Setting added."), "success")
        return redirect(url_for("policy.index"))
    return page()


@bp.route("/<int:setting_id>", methods=["GET", "POST"])
@roles_required(Role.PLATFORM_ADMIN)
def correct(setting_id: int) -> str | Response | tuple[str, int]:
    """Correct a demo value or a setting not yet in force (a setting in force is never rewritten)."""
    session = get_session()
    setting = get_or_404(session, PolicySetting, setting_id)
    policy = POLICIES.get(setting.key)
    if policy is None or not correctable(setting, clock.today()):
        flash(_("This setting is in force: add a new setting instead."), "error")
        return redirect(url_for("policy.index"))
    form = CorrectionForm()
    if request.method == "GET":
        shown = Decimal(setting.value) / 100 if policy.unit == "cents" else Decimal(setting.value)
        form.value.data, form.effective_from.data = cast(Any, shown), setting.effective_from

    def page() -> str:
        return render_template("policy/correct.html", form=form, setting=setting, policy=policy)

    if form.validate_on_submit():
        show_refusals_on(form, page, 422)
        with unit_of_work():
            correct_setting(session, setting, stored_value(setting.key, cast(Decimal, form.value.data)),
                            cast(date, form.effective_from.data), current_user.id, clock.today())
        flash(_("Setting corrected."), "success")
        return redirect(url_for("policy.index") + f"#policy-{setting.key}")
    return page(), 422 if request.method == "POST" else 200
