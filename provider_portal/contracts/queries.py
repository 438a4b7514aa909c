"""What the contract pages read: the contract list with its learners' names, and the suggested next
number. Plain data out; every statement runs through the tenant filter of the session it is given."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, col

from provider_portal.models import Contract, Learner
from provider_portal.pagination import Page, paginate


def contract_page(session: Session, status: str, number: int, size: int) -> Page[Contract]:
    """One page of the contracts (of one status, when given), newest start first."""
    stmt = sa.select(Contract).order_by(col(Contract.start_date).desc(), col(Contract.id).desc())
    if status:
        stmt = stmt.where(col(Contract.status) == status)
    return paginate(session, stmt, number, size)


def learner_names(session: Session, learner_ids: set[int]) -> dict[int, str]:
    """The full names of these learners, by id."""
    rows = session.execute(
        sa.select(col(Learner.id), col(Learner.first_name) + " " + col(Learner.last_name))
        .where(col(Learner.id).in_(learner_ids)))
    return {learner_id: name for learner_id, name in rows if learner_id is not None}


def next_contract_number(session: Session, year: int) -> str:
    """A suggestion for the next number, such as 2026-0042 (the user may type another)."""
    count = session.execute(sa.select(sa.func.count()).select_from(Contract)
                            .where(col(Contract.number).like(f"{year}-%"))).scalar_one()
    return f"{year}-{count + 1:04d}"
