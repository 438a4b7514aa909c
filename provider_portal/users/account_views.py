"""Planner and platform-admin accounts, managed by a platform admin (no command line needed)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from provider_portal.access import roles_required
from provider_portal.auth import two_factor
from provider_portal.auth.forms import AccountLookupForm, TwoFactorResetForm
from provider_portal.db import get_session, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.models import User
from provider_portal.models.enums import Role
from provider_portal.users.accounts import (
    create_platform_account,
    get_platform_account,
    list_platform_accounts,
    set_active,
)
from provider_portal.users.forms import ROLE_LABELS, PasswordResetForm, PlatformAccountForm
from provider_portal.users.queries import account_by_email
from provider_portal.users.service import reset_password

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
        show_refusals_on(form, lambda: render_template("users/account_form.html", form=form))
        with unit_of_work() as session:
            user = create_platform_account(
                session, email=form.email.data or "", name=form.name.data or "", role=form.role.data,
                password=form.password.data or "", municipalities=tuple(form.municipalities.data or ()))
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
    with unit_of_work() as session:
        set_active(session, current_user, user, active)  # a refusal: the error page (errors.py)
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
        show_refusals_on(form, lambda: render_template("users/account_password.html", form=form, user=user))
        with unit_of_work() as session:
            reset_password(session, user, form.password.data or "")
        flash(_("New password for %(email)s set.", email=user.email), "success")
        return redirect(url_for("accounts.index"))
    return render_template("users/account_password.html", form=form, user=user)


@bp.route("/two-factor", methods=["GET", "POST"])
@roles_required(Role.PLATFORM_ADMIN)
def two_factor_lookup() -> str:
    """Find any account by e-mail address (posted, so no address lands in a URL or log) to reset its
    two-factor log-in; below, the audit trail of two-factor changes."""
    db = get_session()
    form = AccountLookupForm()
    found: User | None = None
    provider_name = None
    if form.validate_on_submit():
        account = account_by_email(db, form.email.data or "")
        if account is None:
            form.email.errors = [_("No account has this e-mail address.")]
        else:
            found, provider_name = account.user, account.provider_name
    return render_template("users/two_factor_reset.html", form=form, found=found, provider_name=provider_name,
                           reset_form=TwoFactorResetForm(), events=two_factor.recent_events(db))


@bp.route("/<int:user_id>/two-factor/reset", methods=["POST"])
@roles_required(Role.PLATFORM_ADMIN)
def two_factor_reset(user_id: int) -> str | Response:
    db = get_session()
    user = db.get(User, user_id)
    if user is None:
        abort(404)
    form = TwoFactorResetForm()
    if form.validate_on_submit():
        try:  # the refusal is shown at its field on this page as it was (200), not as a 400
            with unit_of_work() as db:
                two_factor.reset(db, current_user, user, form.reason.data or "")
        except two_factor.TwoFactorError as exc:
            form[exc.field].errors = [exc.message]
        else:
            flash(_("Two-factor log-in of %(email)s is reset; their sessions have ended.", email=user.email),
                  "success")
            return redirect(url_for("accounts.two_factor_lookup"))
    lookup = AccountLookupForm(data={"email": user.email})
    return render_template("users/two_factor_reset.html", form=lookup, found=user, provider_name=None,
                           reset_form=form, events=two_factor.recent_events(db))
