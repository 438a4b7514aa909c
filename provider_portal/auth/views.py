"""Log in, log out, change password, and switch language."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from provider_portal.access import public, roles_required
from provider_portal.auth import sessions
from provider_portal.auth.forms import LoginForm, PasswordChangeForm
from provider_portal.auth.service import PasswordPolicyError, authenticate, change_password
from provider_portal.db import get_session
from provider_portal.extensions import limiter
from provider_portal.models.enums import Role
from provider_portal.models.user import normalise_email

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a local path is followed after log-in: no scheme, no host, no `//evil`, no control characters.

    A CR or LF would end up in the Location header, which Werkzeug refuses with a 500.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def _address_limit() -> str:
    """Log-in attempts per client address: high, since a class logs in from one school network."""
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _account_limit() -> str:
    """Failed log-ins per account: low, so one account's password cannot be guessed."""
    return str(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def _account_key() -> str:
    """The account an attempt is for, hashed: the limiter's storage and logs hold no e-mail address."""
    email = normalise_email(request.form.get("email", ""))
    return "login-account:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _failed(response: Response) -> bool:
    """Only a failed attempt counts against the account (a log-in redirects; a refusal by a limit is not
    an attempt)."""
    return response.status_code not in (302, 429)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
@public
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(get_session(), form.email.data or "", form.password.data or "")
        if user is not None:
            session.clear()
            login_user(user)
            sessions.start(get_session(), user)
            return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
        form.password.errors = [_("Unknown e-mail address or wrong password.")]
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    sessions.end_current(get_session())
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*Role)
def password() -> str | Response:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(get_session(), current_user, form.current.data or "", form.new.data or "")
        except PasswordPolicyError as exc:
            form[exc.field].errors = [exc.message]
        else:
            sessions.end_all(get_session(), current_user.id, keep_current=True)
            flash(_("Your password has been changed."), "success")
            flash(_("Your other sessions (other browsers and devices) have been ended."), "info")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/logout-everywhere", methods=["POST"])
@roles_required(*Role)
def logout_everywhere() -> Response:
    """End every log-in of this account (a lost phone, a shared computer), this one included."""
    sessions.end_all(get_session(), current_user.id)
    logout_user()
    session.clear()
    flash(_("You have been logged out on every device."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
@public
def language() -> Response:
    lang = request.form.get("lang", "nl")
    session["lang"] = lang if lang in current_app.config["LANGUAGES"] else "nl"
    return redirect(safe_next(request.form.get("next")) or url_for("dashboard.index"))
