"""Contract use cases: create, update, terminate, complete. They flush in the caller's session; the
caller's `db.unit_of_work` commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from provider_portal.db import savepoint
from provider_portal.models import Contract, Learner
from provider_portal.models.enums import ContractStatus
from provider_portal.models.keys import pk
from provider_portal.models.types import to_cents
from provider_portal.service_errors import DomainError


class ContractError(DomainError):
    """A contract change is refused; `field` names the form field it concerns."""


@dataclass(frozen=True)
class ContractData:
    number: str
    start_date: date
    end_date: date
    purchased_hours: int
    hourly_rate: Decimal
    total_price: Decimal | None


def save_contract(session: Session, learner: Learner, data: ContractData,
                  contract: Contract | None = None) -> Contract:
    """Create or update an active contract; the number is unique per provider (a number taken, even
    at the same moment, is refused; only this change is undone)."""
    try:
        with savepoint(session):
            contract = stage_contract(session, learner, data, contract)
            session.flush()
    except IntegrityError as exc:
        raise ContractError("number", _l("This contract number is already in use.")) from exc
    return contract


def stage_contract(session: Session, learner: Learner, data: ContractData,
                   contract: Contract | None = None) -> Contract:
    """Apply the contract rules and add it to the session (imports batch many before one flush)."""
    if contract is not None and contract.status != ContractStatus.ACTIVE:
        raise ContractError("number", _l("Only an active contract can be changed."))
    contract = contract or Contract(learner_id=pk(learner), provider_id=learner.provider_id)  # type: ignore[call-arg]
    contract.number = data.number.strip()
    contract.start_date, contract.end_date = data.start_date, data.end_date
    contract.purchased_hours = data.purchased_hours
    contract.hourly_rate_cents = to_cents(data.hourly_rate)
    total = data.total_price if data.total_price is not None else data.hourly_rate * data.purchased_hours
    contract.total_price_cents = to_cents(total)
    session.add(contract)
    return contract


def terminate_contract(session: Session, contract: Contract, on: date, reason: str) -> None:
    """End an active contract early, keeping the date and the reason (seed 004, Q&A 8 and 10)."""
    if contract.status != ContractStatus.ACTIVE:
        raise ContractError("terminated_on", _l("Only an active contract can be terminated."))
    if on < contract.start_date:
        raise ContractError("terminated_on", _l("The termination date lies before the contract start."))
    contract.status = ContractStatus.TERMINATED
    contract.terminated_on, contract.termination_reason = on, reason.strip()
    session.flush()


def complete_contract(session: Session, contract: Contract) -> None:
    """Mark an active contract as completed."""
    if contract.status != ContractStatus.ACTIVE:
        raise ContractError("number", _l("Only an active contract can be completed."))
    contract.status = ContractStatus.COMPLETED
    session.flush()

