"""The billing input: cap table, provider Keurmerk, contracts, lessons and earlier invoices."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from billing.errors import BillingInputError
from billing.quarters import Quarter
from billing.validation import validate_learner

DEFAULT_CAP_CENTS = 125_000  # EUR 1250 per learner per quarter (seed 004 Q&A 16)
FAR_PAST = Quarter(1900, 1)


@dataclass(frozen=True, slots=True)
class CapSetting:
    """The quarterly cap per learner from `effective_from` on, until a later setting replaces it."""

    amount_cents: int
    effective_from: Quarter


@dataclass(frozen=True, slots=True)
class CapTable:
    """Dated cap settings, so an administrator can raise the cap (say to EUR 2000) without code."""

    settings: tuple[CapSetting, ...] = (CapSetting(DEFAULT_CAP_CENTS, FAR_PAST),)

    def __post_init__(self) -> None:
        if not self.settings:
            raise BillingInputError("cap_table", "needs at least one setting")
        starts = [s.effective_from for s in self.settings]
        if len(set(starts)) != len(starts):
            raise BillingInputError("cap_table", "two settings start in the same quarter")
        for i, setting in enumerate(self.settings):
            if not isinstance(setting.amount_cents, int) or setting.amount_cents <= 0:
                raise BillingInputError(f"cap_table[{i}].amount", "must be a positive amount")
        object.__setattr__(self, "settings", tuple(sorted(self.settings, key=_start)))

    def with_setting(self, amount_cents: int, effective_from: Quarter) -> CapTable:
        """A new table with one more dated setting (replacing one starting in the same quarter)."""
        kept = tuple(s for s in self.settings if s.effective_from != effective_from)
        return CapTable(kept + (CapSetting(amount_cents, effective_from),))

    def cap_for(self, quarter: Quarter) -> int:
        """The cap in force in `quarter`: the latest setting that started on or before it."""
        current = [s for s in self.settings if s.effective_from <= quarter]
        if not current:
            raise BillingInputError("cap_table", f"no cap setting is in force in {quarter}")
        return current[-1].amount_cents


def _start(setting: CapSetting) -> Quarter:
    return setting.effective_from


@dataclass(frozen=True, slots=True)
class KeurmerkPeriod:
    """A span in which the provider held a valid (aspirant-)Keurmerk; `valid_until` is inclusive."""

    valid_from: date
    valid_until: date | None = None

    def covers(self, day: date) -> bool:
        """True when the Keurmerk was valid on `day`."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True, slots=True)
class ProviderBilling:
    """The provider as billing sees it: its id and the periods its Keurmerk was valid."""

    provider_id: str
    keurmerk: tuple[KeurmerkPeriod, ...] = ()

    def keurmerk_valid_on(self, day: date) -> bool:
        """Only lessons given, and invoices sent, while the Keurmerk is valid can be paid by DUO."""
        for period in self.keurmerk:  # a plain loop: this runs once per lesson
            if period.valid_from <= day and (period.valid_until is None or day <= period.valid_until):
                return True
        return False

    def keurmerk_lost_on(self, day: date) -> date | None:
        """The last day of validity before `day`, when the Keurmerk is not valid on `day`."""
        if self.keurmerk_valid_on(day):
            return None
        ends = [p.valid_until for p in self.keurmerk if p.valid_until and p.valid_until < day]
        return max(ends, default=None)


@dataclass(frozen=True, slots=True)
class Lesson:
    """Hours a learner attended at school on one day; a lesson that did not take place counts 0."""

    day: date
    hours: Decimal
    took_place: bool = True


@dataclass(frozen=True, slots=True)
class QuarterAmount:
    """An amount invoiced in a quarter, or (negative) a credit note paid in that quarter.

    DUO frees cap room in the quarter in which a credit note is paid, not in the quarter of the
    invoice it corrects; entries of the same quarter add up, and that net may be below zero.
    """

    quarter: Quarter
    amount_cents: int


@dataclass(frozen=True, slots=True)
class Contract:
    """The course contract: total price and hourly rate (cents), and its termination date if any."""

    price_cents: int | None
    hourly_rate_cents: int | None
    terminated_on: date | None = None


@dataclass(frozen=True, slots=True)
class LearnerBilling:
    """One learner's contract with this provider and everything invoiced for them so far.

    `loan_remaining_cents` is the learner's loan still available as DUO reports it, i.e. after all
    invoices already paid or accepted, by any provider. `invoiced` and `invoiced_by_others` hold
    invoices per quarter and paid credit notes as negative amounts in the quarter of payment.
    Validated on construction.
    """

    learner_id: str
    bsn: str | None
    contract: Contract | None
    loan_remaining_cents: int
    lessons: tuple[Lesson, ...] = ()
    invoiced: tuple[QuarterAmount, ...] = ()
    invoiced_by_others: tuple[QuarterAmount, ...] = ()
    obligation_met_on: date | None = None
    name: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        validate_learner(self)

    def with_invoice(self, quarter: Quarter, amount_cents: int) -> LearnerBilling:
        """The same learner after an invoice of `amount_cents` in `quarter` (loan reduced)."""
        return replace(
            self,
            invoiced=self.invoiced + (QuarterAmount(quarter, amount_cents),),
            loan_remaining_cents=self.loan_remaining_cents - amount_cents,
        )

    def with_credit_note(self, paid_in: Quarter, amount_cents: int) -> LearnerBilling:
        """The same learner after a credit note of `amount_cents` was paid in `paid_in`.

        It counts as a negative amount in the quarter of payment (freeing cap room there, not in
        the corrected invoice's quarter) and gives the credited amount back to the loan.
        """
        return self.with_invoice(paid_in, -amount_cents)


@dataclass(frozen=True, slots=True)
class BillingInput:
    """Everything one quarter's computation needs for one provider (what the CLI file holds)."""

    provider: ProviderBilling
    learners: tuple[LearnerBilling, ...]
    caps: CapTable = CapTable()
    invoice_date: date | None = None
