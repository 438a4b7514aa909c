"""Who may open which page: every endpoint declares its roles, anything undeclared is refused.

Default-deny keeps a forgotten decorator from leaking a page; a test walks the URL map to prove
that every endpoint is either `public` or has `allowed_roles`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from provider_portal.models.enums import Role
from provider_portal.privacy import current_path

F = TypeVar("F", bound=Callable[..., Any])

PROVIDER_STAFF = (Role.PROVIDER_ADMIN, Role.TEACHER, Role.FINANCE)


def public(view: F) -> F:
    """Mark a view reachable without logging in (login page, language switch, health)."""
    view.public = True  # type: ignore[attr-defined]
    return view


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Allow a view to the given roles only (403 for the others)."""

    def mark(view: F) -> F:
        view.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return mark


def enforce_access() -> Any:
    """`before_request`: log-in for non-public pages, then the endpoint's role list."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions[request.endpoint]
    if getattr(view, "public", False):
        return None
    if not current_user.is_authenticated:
        here = current_path(request.path, request.args.items(multi=True))
        return redirect(url_for("auth.login", next=here))
    roles = getattr(view, "allowed_roles", None)
    if roles is None or current_user.role not in roles:
        abort(403)
    return None
