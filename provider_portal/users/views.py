"""The provider's staff accounts, managed by its provider admin."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from provider_portal.access import roles_required
from provider_portal.db import get_session, unit_of_work
from provider_portal.errors import show_refusals_on
from provider_portal.models import User
from provider_portal.models.enums import Role
from provider_portal.pagination import get_or_404
from provider_portal.users.forms import ROLE_LABELS, UserCreateForm, UserEditForm
from provider_portal.users.queries import staff_accounts
from provider_portal.users.service import create_user, update_user

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/")
@roles_required(Role.PROVIDER_ADMIN)
def index() -> str:
    users = staff_accounts(get_session())
    return render_template("users/index.html", users=users, roles=ROLE_LABELS)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def create() -> str | Response:
    form = UserCreateForm(active=True)
    if form.validate_on_submit():
        show_refusals_on(form, lambda: render_template("users/form.html", form=form, user=None))
        with unit_of_work() as session:
            user = create_user(session, email=form.email.data or "", name=form.name.data or "",
                               role=form.role.data, password=form.password.data or "",
                               active=form.active.data, provider_id=current_user.provider_id)
        flash(_("Account for %(email)s created.", email=user.email), "success")
        return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=None)


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.PROVIDER_ADMIN)
def edit(user_id: int) -> str | Response:
    session = get_session()
    user = get_or_404(session, User, user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        show_refusals_on(form, lambda: render_template("users/form.html", form=form, user=user))
        with unit_of_work() as session:
            update_user(session, current_user, user, name=form.name.data or "", role=form.role.data,
                        active=form.active.data)
        flash(_("Account of %(email)s saved.", email=user.email), "success")
        return redirect(url_for("users.index"))
    return render_template("users/form.html", form=form, user=user)
