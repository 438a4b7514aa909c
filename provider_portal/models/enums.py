"""The vocabularies of the domain (see shared/domain.md), stored as short strings."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PROVIDER_ADMIN = "provider_admin"
    TEACHER = "teacher"
    FINANCE = "finance"
    PLANNER = "planner"
    PLATFORM_ADMIN = "platform_admin"
    LEARNER = "learner"


PROVIDER_ROLES = (Role.PROVIDER_ADMIN, Role.TEACHER, Role.FINANCE)
# Accounts of no provider, made by a platform admin (users/accounts.py).
PLATFORM_ROLES = (Role.PLANNER, Role.PLATFORM_ADMIN)


class KeurmerkStatus(StrEnum):
    KEURMERK = "keurmerk"
    ASPIRANT = "aspirant"
    SUSPENDED = "suspended"
    NONE = "none"


class MigrantType(StrEnum):
    ASIEL = "asiel"
    GEZIN = "gezin"
    OVERIG = "overig"


class Route(StrEnum):
    B1 = "B1"
    B1_ENTREE = "B1-Entree"
    ONDERWIJS = "onderwijs"
    Z = "Z"


class GroupModule(StrEnum):
    KNM = "KNM"
    PVT = "PVT"
    MAP = "MAP"


class ModuleStatus(StrEnum):
    REQUIRED = "required"
    EXEMPT = "exempt"
    PLANNED = "planned"
    DONE = "done"


class ExamComponent(StrEnum):
    LEZEN = "lezen"
    LUISTEREN = "luisteren"
    SCHRIJVEN = "schrijven"
    SPREKEN = "spreken"
    KNM = "KNM"
    ONA = "ONA"


class ExamStatus(StrEnum):
    OPEN = "open"
    PLANNED = "planned"
    PASSED = "passed"
    EXEMPT = "exempt"


class ContractStatus(StrEnum):
    ACTIVE = "active"
    TERMINATED = "terminated"
    COMPLETED = "completed"


class ClassLevel(StrEnum):
    ALFA = "alfa"
    A1 = "A1"
    A2 = "A2"
    B1 = "B1"
    B2 = "B2"


class LessonStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    ABSENT_NOTICE = "absent_notice"
    ABSENT = "absent"


ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


# Which group modules each route requires (domain.md, "Routes").
REQUIRED_MODULES: dict[Route, tuple[GroupModule, ...]] = {
    Route.B1: (GroupModule.KNM, GroupModule.PVT, GroupModule.MAP),
    Route.B1_ENTREE: (GroupModule.KNM, GroupModule.PVT),
    Route.ONDERWIJS: (GroupModule.KNM, GroupModule.PVT),
    Route.Z: (GroupModule.KNM, GroupModule.PVT, GroupModule.MAP),
}

# Exam components per route: the Z-route ends with an interview, not an exam.
EXAM_COMPONENTS: dict[Route, tuple[ExamComponent, ...]] = {
    Route.B1: (ExamComponent.LEZEN, ExamComponent.LUISTEREN, ExamComponent.SCHRIJVEN,
               ExamComponent.SPREKEN, ExamComponent.KNM),
    Route.B1_ENTREE: (ExamComponent.LEZEN, ExamComponent.LUISTEREN, ExamComponent.SCHRIJVEN,
                      ExamComponent.SPREKEN, ExamComponent.KNM),
    Route.ONDERWIJS: (ExamComponent.LEZEN, ExamComponent.LUISTEREN, ExamComponent.SCHRIJVEN,
                      ExamComponent.SPREKEN, ExamComponent.KNM),
    Route.Z: (),
}
