"""The reads of the dashboard: its figures and short lists as plain data (docs/architecture.md).

Every query runs in the request's session, so the tenancy filter decides whose rows are counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.dashboard.alerts import TERM_DEADLINE, terms_ending, terms_expired
from provider_portal.models import Contract, Job, Learner, LearnerModule
from provider_portal.models.enums import ContractStatus, ModuleStatus


@dataclass(frozen=True, slots=True)
class Overview:
    """The dashboard's figures, learners per route, the first learners whose term has ended or ends
    soon (by deadline), and the newest jobs."""

    figures: dict[str, int]
    by_route: list[tuple[str, int]]
    expired: list[Learner]
    ending: list[Learner]
    jobs: list[Job]


def overview(session: Session, today: date, term_warning: timedelta) -> Overview:
    """What the dashboard shows on `today`; terms ending within `term_warning` count as ending."""

    def count(stmt: sa.Select[Any]) -> int:
        return int(session.execute(sa.select(sa.func.count()).select_from(stmt.subquery())).scalar_one())

    def first(condition: sa.ColumnElement[bool]) -> list[Learner]:
        stmt = sa.select(Learner).where(condition).order_by(TERM_DEADLINE, col(Learner.last_name)).limit(10)
        return list(session.execute(stmt).scalars())

    by_route = session.execute(
        sa.select(col(Learner.route), sa.func.count())
        .group_by(col(Learner.route)).order_by(col(Learner.route))
    ).all()
    expired, ending = terms_expired(today), terms_ending(today, term_warning)
    figures = {
        "learners": count(sa.select(col(Learner.id))),
        "active_contracts": count(sa.select(col(Contract.id))
                                  .where(col(Contract.status) == ContractStatus.ACTIVE)),
        "terms_expired": count(sa.select(col(Learner.id)).where(expired)),
        "terms_ending": count(sa.select(col(Learner.id)).where(ending)),
        "modules_open": count(
            sa.select(col(LearnerModule.learner_id)).where(col(LearnerModule.status) == ModuleStatus.REQUIRED)
        ),
    }
    jobs = list(session.execute(sa.select(Job).order_by(col(Job.created_at).desc()).limit(5)).scalars())
    return Overview(figures, [(route, n) for route, n in by_route], first(expired), first(ending), jobs)
