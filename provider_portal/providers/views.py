"""Provider settings: the admin edits name, BOW number, Keurmerk, KvK, IBAN and address."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal.access import PROVIDER_STAFF, roles_required
from provider_portal.auth.two_factor import end_sessions_without_two_factor
from provider_portal.db import get_session, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.models import Provider
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404
from provider_portal.providers.forms import KEURMERK_LABELS, ProviderForm
from provider_portal.providers.onboarding import save_settings

bp = Blueprint("providers", __name__, url_prefix="/provider")


@bp.route("/")
@roles_required(*PROVIDER_STAFF)
def settings() -> str:
    provider = get_or_404(get_session(), Provider, current_user.provider_id)
    return render_template("providers/settings.html", provider=provider, keurmerk=KEURMERK_LABELS,
                           can_edit=current_user.role == Role.PROVIDER_ADMIN)


@bp.route("/edit", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def edit() -> str | Response:
    session = get_session()
    provider = get_or_404(session, Provider, current_user.provider_id)
    form = ProviderForm(obj=provider)
    was_required = provider.require_two_factor
    if form.validate_on_submit():
        newly_required = form.require_two_factor.data and not was_required
        if newly_required and not current_user.has_two_factor:
            form.require_two_factor.errors = [
                _("Set up two-factor log-in for your own account first (your name, top right).")]
            return render_template("providers/form.html", form=form)
        show_refusals_on(form, lambda: render_template("providers/form.html", form=form))
        with unit_of_work():
            form.populate_obj(provider)
            save_settings(session, provider)
            if newly_required:  # staff without a second factor log in again, and set one up then
                end_sessions_without_two_factor(session, provider.id)
        flash(_("Provider settings saved."), "success")
        if newly_required:
            flash(_("Two-factor log-in is now required: staff without it set it up at their next "
                    "log-in; their sessions have ended."), "info")
        return redirect(url_for("providers.settings"))
    return render_template("providers/form.html", form=form)
