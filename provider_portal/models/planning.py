"""Group-session planning (KNM, PVT, MAP): trainers, cohorts, learners' planning profiles,
solver runs and the published plan. Cohorts and trainers belong to a municipality, which
organises the modules; planners see those of their municipalities."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from provider_portal.models.types import UTCDateTime, utcnow


class Trainer(SQLModel, table=True):
    """A trainer who runs cohorts; never in two overlapping meetings."""

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=100, index=True)
    name: str = Field(max_length=200)
    email: str = Field(default="", max_length=254)
    # ISO 639 codes of the languages the trainer teaches in, and day parts ("mon:morning", ...) when
    # they can teach; empty means not recorded. Edited by the planner.
    languages: list[str] = Field(default_factory=list, sa_type=sa.JSON,
                                 sa_column_kwargs={"server_default": "[]"})
    availability: list[str] = Field(default_factory=list, sa_type=sa.JSON,
                                    sa_column_kwargs={"server_default": "[]"})


class Cohort(SQLModel, table=True):
    """One run of a group module at a venue, in one language, with a trainer and its meetings."""

    id: int | None = Field(default=None, primary_key=True)
    municipality: str = Field(max_length=100, index=True)
    module: str = Field(max_length=3)
    name: str = Field(max_length=120)
    venue: str = Field(max_length=200)
    language: str = Field(max_length=3)
    trainer_id: int = Field(foreign_key="trainer.id")
    min_size: int
    max_size: int
    cost_cents: int = 0


class CohortMeeting(SQLModel, table=True):
    """One meeting of a cohort (wall-clock time in Europe/Amsterdam)."""

    __tablename__ = "cohort_meeting"

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True, ondelete="CASCADE")
    meeting_date: date
    start_time: time
    end_time: time


class PlanningProfile(SQLModel, table=True):
    """When and how far a learner can come; without one, weekdays 08-17 and 25 km are assumed."""

    __tablename__ = "planning_profile"

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    availability: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # ["mon:morning", ...]
    preferred: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    max_travel_km: int = 25
    earliest_start: date | None = None
    exam_needs: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # e.g. ["accessible"]


class PlanRun(SQLModel, table=True):
    """One solver run: the problem as built, its job, the solution, and whether it was published."""

    __tablename__ = "plan_run"

    id: int | None = Field(default=None, primary_key=True)
    planner_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(default="sessions", max_length=10)
    municipalities: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    job_id: int | None = Field(default=None, foreign_key="job.id")
    time_limit: int = 30
    problem: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    solution: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # How many of the run's learners were placed at their place of residence and how many at their
    # municipality's centre ({"place": n, "municipality": m}); None for runs from before it was counted.
    homes: dict[str, int] | None = Field(default=None, sa_type=sa.JSON)


class Placement(SQLModel, table=True):
    """The published plan: a learner's cohort for a module; pinned ones every later run keeps."""

    learner_id: int = Field(foreign_key="learner.id", primary_key=True, ondelete="CASCADE")
    module: str = Field(max_length=3, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    pinned: bool = False
    run_id: int | None = Field(default=None, foreign_key="plan_run.id")
    published_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
