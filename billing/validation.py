"""Checks on a learner's billing input, each error naming the learner and the field."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from stdnum.nl import bsn as stdnum_bsn

from billing.errors import BillingInputError
from billing.quarters import Quarter

if TYPE_CHECKING:
    from billing.model import Contract, LearnerBilling, QuarterAmount


def validate_learner(learner: LearnerBilling) -> None:
    """Raise BillingInputError for the first problem found; the BSN itself is never echoed."""
    who = learner.learner_id
    if not isinstance(who, str) or not who.strip():
        raise BillingInputError("id", "is missing")
    _check_bsn(learner.bsn, who)
    _check_contract(learner.contract, who)
    _check_int(learner.loan_remaining_cents, "loan_remaining", who, allow_zero=True)
    if learner.obligation_met_on is not None and not _is_date(learner.obligation_met_on):
        raise BillingInputError("obligation_met_on", "must be a date", who)
    for i, lesson in enumerate(learner.lessons):
        hours = getattr(lesson, "hours", None)
        if (type(getattr(lesson, "day", None)) is not date or type(hours) is not Decimal
                or not hours.is_finite() or hours < 0):  # fast path first: 100k+ lessons a run
            _check_lesson(lesson, f"lessons[{i}]", who)
    _check_amounts(learner.invoiced, "invoiced", who)
    _check_amounts(learner.invoiced_by_others, "invoiced_by_others", who)


class ContractTerms(NamedTuple):
    """A validated contract's price and rate, typed as present (validation guarantees both)."""

    price_cents: int
    hourly_rate_cents: int
    terminated_on: date | None


def contract_terms(learner: LearnerBilling) -> ContractTerms:
    """The learner's contract terms for the billing rules, which need a price and a rate.

    Construction already checked them (`_check_contract`); checking again here is what tells the
    type checker they are present, and a contract slipped past validation (say through
    `object.__setattr__`) fails with the validator's own error rather than a TypeError.
    """
    who, contract = learner.learner_id, learner.contract
    if contract is None:
        raise BillingInputError("contract", "is missing", who)
    if contract.hourly_rate_cents is None:
        raise BillingInputError("contract.hourly_rate", "is missing; a contract needs a rate", who)
    if contract.price_cents is None:
        raise BillingInputError("contract.price", "is missing", who)
    return ContractTerms(contract.price_cents, contract.hourly_rate_cents, contract.terminated_on)


def _check_bsn(bsn: str | None, who: str) -> None:
    if bsn is None or not str(bsn).strip():
        raise BillingInputError("bsn", "is missing; every invoice names the learner's BSN", who)
    if not stdnum_bsn.is_valid(str(bsn)):
        raise BillingInputError("bsn", "is not a valid BSN (9 digits passing the elfproef)", who)


def _check_contract(contract: Contract | None, who: str) -> None:
    if contract is None:
        raise BillingInputError("contract", "is missing", who)
    if contract.hourly_rate_cents is None:
        raise BillingInputError("contract.hourly_rate", "is missing; a contract needs a rate", who)
    _check_int(contract.hourly_rate_cents, "contract.hourly_rate", who, allow_zero=False)
    if contract.price_cents is None:
        raise BillingInputError("contract.price", "is missing", who)
    _check_int(contract.price_cents, "contract.price", who, allow_zero=False)
    if contract.terminated_on is not None and not _is_date(contract.terminated_on):
        raise BillingInputError("contract.terminated_on", "must be a date", who)


def _is_date(value: object) -> bool:
    """A date but not a datetime: the two cannot be compared with each other."""
    return isinstance(value, date) and not isinstance(value, datetime)


def _check_int(value: object, where: str, who: str, *, allow_zero: bool) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise BillingInputError(where, "must be an amount in whole cents", who)
    if value < 0 or (value == 0 and not allow_zero):
        kind = "zero or positive" if allow_zero else "positive"
        raise BillingInputError(where, f"must be a {kind} decimal", who)


def _check_lesson(lesson: object, where: str, who: str) -> None:
    day, hours = getattr(lesson, "day", None), getattr(lesson, "hours", None)
    if not _is_date(day):
        raise BillingInputError(f"{where}.date", "must be a date (not a datetime)", who)
    if not isinstance(hours, Decimal) or not hours.is_finite():
        raise BillingInputError(f"{where}.hours", "must be a decimal number of hours", who)
    if hours < 0:
        raise BillingInputError(f"{where}.hours", "must not be negative", who)


def _check_amounts(amounts: tuple[QuarterAmount, ...], where: str, who: str) -> None:
    """Whole cents per quarter; a credit note is a negative entry in the quarter it was paid in.

    A quarter may net below zero (a credit note paid in a quarter with less invoiced than it
    credits: that frees cap room above the cap). But a credit note can only credit an invoice that
    came before it, so the running net in quarter order, and hence the total, never goes below 0.
    """
    net: dict[Quarter, int] = defaultdict(int)
    for i, item in enumerate(amounts):
        if not isinstance(item.quarter, Quarter):
            raise BillingInputError(f"{where}[{i}].quarter", "must be a quarter", who)
        if not isinstance(item.amount_cents, int) or isinstance(item.amount_cents, bool):
            raise BillingInputError(f"{where}[{i}].amount", "must be an amount in whole cents", who)
        net[item.quarter] += item.amount_cents
    running = 0
    for quarter in sorted(net):
        running += net[quarter]
        if running < 0:
            raise BillingInputError(where, f"the net amount up to {quarter} is negative: credit notes "
                                    "paid by then credit more than was invoiced", who)
