"""Every table of the portal; importing this package registers them all on `SQLModel.metadata`."""

from provider_portal.models.contract import Contract
from provider_portal.models.job import Job
from provider_portal.models.learner import Learner, LearnerExam, LearnerLanguage, LearnerModule
from provider_portal.models.provider import Provider
from provider_portal.models.scheduler_store import apscheduler_jobs
from provider_portal.models.user import PlannerMunicipality, User

__all__ = [
    "Contract",
    "Job",
    "Learner",
    "LearnerExam",
    "LearnerLanguage",
    "LearnerModule",
    "PlannerMunicipality",
    "Provider",
    "User",
    "apscheduler_jobs",
]
