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
ADMIN, TEACHER, FINANCE = (frozenset({role}) for role in PROVIDER_STAFF)

# Who sees and who changes each part of a learner record. Which learners a teacher sees at all (those
# of the classes they teach) is tenancy's rule (`tenancy._teacher_limits`); a teacher works in the
# register, not on the record. Anyone who may not see the full BSN sees the masked one.
LEARNER_FIELDS: dict[str, tuple[frozenset[Role], frozenset[Role]]] = {
    # field: (may see, may change)
    "bsn": (ADMIN | FINANCE, ADMIN),
    "loan_amount": (ADMIN | FINANCE, ADMIN),
    "contracts": (ADMIN | FINANCE, ADMIN | FINANCE),
    "personal": (ADMIN | TEACHER | FINANCE, ADMIN),  # name, birth date, route, address, languages, term
}
# Who may open the learner form, which holds every field but the contracts.
LEARNER_EDITORS = tuple(frozenset.intersection(*(change for name, (_, change) in LEARNER_FIELDS.items()
                                                 if name != "contracts")))


def may_see(field: str, role: Role | str | None = None) -> bool:
    """Whether the role (default: the current user's) may see this part of a learner record."""
    return (role or current_user.role) in LEARNER_FIELDS[field][0]


def may_change(field: str, role: Role | str | None = None) -> bool:
    """Whether the role (default: the current user's) may change this part of a learner record."""
    return (role or current_user.role) in LEARNER_FIELDS[field][1]


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


def may_open(endpoint: str, role: Role | str | None = None) -> bool:
    """Whether `role` (the current user's by default) may open `endpoint`: a page links to another
    only where this holds, so no link answers 403 to the user it is shown to."""
    view = current_app.view_functions[endpoint]
    if getattr(view, "public", False):
        return True
    role = role if role is not None else getattr(current_user, "role", None)
    return role in getattr(view, "allowed_roles", frozenset())


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
