"""Log in, log out, change password, and switch language."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from provider_portal.access import public, roles_required
from provider_portal.auth import sessions, two_factor
from provider_portal.auth.forms import CodeForm, LoginForm, PasswordChangeForm, TwoFactorDisableForm
from provider_portal.auth.service import authenticate, change_password
from provider_portal.db import get_session, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.extensions import limiter
from provider_portal.models import User
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


# One budget per account for every guess at it: passwords, codes at log-in, codes to turn 2FA off.
ACCOUNT_SCOPE = "login-account"


def _account_limit() -> str:
    """Failed log-ins per account: low, so one account's password cannot be guessed."""
    return str(current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"])


def account_key(email: str) -> str:
    """The limiter's key of an account, hashed: its storage and logs hold no e-mail address."""
    return "login-account:" + hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]


def _account_key() -> str:
    """The account a password attempt is for."""
    return account_key(request.form.get("email", ""))


def _pending_account_key() -> str:
    """The account a code attempt is for: the same budget as its password attempts."""
    state = two_factor.pending()
    return str(state["acct"]) if state else "login-account:none"


def _failed(response: Response) -> bool:
    """Only a failed attempt counts against the account (a log-in redirects; a refusal by a limit is not
    an attempt)."""
    return response.status_code not in (302, 429)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.shared_limit(_account_limit, ACCOUNT_SCOPE, methods=["POST"], key_func=_account_key,
                      deduct_when=_failed)
@public
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        with unit_of_work() as db:  # a right password stamps the last log-in
            user = authenticate(db, form.email.data or "", form.password.data or "")
        if user is not None:
            target = safe_next(request.args.get("next"))
            if two_factor.available_for(user) and (user.has_two_factor or two_factor.required_for(db, user)):
                # the password alone logs nobody in: the code (or setting one up) completes the log-in
                two_factor.start_pending(user, target, account_key(user.email))
                return redirect(url_for("auth.login_code" if user.has_two_factor else "auth.login_setup"))
            return _complete_login(user, target)
        form.password.errors = [_("Unknown e-mail address or wrong password.")]
    return render_template("auth/login.html", form=form)


def _complete_login(user: User, target: str | None) -> Response:
    """The full log-in: a fresh browser session and its server-side row."""
    session.clear()
    login_user(user)
    with unit_of_work() as db:
        sessions.start(db, user)
    return redirect(target or url_for("dashboard.index"))


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.shared_limit(_account_limit, ACCOUNT_SCOPE, methods=["POST"], key_func=_pending_account_key,
                      deduct_when=_failed)
@public
def login_code() -> str | Response:
    """The second step for a user with two-factor log-in: a code from the app, or a recovery code."""
    db = get_session()
    user = two_factor.pending_user(db)
    if user is None or not user.has_two_factor:
        flash(_("Log in again: the log-in took too long or was not started."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        with unit_of_work() as db:  # an accepted code is used up, even if the log-in fails after it
            kind = two_factor.check_code(db, user, form.code.data or "")
        if kind is not None:
            state = two_factor.pending() or {}
            response = _complete_login(user, state.get("next"))
            if kind == "recovery":
                left = two_factor.recovery_codes_left(db, user)
                flash(ngettext("You used a recovery code. %(num)s recovery code is left.",
                               "You used a recovery code. %(num)s recovery codes are left.", left), "warning")
            return response
        current_app.logger.warning("wrong two-factor code at log-in for user %s", user.id)
        form.code.errors = [_("This code is not right, or it was used already. Wait for the next code.")]
    return render_template("auth/login_code.html", form=form)


@bp.route("/login/setup", methods=["GET", "POST"])
@limiter.limit(_address_limit, methods=["POST"])
@limiter.shared_limit(_account_limit, ACCOUNT_SCOPE, methods=["POST"], key_func=_pending_account_key,
                      deduct_when=_failed)
@public
def login_setup() -> str | Response:
    """A user who must use two-factor log-in but has none sets it up before the log-in completes."""
    db = get_session()
    user = two_factor.pending_user(db)
    if user is None or user.has_two_factor or not two_factor.required_for(db, user):
        flash(_("Log in again: the log-in took too long or was not started."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        try:  # a wrong code is shown at the field on the set-up page as it was (200), not as a 400
            with unit_of_work() as db:
                recovery = two_factor.confirm_setup(db, user, form.code.data or "")
        except two_factor.TwoFactorError as exc:
            form.code.errors = [exc.message]
        else:
            state = two_factor.pending() or {}
            target = state.get("next") or url_for("dashboard.index")
            _complete_login(user, target)
            flash(_("Two-factor log-in is on."), "success")
            return _recovery_page(recovery, target)
    return _setup_page(form, user, during_login=True)


def _setup_page(form: CodeForm, user: User, *, during_login: bool) -> str:
    """The set-up page with the pending secret, stored now when the user has none yet."""
    with unit_of_work() as db:
        setup = two_factor.begin_setup(db, user)
    return render_template("auth/two_factor_setup.html", form=form, setup=setup, during_login=during_login)


def _recovery_page(recovery: list[str], target: str) -> Response:
    """The recovery codes, in this response only: they are shown once, never again."""
    return make_response(render_template("auth/recovery_codes.html", codes=recovery, target=target))


STAFF = tuple(role for role in Role if role != Role.LEARNER)


@bp.route("/account/two-factor")
@roles_required(*STAFF)
def two_factor_status() -> str:
    db = get_session()
    return render_template("auth/two_factor.html", required=two_factor.required_for(db, current_user),
                           left=two_factor.recovery_codes_left(db, current_user),
                           disable_form=TwoFactorDisableForm(), form=FlaskForm())


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@roles_required(*STAFF)
def two_factor_setup() -> str | Response:
    db = get_session()
    if current_user.has_two_factor:
        return redirect(url_for("auth.two_factor_status"))
    form = CodeForm()
    if form.validate_on_submit():
        try:  # a wrong code is shown at the field on the set-up page as it was (200), not as a 400
            with unit_of_work() as db:
                recovery = two_factor.confirm_setup(db, current_user, form.code.data or "")
        except two_factor.TwoFactorError as exc:
            form.code.errors = [exc.message]
        else:
            flash(_("Two-factor log-in is on."), "success")
            return _recovery_page(recovery, url_for("auth.two_factor_status"))
    return _setup_page(form, current_user, during_login=False)


@bp.route("/account/two-factor/cancel", methods=["POST"])
@roles_required(*STAFF)
def two_factor_cancel() -> Response:
    with unit_of_work() as db:
        two_factor.cancel_setup(db, current_user)
    return redirect(url_for("auth.two_factor_status"))


@bp.route("/account/two-factor/disable", methods=["POST"])
@limiter.shared_limit(_account_limit, ACCOUNT_SCOPE, deduct_when=_failed,
                      key_func=lambda: account_key(getattr(current_user, "email", "")))
@roles_required(*STAFF)
def two_factor_disable() -> str | Response:
    db = get_session()
    form = TwoFactorDisableForm()

    def page() -> str:
        return render_template("auth/two_factor.html", required=two_factor.required_for(db, current_user),
                               left=two_factor.recovery_codes_left(db, current_user), disable_form=form,
                               form=FlaskForm())

    if form.validate_on_submit():
        show_refusals_on(form, page)
        with unit_of_work() as db:
            two_factor.disable(db, current_user, form.password.data or "", form.code.data or "")
        flash(_("Two-factor log-in is off."), "success")
        return redirect(url_for("auth.two_factor_status"))
    return page()


@bp.route("/logout", methods=["POST"])
@public
def logout() -> Response:
    with unit_of_work() as db:
        sessions.end_current(db)
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@roles_required(*Role)
def password() -> str | Response:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        show_refusals_on(form, lambda: render_template("auth/password.html", form=form))
        with unit_of_work() as db:
            change_password(db, current_user, form.current.data or "", form.new.data or "")
            sessions.end_all(db, current_user.id, keep_current=True)
        flash(_("Your password has been changed."), "success")
        flash(_("Your other sessions (other browsers and devices) have been ended."), "info")
        return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/logout-everywhere", methods=["POST"])
@roles_required(*Role)
def logout_everywhere() -> Response:
    """End every log-in of this account (a lost phone, a shared computer), this one included."""
    with unit_of_work() as db:
        sessions.end_all(db, current_user.id)
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
