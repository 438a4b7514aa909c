"""Tenant isolation in one place: every ORM query in a request is filtered to what the user may see.

A provider's staff see only their provider's rows; a planner sees only learners living in their
municipalities (across providers) and nothing of contracts; a platform admin sees everything.
The filter is attached to the session (`session.info["tenant"]`) and added to every SELECT by a
`do_orm_execute` hook, so views cannot forget it. Writes are checked at flush time.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from provider_portal.models import (
    Contract,
    Job,
    Learner,
    LearnerExam,
    LearnerLanguage,
    LearnerModule,
    PlannerMunicipality,
    Provider,
    User,
)
from provider_portal.models.enums import Role

LEARNER_CHILDREN = (LearnerExam, LearnerLanguage, LearnerModule)


class TenantViolation(PermissionError):
    """A write tried to touch another tenant's data: a programming error, never user input."""


@dataclass(frozen=True, slots=True)
class TenantScope:
    """What one user may see: a provider, a set of municipalities, or everything."""

    user_id: int
    provider_id: int | None = None
    municipalities: tuple[str, ...] | None = None

    @property
    def unrestricted(self) -> bool:
        return self.provider_id is None and self.municipalities is None


def scope_for(user: User, session: Session) -> TenantScope:
    """The scope of a logged-in user, by role."""
    if user.role == Role.PLATFORM_ADMIN:
        return TenantScope(user_id=user.id or 0)
    if user.role == Role.PLANNER:
        rows = session.execute(
            sa.select(PlannerMunicipality.municipality).where(PlannerMunicipality.user_id == user.id)
        ).scalars()
        return TenantScope(user_id=user.id or 0, municipalities=tuple(sorted(rows)))
    return TenantScope(user_id=user.id or 0, provider_id=user.provider_id or -1)


def _provider_criteria(scope: TenantScope) -> list[object]:
    pid = scope.provider_id
    own_learners = sa.select(Learner.id).where(Learner.provider_id == pid)
    return [
        with_loader_criteria(Provider, Provider.id == pid),
        with_loader_criteria(User, User.provider_id == pid),
        with_loader_criteria(Learner, Learner.provider_id == pid),
        with_loader_criteria(Contract, Contract.provider_id == pid),
        with_loader_criteria(Job, Job.provider_id == pid),
        with_loader_criteria(PlannerMunicipality, sa.false()),
        *(with_loader_criteria(c, c.learner_id.in_(own_learners)) for c in LEARNER_CHILDREN),
    ]


def _planner_criteria(scope: TenantScope) -> list[object]:
    towns = scope.municipalities or ()
    their_learners = sa.select(Learner.id).where(Learner.municipality.in_(towns))
    return [
        with_loader_criteria(User, User.id == scope.user_id),
        with_loader_criteria(Learner, Learner.municipality.in_(towns)),
        with_loader_criteria(Contract, sa.false()),
        with_loader_criteria(Job, Job.created_by_id == scope.user_id),
        with_loader_criteria(PlannerMunicipality, PlannerMunicipality.user_id == scope.user_id),
        *(with_loader_criteria(c, c.learner_id.in_(their_learners)) for c in LEARNER_CHILDREN),
    ]


@event.listens_for(Session, "do_orm_execute")
def _filter_selects(state: ORMExecuteState) -> None:
    scope: TenantScope | None = state.session.info.get("tenant")
    if scope is None or scope.unrestricted or not state.is_select:
        return
    if state.is_column_load or state.is_relationship_load:
        return
    criteria = _planner_criteria(scope) if scope.municipalities is not None else _provider_criteria(scope)
    state.statement = state.statement.options(*criteria)


@event.listens_for(Session, "before_flush")
def _guard_writes(session: Session, _context: object, _instances: object) -> None:
    scope: TenantScope | None = session.info.get("tenant")
    if scope is None or scope.unrestricted:
        return
    for obj in [*session.new, *session.dirty]:
        _check_write(scope, obj)


def _check_write(scope: TenantScope, obj: object) -> None:
    if scope.municipalities is not None:
        allowed = isinstance(obj, Job | User) or (
            isinstance(obj, LearnerModule | LearnerExam)  # planners record planned/done
        )
        if not allowed:
            raise TenantViolation(f"a planner may not write {type(obj).__name__}")
        return
    owner = getattr(obj, "provider_id", scope.provider_id)
    if isinstance(obj, Provider):
        owner = obj.id
    if owner is None and hasattr(obj, "provider_id"):
        obj.provider_id = scope.provider_id  # type: ignore[attr-defined]
    elif owner != scope.provider_id:
        raise TenantViolation(f"{type(obj).__name__} belongs to another provider")


def bind_scope(session: Session, scope: TenantScope | None) -> None:
    """Attach (or clear) the scope for every later query of this session."""
    if scope is None:
        session.info.pop("tenant", None)
    else:
        session.info["tenant"] = scope
