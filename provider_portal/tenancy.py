"""Tenant isolation in one place: every ORM query in a request is filtered to what the user may see.

- Provider staff see their provider's rows: every table with a `provider_id` column is filtered on
  it automatically, and child tables (`CHILDREN`) through their parent.
- A teacher sees, of those, only the learners enrolled in a class they teach (`ClassTeacher`), and no
  contracts or invoices (money is for the provider admin and finance; `access.LEARNER_FIELDS`).
- A planner sees learners living in their municipalities (across providers), with their module
  and exam rows, and nothing of contracts, classes or attendance.
- A learner (role `learner`) sees themself, their enrolments, classes, lessons and attendance.
- A platform admin sees everything.

The scope is attached to the session (`session.info["tenant"]`) and added to every SELECT by a
`do_orm_execute` hook, so views cannot forget it. Writes are checked at flush time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlmodel import SQLModel, col

from provider_portal.models import (
    Attendance,
    AttendanceChange,
    CapSetting,
    ClassSlot,
    ClassTeacher,
    Cohort,
    CohortMeeting,
    ConsentEvent,
    Contract,
    CourseClass,
    Enrolment,
    ExamBooking,
    ExamLocation,
    ExamPathChange,
    ExamReadiness,
    ExamResult,
    ExamSession,
    ExternalHours,
    Invoice,
    InvoiceLine,
    Job,
    Learner,
    LearnerConsent,
    LearnerExam,
    LearnerLanguage,
    LearnerModule,
    Lesson,
    OtherProviderInvoice,
    Placement,
    PlannerMunicipality,
    PlanningProfile,
    PlanRun,
    PolicySetting,
    PresenceFailure,
    Provider,
    RecoveryCode,
    RunMail,
    SecurityEvent,
    Trainer,
    User,
    UserSession,
)
from provider_portal.models.enums import Role

# Tables without provider_id, owned through a parent: (model, its foreign key, the parent model).
CHILDREN: tuple[tuple[type[SQLModel], str, type[SQLModel]], ...] = (
    (LearnerExam, "learner_id", Learner),
    (LearnerLanguage, "learner_id", Learner),
    (LearnerModule, "learner_id", Learner),
    (ClassSlot, "class_id", CourseClass),
    (ClassTeacher, "class_id", CourseClass),
    (Attendance, "lesson_id", Lesson),
    (AttendanceChange, "lesson_id", Lesson),
    (PresenceFailure, "lesson_id", Lesson),
    (PlanningProfile, "learner_id", Learner),
    (Placement, "learner_id", Learner),
    (CohortMeeting, "cohort_id", Cohort),
    (InvoiceLine, "invoice_id", Invoice),
    (ExamBooking, "learner_id", Learner),
    (LearnerConsent, "learner_id", Learner),
    (ConsentEvent, "learner_id", Learner),
    (ExamReadiness, "learner_id", Learner),
    (ExamResult, "learner_id", Learner),
    (ExternalHours, "learner_id", Learner),
    (ExamPathChange, "learner_id", Learner),
    (RunMail, "run_id", PlanRun),  # what a planner's run e-mailed: that planner's
)
# Organised by a municipality (column `municipality`): planners of that municipality see them.
MUNICIPAL: tuple[type[SQLModel], ...] = (Cohort, Trainer)
# Owned by the planner who made them.
PLANNER_OWNED: tuple[type[SQLModel], ...] = (PlanRun,)
# Only a platform admin (or nobody through the portal) reads these directly; `auth.sessions` reads and
# writes user_session with Core statements on its table, which no tenant filter touches; so does
# `auth.two_factor` with recovery_code and security_event.
PLATFORM_ONLY: tuple[type[SQLModel], ...] = (PlannerMunicipality, UserSession, RecoveryCode, SecurityEvent)
# Platform-wide settings (the dated invoice cap): everyone reads them, only a platform admin writes.
SHARED_SETTINGS: tuple[type[SQLModel], ...] = (CapSetting, PolicySetting)
# DUO's exam calendar: no tenant data, so everyone reads it; planners maintain it.
GLOBAL: tuple[type[SQLModel], ...] = (ExamLocation, ExamSession)


class TenantViolation(PermissionError):
    """A write tried to touch another tenant's data: a programming error, never user input."""


@dataclass(frozen=True, slots=True)
class TenantScope:
    """What one user may see: a provider, a set of municipalities, one learner, or everything."""

    user_id: int
    provider_id: int | None = None
    municipalities: tuple[str, ...] | None = None
    learner_id: int | None = None
    teacher_id: int | None = None

    @property
    def unrestricted(self) -> bool:
        return self.provider_id is None and self.municipalities is None and self.learner_id is None


def scope_for(user: User, session: Session) -> TenantScope:
    """The scope of a logged-in user, by role."""
    uid = user.id or 0
    if user.role == Role.PLATFORM_ADMIN:
        return TenantScope(user_id=uid)
    if user.role == Role.PLANNER:
        rows = session.execute(sa.select(col(PlannerMunicipality.municipality))
                               .where(col(PlannerMunicipality.user_id) == user.id)).scalars()
        return TenantScope(user_id=uid, municipalities=tuple(sorted(rows)))
    if user.role == Role.LEARNER:
        return TenantScope(user_id=uid, provider_id=user.provider_id or -1, learner_id=user.learner_id or -1)
    if user.role == Role.TEACHER:
        return TenantScope(user_id=uid, provider_id=user.provider_id or -1, teacher_id=uid)
    return TenantScope(user_id=uid, provider_id=user.provider_id or -1)


@cache
def provider_owned() -> tuple[type[SQLModel], ...]:
    """Every mapped class with a `provider_id` column (users and jobs included); the mappers are
    fixed once the models are imported, and this runs for every query, so it is computed once."""
    return tuple(m.class_ for m in SQLModel._sa_registry.mappers if "provider_id" in m.columns)


def _rows(criteria: dict[type, Any]) -> list[Any]:
    return [with_loader_criteria(model, clause, include_aliases=True) for model, clause in criteria.items()]


def _children(parents: dict[type, Any]) -> dict[type, Any]:
    """Filter each child table through the ids its parent may show."""
    out: dict[type, Any] = {}
    for model, key, parent in CHILDREN:
        clause = parents.get(parent)
        out[model] = sa.false() if clause is None else getattr(model, key).in_(
            sa.select(parent.id).where(clause))  # type: ignore[attr-defined]
    return out


def _nothing_municipal() -> dict[type, Any]:
    return {model: sa.false() for model in (*MUNICIPAL, *PLANNER_OWNED, *PLATFORM_ONLY)}


def _provider_criteria(scope: TenantScope) -> dict[type, Any]:
    pid = scope.provider_id
    own = {model: model.provider_id == pid for model in provider_owned()}  # type: ignore[attr-defined]
    own[Provider] = Provider.id == pid
    if scope.teacher_id is not None:
        own |= _teacher_limits(scope.teacher_id, own[Learner])
    return own | _nothing_municipal() | _children(own)


# A learner's records that stay with the provider: planners and the learner do not read them.
PROVIDER_RECORDS: tuple[type[SQLModel], ...] = (ExternalHours, ExamPathChange)


# Money rows a teacher never reads (the learner's loan is hidden by `access.LEARNER_FIELDS`).
TEACHER_HIDDEN: tuple[type[SQLModel], ...] = (Contract, Invoice, OtherProviderInvoice)


def _teacher_limits(teacher_id: int, learners: Any) -> dict[type, Any]:
    """A teacher's learners: those enrolled (now or before) in a class they teach; no money rows, and
    only the jobs they started themselves (a provider's draft run and its result are finance's)."""
    taught = sa.select(col(ClassTeacher.class_id)).where(col(ClassTeacher.user_id) == teacher_id)
    enrolled = sa.select(col(Enrolment.learner_id)).where(col(Enrolment.class_id).in_(taught))
    limits: dict[type, Any] = {Learner: sa.and_(learners, col(Learner.id).in_(enrolled)),
                               Job: col(Job.created_by_id) == teacher_id}
    return limits | {m: sa.false() for m in TEACHER_HIDDEN}


def _planner_criteria(scope: TenantScope) -> dict[type, Any]:
    visible: dict[type, Any] = {model: sa.false() for model in provider_owned()}
    visible[Learner] = col(Learner.municipality).in_(scope.municipalities or ())
    visible[User] = User.id == scope.user_id
    visible[Job] = Job.created_by_id == scope.user_id
    towns = scope.municipalities or ()
    visible |= {model: model.municipality.in_(towns) for model in MUNICIPAL}  # type: ignore[attr-defined]
    visible |= {model: model.planner_id == scope.user_id for model in PLANNER_OWNED}  # type: ignore[attr-defined]
    return (visible | _children(visible) | {PlannerMunicipality: PlannerMunicipality.user_id == scope.user_id}
            | {model: sa.false() for model in PROVIDER_RECORDS})


def _learner_criteria(scope: TenantScope) -> dict[type, Any]:
    lid = scope.learner_id
    classes = sa.select(col(Enrolment.class_id)).where(col(Enrolment.learner_id) == lid)
    visible: dict[type, Any] = {model: sa.false() for model in provider_owned()}
    visible |= {
        Learner: col(Learner.id) == lid,
        User: col(User.id) == scope.user_id,
        Enrolment: col(Enrolment.learner_id) == lid,
        CourseClass: col(CourseClass.id).in_(classes),
        Lesson: col(Lesson.class_id).in_(classes),
    }
    visible |= _nothing_municipal()
    rules = visible | _children(visible)
    rules |= {Attendance: Attendance.learner_id == lid, AttendanceChange: sa.false(),
              PresenceFailure: PresenceFailure.learner_id == lid,
              ClassTeacher: sa.false(), Provider: Provider.id == scope.provider_id}
    rules |= {model: sa.false() for model in PROVIDER_RECORDS}
    return rules


@lru_cache(maxsize=1024)
def _options(scope: TenantScope) -> dict[type, Any]:
    """The loader criteria of a scope, one option per filtered model, built once per scope rather
    than for every statement.

    Building them walks every table's rule (about 3 ms, measured in bench/web); they hold only
    values derived from the frozen scope, so one user's requests can share them. Bounded: a scope
    per active user, the least recently used dropped first.
    """
    criteria = criteria_for(scope)
    return dict(zip(criteria, _rows(criteria), strict=True))


@lru_cache(maxsize=1024)
def _needed(scope: TenantScope) -> dict[type, tuple[type, ...]]:
    """Per filtered model, the models whose criteria a statement reading it needs: itself, and every
    model its own criterion reads, and theirs in turn (SQLAlchemy applies the criteria inside
    the criteria too: a teacher's learners are those of classes the teacher teaches *of this provider*)."""
    criteria = criteria_for(scope)
    reads = {model: [m for m in entities_of(clause) if m in criteria] for model, clause in criteria.items()}
    needed: dict[type, tuple[type, ...]] = {}
    for model in criteria:
        found: dict[type, None] = {model: None}
        todo = [model]
        while todo:
            for other in reads[todo.pop()]:
                if other not in found:
                    found[other] = None
                    todo.append(other)
        needed[model] = tuple(found)
    return needed


def entities_of(statement: Any) -> list[type]:
    """The mapped classes an ORM statement reads, wherever they appear: selected, joined, in a
    subquery, a correlated EXISTS, a UNION or a CTE, under an alias or not; in the order found.

    Every ORM-built element carries its entity in its annotations (`parententity`: a mapper, or
    the inspection of an `aliased()` class); a plain Core table carries none, and no loader
    criterion would apply to it anyway. A table's own columns are not walked (they say nothing
    more), which keeps the walk to the statement's own clauses.
    """
    found: dict[type, None] = {}
    stack = [statement]
    while stack:
        element = stack.pop()
        entity = element._annotations.get("parententity") if element._annotations else None
        if entity is not None:
            found[entity.mapper.class_] = None
            if isinstance(element, sa.TableClause):
                continue
        stack.extend(element.get_children())
    return list(found)


def criteria_for(scope: TenantScope) -> dict[type, Any]:
    """The filter of every table for this scope."""
    if scope.municipalities is not None:
        return _planner_criteria(scope)
    if scope.learner_id is not None:
        return _learner_criteria(scope)
    return _provider_criteria(scope)


@event.listens_for(Session, "do_orm_execute")
def _filter_selects(state: ORMExecuteState) -> None:
    scope: TenantScope | None = state.session.info.get("tenant")
    if scope is None or scope.unrestricted or not state.is_select:
        return
    if state.is_column_load or state.is_relationship_load:
        return
    state.statement = scoped_statement(state.statement, scope)


def scoped_statement(statement: Any, scope: TenantScope) -> Any:
    """`statement` with the loader criteria of the entities it reads, and only those.

    Every option attached is part of the statement's cache key, which SQLAlchemy computes on every
    execution, and a scope has about 50 of them; a statement reads two or three tables. The SQL is
    the same as with all of them: a criterion is emitted only where its entity appears
    (tests/provider_portal/tenancy_check.py compares the two for every statement of the tenancy,
    access and walk tests).
    """
    needed = _needed(scope)
    touched: dict[type, None] = {}
    for model in entities_of(statement):
        touched |= dict.fromkeys(needed.get(model, ()))
    if not touched:
        return statement
    options = _options(scope)
    return statement.options(*(options[model] for model in touched))


@event.listens_for(Session, "before_flush")
def _guard_writes(session: Session, _context: object, _instances: object) -> None:
    scope: TenantScope | None = session.info.get("tenant")
    if scope is None or scope.unrestricted:
        return
    for obj in [*session.new, *session.dirty, *session.deleted]:
        _check_write(scope, obj)


# What planners and learners may write; provider staff may write their provider's rows.
PLANNER_WRITES = (Job, User, LearnerModule, LearnerExam, Trainer, Cohort, CohortMeeting, PlanningProfile,
                  PlanRun, Placement, ExamLocation, ExamSession, ExamBooking)
LEARNER_WRITES = (User, Attendance, AttendanceChange, PresenceFailure)


def _check_write(scope: TenantScope, obj: object) -> None:
    if isinstance(obj, SHARED_SETTINGS):
        raise TenantViolation(f"only a platform admin may change {type(obj).__name__}")
    if scope.municipalities is not None or scope.learner_id is not None:
        allowed = PLANNER_WRITES if scope.municipalities is not None else LEARNER_WRITES
        if not isinstance(obj, allowed):
            raise TenantViolation(f"this role may not write {type(obj).__name__}")
        own = Attendance | AttendanceChange | PresenceFailure
        if isinstance(obj, own) and obj.learner_id != scope.learner_id:
            raise TenantViolation("a learner may confirm only their own presence")
        if isinstance(obj, Cohort | Trainer) and obj.municipality not in (scope.municipalities or ()):
            raise TenantViolation(f"{type(obj).__name__} belongs to another municipality")
        return
    if isinstance(obj, GLOBAL):
        raise TenantViolation(f"provider staff may not change the shared {type(obj).__name__}")
    owner = obj.id if isinstance(obj, Provider) else getattr(obj, "provider_id", scope.provider_id)
    if owner is None and hasattr(obj, "provider_id"):
        obj.provider_id = scope.provider_id
    elif owner != scope.provider_id:
        raise TenantViolation(f"{type(obj).__name__} belongs to another provider")


def bind_scope(session: Session, scope: TenantScope | None) -> None:
    """Attach (or clear) the scope for every later query of this session."""
    if scope is None:
        session.info.pop("tenant", None)
    else:
        session.info["tenant"] = scope


def check_bulk_write(session: Session, model: type[SQLModel]) -> None:
    """The write guard for a bulk INSERT, UPDATE or DELETE of `model`'s rows, which no flush sees:
    raise TenantViolation unless this session's scope may write the model whatever the row (the
    per-row rules of municipal and provider rows need the flush's objects, so those are refused)."""
    scope: TenantScope | None = session.info.get("tenant")
    if scope is None or scope.unrestricted:
        return
    if issubclass(model, SHARED_SETTINGS):
        raise TenantViolation(f"only a platform admin may change {model.__name__}")
    planner = scope.municipalities is not None
    if planner and issubclass(model, PLANNER_WRITES) and not issubclass(model, MUNICIPAL):
        return  # a planner's rows carry no per-row rule
    raise TenantViolation(f"this role may not bulk-write {model.__name__}")
