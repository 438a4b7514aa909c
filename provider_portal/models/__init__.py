"""Every table of the portal; importing this package registers them all on `SQLModel.metadata`.

Constraints get predictable names so that Alembic can alter them later, also on SQLite.
"""

from sqlmodel import SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# isort: split

from provider_portal.models.attendance import Attendance, AttendanceChange, PresenceFailure
from provider_portal.models.consent import ConsentEvent, LearnerConsent
from provider_portal.models.contract import Contract
from provider_portal.models.courses import ClassSlot, ClassTeacher, Closure, CourseClass, Enrolment, Lesson
from provider_portal.models.exam_path import (
    ExamPathChange,
    ExamReadiness,
    ExamResult,
    ExternalHours,
    PolicySetting,
)
from provider_portal.models.exams import ExamBooking, ExamLocation, ExamSession
from provider_portal.models.invoicing import (
    CapSetting,
    DocumentCounter,
    Invoice,
    InvoiceEvent,
    InvoiceLine,
    OtherProviderInvoice,
)
from provider_portal.models.job import ImportUpload, Job
from provider_portal.models.learner import Learner, LearnerExam, LearnerLanguage, LearnerModule
from provider_portal.models.mail import RunMail
from provider_portal.models.planning import (
    Cohort,
    CohortMeeting,
    Placement,
    PlanningProfile,
    PlanRun,
    Trainer,
)
from provider_portal.models.provider import Provider
from provider_portal.models.user import (
    PlannerMunicipality,
    RecoveryCode,
    SecurityEvent,
    User,
    UserSession,
)

__all__ = [
    "Attendance",
    "AttendanceChange",
    "ClassSlot",
    "ClassTeacher",
    "Closure",
    "CourseClass",
    "Enrolment",
    "ExamBooking",
    "ExamLocation",
    "ExamSession",
    "ExamPathChange",
    "ExamReadiness",
    "ExamResult",
    "ExternalHours",
    "PolicySetting",
    "Lesson",
    "Cohort",
    "CohortMeeting",
    "CapSetting",
    "ConsentEvent",
    "LearnerConsent",
    "Contract",
    "DocumentCounter",
    "Invoice",
    "InvoiceEvent",
    "InvoiceLine",
    "ImportUpload",
    "Job",
    "Learner",
    "LearnerExam",
    "LearnerLanguage",
    "LearnerModule",
    "OtherProviderInvoice",
    "Placement",
    "PlanRun",
    "PlannerMunicipality",
    "PresenceFailure",
    "RecoveryCode",
    "RunMail",
    "SecurityEvent",
    "UserSession",
    "PlanningProfile",
    "Provider",
    "Trainer",
    "User",
]
