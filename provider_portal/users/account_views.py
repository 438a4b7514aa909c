"""Planner and platform-admin accounts, managed by a platform admin (no command line needed)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from provider_portal.access import roles_required
from provider_portal.db import get_session
from provider_portal.models import User
from provider_portal.models.enums import Role
from provider_portal.users.accounts import (
    create_platform_account,
    get_platform_account,
    list_platform_accounts,
    set_active,
)
from provider_portal.users.forms import ROLE_LABELS, PasswordResetForm, PlatformAccountForm
from provider_portal.users.service import UserError, reset_password

bp = Blueprint("accounts", __name__, url_prefix="/admin/accounts")


def _account_or_404(user_id: int) -> User:
    user = get_platform_account(get_session(), user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/")
@roles_required(Role.PLATFORM_ADMIN)
def index() -> str:
    return render_template("users/accounts.html", accounts=list_platform_accounts(get_session()),
                           roles=ROLE_LABELS, form=FlaskForm())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.PLATFORM_ADMIN)
def create() -> str | Response:
    form = PlatformAccountForm()
    if form.validate_on_submit():
        try:
            user = create_platform_account(
                get_session(), email=form.email.data or "", name=form.name.data or "", role=form.role.data,
                password=form.password.data or "", municipalities=tuple(form.municipalities.data or ()))
        except UserError as exc:
            form[exc.field].errors = [exc.message]
        else:
            flash(_("Account for %(email)s created.", email=user.email), "success")
            return redirect(url_for("accounts.index"))
    return render_template("users/account_form.html", form=form)


@bp.route("/<int:user_id>/deactivate", methods=["POST"])
@roles_required(Role.PLATFORM_ADMIN)
def deactivate(user_id: int) -> Response:
    return _set_active(user_id, active=False)


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@roles_required(Role.PLATFORM_ADMIN)
def reactivate(user_id: int) -> Response:
    return _set_active(user_id, active=True)


def _set_active(user_id: int, *, active: bool) -> Response:
    """POST only, so CSRFProtect checks the token before this runs."""
    user = _account_or_404(user_id)
    try:
        set_active(get_session(), current_user, user, active)
    except UserError as exc:
        flash(str(exc.message), "error")
    else:
        message = _("%(email)s can log in again.", email=user.email) if active else _(
            "%(email)s is deactivated and can no longer log in.", email=user.email)
        flash(message, "success")
    return redirect(url_for("accounts.index"))


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(Role.PLATFORM_ADMIN)
def password(user_id: int) -> str | Response:
    user = _account_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            reset_password(get_session(), user, form.password.data or "")
        except UserError as exc:
            form[exc.field].errors = [exc.message]
        else:
            flash(_("New password for %(email)s set.", email=user.email), "success")
            return redirect(url_for("accounts.index"))
    return render_template("users/account_password.html", form=form, user=user)
