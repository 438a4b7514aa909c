"""The planner's municipalities, as the tenant filter knows them."""

from __future__ import annotations

from provider_portal.db import get_session
from provider_portal.forms_common import choices
from provider_portal.tenancy import TenantScope


def my_municipalities() -> tuple[str, ...]:
    """The municipalities of the logged-in planner (empty for other roles)."""
    scope: TenantScope | None = get_session().info.get("tenant")
    return scope.municipalities or () if scope is not None else ()


def municipality_choices() -> list:
    return choices((m, m) for m in my_municipalities())
