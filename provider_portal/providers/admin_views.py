"""Providers as a platform admin sees them: the list, and onboarding a new one with its first admin."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.models.enums import Role
from provider_portal.providers.forms import KEURMERK_LABELS, OnboardingForm
from provider_portal.providers.onboarding import (
    ProviderData,
    list_providers,
    onboard_provider,
)

bp = Blueprint("provider_admin", __name__, url_prefix="/admin/providers")


@bp.route("/")
@roles_required(Role.PLATFORM_ADMIN)
def index() -> str:
    return render_template("providers/admin_list.html", providers=list_providers(get_session()),
                           keurmerk=KEURMERK_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.PLATFORM_ADMIN)
def create() -> str | Response:
    form = OnboardingForm()
    if form.validate_on_submit():
        data = ProviderData(**{f: getattr(form, f).data for f in ProviderData.__dataclass_fields__})
        show_refusals_on(form, lambda: render_template("providers/admin_new.html", form=form))
        with unit_of_work() as session:
            provider, admin = onboard_provider(
                session, current_user, data, admin_name=form.admin_name.data or "",
                admin_email=form.admin_email.data or "", admin_password=form.admin_password.data or "")
        flash(_("%(name)s is onboarded; %(email)s can log in as its administrator.",
                name=provider.name, email=admin.email), "success")
        return redirect(url_for("provider_admin.index"))
    return render_template("providers/admin_new.html", form=form)
